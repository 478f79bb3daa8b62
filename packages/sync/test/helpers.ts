// Test doubles: a socket pair (no network), a protocol-level client driving a real Y.Doc through the
// y-protocols encoders, a storage wrapper whose calls can be held, failed and inspected.
import * as Y from 'yjs';
import * as encoding from 'lib0/encoding';
import * as decoding from 'lib0/decoding';
import * as syncProtocol from 'y-protocols/sync';
import * as awarenessProtocol from 'y-protocols/awareness';
import { messageAwareness, messageDurableStateVector, messageQueryAwareness, messageSync } from '@teixit/protocol';
import type { DocStorage, LoadedDoc, StorageEntry, SyncConnectionHandle, SyncServer, SyncSocket, SyncLogger } from '../src/index.ts';

export const silentLogger: SyncLogger & { errors: unknown[]; warnings: unknown[] } = {
	errors: [],
	warnings: [],
	info() {},
	warn(obj) {
		silentLogger.warnings.push(obj);
	},
	error(obj) {
		silentLogger.errors.push(obj);
	}
};

let uniq = 0;
/** Unique document names, so tests (and parallel runs on one database) never share a document. */
export const docName = (label = 'doc') => `${label}-${process.pid}-${Date.now().toString(36)}-${uniq++}`;

export const tick = () => new Promise<void>((r) => setImmediate(r));
export const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

/** Polls until `cond` holds (no timing assertions: only a generous upper bound). */
export async function until(cond: () => boolean, what = 'condition', timeoutMs = 5000): Promise<void> {
	const end = Date.now() + timeoutMs;
	while (!cond()) {
		if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
		await sleep(2);
	}
}

export class SocketDouble implements SyncSocket {
	readonly sent: Uint8Array[] = [];
	closedWith: { code: number; reason: string } | null = null;
	bufferedAmount = 0;
	send(data: Uint8Array): void {
		if (this.closedWith) throw new Error('send on closed socket');
		this.sent.push(data);
	}
	close(code: number, reason: string): void {
		this.closedWith ??= { code, reason };
	}
	/** Messages of a given top-level type. */
	ofType(type: number): Uint8Array[] {
		return this.sent.filter((m) => decoding.readVarUint(decoding.createDecoder(m)) === type);
	}
}

export const frame = (write: (enc: encoding.Encoder) => void) => encoding.encode(write);
export const syncStep1Msg = (doc: Y.Doc) =>
	frame((e) => {
		encoding.writeVarUint(e, messageSync);
		syncProtocol.writeSyncStep1(e, doc);
	});
export const updateMsg = (update: Uint8Array) =>
	frame((e) => {
		encoding.writeVarUint(e, messageSync);
		syncProtocol.writeUpdate(e, update);
	});
export const step2Msg = (update: Uint8Array) =>
	frame((e) => {
		encoding.writeVarUint(e, messageSync);
		encoding.writeVarUint(e, syncProtocol.messageYjsSyncStep2);
		encoding.writeVarUint8Array(e, update);
	});
export const awarenessMsg = (update: Uint8Array) =>
	frame((e) => {
		encoding.writeVarUint(e, messageAwareness);
		encoding.writeVarUint8Array(e, update);
	});

export interface ClientOptions {
	docName: string;
	userId?: string;
	connectionId?: string;
	access?: 'write' | 'read';
	acks?: boolean;
	/** Send client->server frames immediately (default) or keep them in `outbox` for manual delivery. */
	autoSend?: boolean;
	/** Greet with sync step 1 + awareness like the y-websocket provider (default true). */
	greet?: boolean;
	doc?: Y.Doc;
}

let clientCount = 0;

/** A protocol-level client: what y-websocket's provider does, with explicit delivery. */
export class TestClient {
	readonly doc: Y.Doc;
	readonly awareness: awarenessProtocol.Awareness;
	readonly socket = new SocketDouble();
	readonly handle: SyncConnectionHandle;
	readonly outbox: Uint8Array[] = [];
	readonly opts: Required<Omit<ClientOptions, 'doc'>>;
	synced = false;
	durable: Uint8Array | null = null;
	durableCount = 0;
	/** Update-bearing frames (step 2 / update) this client sent, and how many the server says are committed. */
	framesSent = 0;
	framesCommitted = 0;
	#read = 0;
	#autoSend: boolean;

	constructor(server: SyncServer, options: ClientOptions) {
		const n = clientCount++;
		this.opts = {
			userId: `user-${n}`,
			connectionId: `conn-${n}`,
			access: 'write',
			acks: false,
			autoSend: true,
			greet: true,
			...options
		};
		this.#autoSend = this.opts.autoSend;
		this.doc = options.doc ?? new Y.Doc();
		this.awareness = new awarenessProtocol.Awareness(this.doc);
		this.awareness.setLocalState(null);
		this.handle = server.connect({
			docName: this.opts.docName,
			socket: this.socket,
			userId: this.opts.userId,
			connectionId: this.opts.connectionId,
			access: this.opts.access,
			acks: this.opts.acks
		});
		this.doc.on('update', this.#onDocUpdate);
		this.awareness.on('update', ({ added, updated, removed }: Record<string, number[]>, origin: unknown) => {
			if (origin !== 'local') return;
			const changed = [...added!, ...updated!, ...removed!];
			this.send(awarenessMsg(awarenessProtocol.encodeAwarenessUpdate(this.awareness, changed)));
		});
		if (this.opts.greet) this.send(syncStep1Msg(this.doc));
	}

	#onDocUpdate = (update: Uint8Array, origin: unknown) => {
		if (origin !== this) this.send(updateMsg(update));
	};

	get closed() {
		return this.socket.closedWith;
	}

	send(msg: Uint8Array): void {
		if (this.socket.closedWith) return;
		if (msg[0] === messageSync && (msg[1] === syncProtocol.messageYjsSyncStep2 || msg[1] === syncProtocol.messageYjsUpdate)) this.framesSent++;
		if (this.#autoSend) this.handle.receive(msg);
		else this.outbox.push(msg);
	}

	/** Delivers queued client->server frames (all, or the one at `index`). */
	flushOut(index?: number): number {
		if (index !== undefined) {
			const [msg] = this.outbox.splice(index, 1);
			if (msg) this.handle.receive(msg);
			return msg ? 1 : 0;
		}
		const msgs = this.outbox.splice(0);
		for (const m of msgs) this.handle.receive(m);
		return msgs.length;
	}

	/** Processes every server->client frame received so far; replies like the provider. */
	deliver(): number {
		let n = 0;
		while (this.#read < this.socket.sent.length) {
			this.#process(this.socket.sent[this.#read++]!);
			n++;
		}
		return n;
	}

	setPresence(state: Record<string, unknown> | null): void {
		this.awareness.setLocalState(state);
	}

	/** Other clients' awareness states as seen by this client. */
	peers(): Map<number, Record<string, unknown>> {
		const m = new Map(this.awareness.getStates());
		m.delete(this.doc.clientID);
		return m;
	}

	text(): string {
		return this.doc.getText('t').toString();
	}

	/** Whether the last durable state vector covers everything this client wrote. */
	saved(): boolean {
		if (!this.durable) return false;
		const sv = Y.decodeStateVector(this.durable);
		const mine = Y.getState(this.doc.store, this.doc.clientID);
		return (sv.get(this.doc.clientID) ?? 0) >= mine;
	}

	/** The client goes away (socket closed by the peer). Its Y.Doc stays usable for a reconnect. */
	close({ graceful = false } = {}): void {
		this.doc.off('update', this.#onDocUpdate);
		if (!graceful) this.socket.closedWith ??= { code: 1000, reason: 'client' };
		this.awareness.destroy(); // graceful: sends a null state first, like provider.disconnect()
		this.socket.closedWith ??= { code: 1000, reason: 'client' };
		this.handle.closed();
	}

	#process(buf: Uint8Array): void {
		const dec = decoding.createDecoder(buf);
		const enc = encoding.createEncoder();
		const type = decoding.readVarUint(dec);
		switch (type) {
			case messageSync: {
				encoding.writeVarUint(enc, messageSync);
				const sub = syncProtocol.readSyncMessage(dec, enc, this.doc, this);
				if (sub === syncProtocol.messageYjsSyncStep2) this.synced = true;
				if (encoding.length(enc) > 1) this.send(encoding.toUint8Array(enc));
				break;
			}
			case messageAwareness:
				awarenessProtocol.applyAwarenessUpdate(this.awareness, decoding.readVarUint8Array(dec), this);
				break;
			case messageQueryAwareness:
				break;
			case messageDurableStateVector:
				this.durable = decoding.readVarUint8Array(dec);
				this.framesCommitted = decoding.readVarUint(dec);
				this.durableCount++;
				break;
			default:
				throw new Error(`client got unknown message type ${type}`);
		}
	}
}

/** Delivers both directions until nothing moves (async storage is given time via macrotask ticks). */
export async function settle(clients: TestClient[], rounds = 3): Promise<void> {
	let quiet = 0;
	for (let i = 0; i < 10_000 && quiet < rounds; i++) {
		let moved = 0;
		for (const c of clients) moved += c.flushOut() + c.deliver();
		await tick();
		quiet = moved === 0 ? quiet + 1 : 0;
	}
}

export function textOf(state: Uint8Array | null): string {
	const d = new Y.Doc();
	if (state) Y.applyUpdate(d, state);
	return d.getText('t').toString();
}

/** Same content, by comparing full state vectors and a canonical re-encoding of shared types. */
export function sameDoc(a: Y.Doc, b: Y.Doc): boolean {
	const sv = (d: Y.Doc) => [...Y.decodeStateVector(Y.encodeStateVector(d)).entries()].sort().join();
	const map = (d: Y.Doc) => JSON.stringify(Object.entries(d.getMap('m').toJSON()).sort(([x], [y]) => (x < y ? -1 : 1)));
	return sv(a) === sv(b) && a.getText('t').toString() === b.getText('t').toString() && map(a) === map(b);
}

export function docFrom(state: Uint8Array | null): Y.Doc {
	const d = new Y.Doc();
	if (state) Y.applyUpdate(d, state);
	return d;
}

interface Gate {
	promise: Promise<void>;
	open: () => void;
}
const gate = (): Gate => {
	let open!: () => void;
	const promise = new Promise<void>((r) => (open = r));
	return { promise, open };
};

/**
 * Wraps a DocStorage: counts calls, can hold loads/appends until released, can fail the next N
 * appends/loads, and checks on every compact() that the snapshot equals the log up to uptoSeq.
 */
export class ControlledStorage implements DocStorage {
	loads = 0;
	appends: { docName: string; firstSeq: number; count: number }[] = [];
	compactions: { docName: string; uptoSeq: number; state: Uint8Array }[] = [];
	compactViolations: string[] = [];
	failAppends = 0;
	failLoads = 0;
	#loadGate: Gate | null = null;
	#appendGate: Gate | null = null;
	appendsWaiting = 0;

	constructor(readonly inner: DocStorage & { rows?(docName: string): readonly { seq: number; update: Uint8Array }[] }) {}

	holdLoads(): void {
		this.#loadGate ??= gate();
	}
	releaseLoads(): void {
		this.#loadGate?.open();
		this.#loadGate = null;
	}
	holdAppends(): void {
		this.#appendGate ??= gate();
	}
	releaseAppends(): void {
		this.#appendGate?.open();
		this.#appendGate = null;
	}

	async load(docName: string): Promise<LoadedDoc> {
		this.loads++;
		if (this.#loadGate) await this.#loadGate.promise;
		if (this.failLoads > 0) {
			this.failLoads--;
			throw new Error('injected load failure');
		}
		return this.inner.load(docName);
	}

	async append(docName: string, firstSeq: number, entries: StorageEntry[]): Promise<void> {
		this.appendsWaiting++;
		try {
			if (this.#appendGate) await this.#appendGate.promise;
		} finally {
			this.appendsWaiting--;
		}
		if (this.failAppends > 0) {
			this.failAppends--;
			throw new Error('injected append failure');
		}
		await this.inner.append(docName, firstSeq, entries);
		this.appends.push({ docName, firstSeq, count: entries.length });
	}

	async compact(docName: string, uptoSeq: number, state: Uint8Array): Promise<void> {
		const rows = this.inner.rows?.(docName);
		if (rows) {
			const upto = rows.filter((r) => r.seq <= uptoSeq).map((r) => r.update);
			const expected = docFrom(upto.length ? Y.mergeUpdates(upto) : null);
			if (!sameDoc(expected, docFrom(state))) this.compactViolations.push(`${docName}@${uptoSeq}`);
		}
		await this.inner.compact(docName, uptoSeq, state);
		this.compactions.push({ docName, uptoSeq, state });
	}
}
