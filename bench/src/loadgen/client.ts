// A protocol-level sync client: one WebSocket, the y-websocket handshake (or Hocuspocus' framing),
// and a receive path that decodes only message headers and hands byte ranges to callbacks.
// It keeps no Y.Doc: it answers the server's sync step 1 with an empty step 2, and reports step 2
// ("synced"), updates, awareness and Teixit's durable state vector to the scenario.
import { performance } from 'node:perf_hooks';
import { WebSocket } from 'ws';
import {
	EMPTY_STATE_VECTOR,
	EMPTY_UPDATE,
	MSG_AUTH,
	MSG_AWARENESS,
	MSG_DURABLE_SV,
	MSG_HP_SYNC_REPLY,
	MSG_SYNC,
	SYNC_STEP1,
	SYNC_STEP2,
	SYNC_UPDATE,
	encodeHocuspocusAuth,
	encodeSync,
	type Framing
} from './wire.ts';
import { Reader } from './yparse.ts';

export interface ClientHandlers {
	/** A sync update (type 0/2). `update` is a view into the received frame. */
	onUpdate?(client: ProtocolClient, update: Uint8Array, at: number): void;
	/** The first sync step 2 (the server's state for us). */
	onStep2?(client: ProtocolClient, update: Uint8Array, at: number): void;
	/** An awareness message; payload is buf[start, end). */
	onAwareness?(client: ProtocolClient, buf: Uint8Array, start: number, end: number, at: number): void;
	/** Teixit's durable state vector; buf[start, end) is the state vector. */
	onAck?(client: ProtocolClient, buf: Uint8Array, start: number, end: number, at: number): void;
	onClose?(client: ProtocolClient, code: number, reason: string): void;
}

export interface ClientOptions {
	url: string;
	/** Document name (used in Hocuspocus framing; informative otherwise). */
	doc: string;
	framing: Framing;
	headers?: Record<string, string>;
	/** Source address (127.0.0.x) so per-IP connection limits see many users, as in production. */
	localAddress?: string;
	handlers?: ClientHandlers;
	/** Send sync step 1 right after open (default true). */
	sync?: boolean;
}

// Masking is mandatory for clients, but an all-zero mask lets ws skip the XOR: cheaper load generator.
const zeroMask = (mask: Buffer) => {
	mask.fill(0);
};

export const clientCounters = { messages: 0, bytes: 0, unknownTypes: 0, errors: 0 };

export class ProtocolClient {
	ws: WebSocket | null = null;
	startedAt = 0;
	openedAt = -1;
	syncedAt = -1;
	step2Bytes = 0;
	closeCode = -1;
	closeReason = '';
	/** Free slot for the scenario (e.g. the editor this socket belongs to). */
	tag: unknown = undefined;
	#synced: Promise<number>;
	#resolveSynced!: (at: number) => void;
	#rejectSynced!: (err: Error) => void;

	constructor(readonly opts: ClientOptions) {
		this.#synced = new Promise<number>((resolve, reject) => {
			this.#resolveSynced = resolve;
			this.#rejectSynced = reject;
		});
		this.#synced.catch(() => {});
	}

	get doc() {
		return this.opts.doc;
	}

	get open() {
		return this.ws?.readyState === WebSocket.OPEN;
	}

	/** Opens the socket; resolves once open and the handshake was sent. */
	connect(timeoutMs = 30_000): Promise<void> {
		const { url, headers, localAddress, framing, doc } = this.opts;
		this.startedAt = performance.now();
		const ws = new WebSocket(url, {
			perMessageDeflate: false,
			headers,
			localAddress,
			generateMask: zeroMask,
			handshakeTimeout: timeoutMs
		});
		this.ws = ws;
		ws.binaryType = 'nodebuffer';
		return new Promise<void>((resolve, reject) => {
			ws.once('open', () => {
				this.openedAt = performance.now();
				if (framing === 'hocuspocus') ws.send(encodeHocuspocusAuth(doc));
				if (this.opts.sync !== false) ws.send(encodeSync(framing, doc, SYNC_STEP1, EMPTY_STATE_VECTOR));
				resolve();
			});
			ws.on('unexpected-response', (_req, res) => {
				const err = new Error(`upgrade refused: HTTP ${res.statusCode} for ${url}`);
				clientCounters.errors++;
				this.#rejectSynced(err);
				reject(err);
				ws.terminate();
			});
			ws.on('error', (err) => {
				clientCounters.errors++;
				this.#rejectSynced(err);
				reject(err);
			});
			ws.on('close', (code, reason) => {
				this.closeCode = code;
				this.closeReason = reason.toString();
				this.#rejectSynced(new Error(`closed ${code} ${this.closeReason} before sync`));
				this.opts.handlers?.onClose?.(this, code, this.closeReason);
			});
			ws.on('message', (data: Buffer) => this.#receive(data));
		});
	}

	/** Resolves with the time (performance.now) the first sync step 2 arrived. */
	whenSynced(timeoutMs = 30_000): Promise<number> {
		if (this.syncedAt >= 0) return Promise.resolve(this.syncedAt);
		let timer: NodeJS.Timeout;
		return Promise.race([
			this.#synced,
			new Promise<number>((_, reject) => {
				timer = setTimeout(() => reject(new Error(`not synced after ${timeoutMs} ms (${this.opts.doc})`)), timeoutMs);
			})
		]).finally(() => clearTimeout(timer));
	}

	send(bytes: Uint8Array) {
		const ws = this.ws;
		if (ws && ws.readyState === WebSocket.OPEN) ws.send(bytes);
	}

	get bufferedAmount() {
		return this.ws?.bufferedAmount ?? 0;
	}

	close() {
		const ws = this.ws;
		if (!ws) return;
		if (ws.readyState === WebSocket.OPEN || ws.readyState === WebSocket.CONNECTING) ws.terminate();
	}

	/** Closes politely and waits for the close handshake (bounded). */
	async closeGracefully(timeoutMs = 2000): Promise<void> {
		const ws = this.ws;
		if (!ws || ws.readyState === WebSocket.CLOSED) return;
		await new Promise<void>((resolve) => {
			const timer = setTimeout(() => {
				ws.terminate();
				resolve();
			}, timeoutMs);
			ws.once('close', () => {
				clearTimeout(timer);
				resolve();
			});
			ws.close(1000);
		});
	}

	#receive(data: Buffer) {
		const at = performance.now();
		clientCounters.messages++;
		clientCounters.bytes += data.length;
		const h = this.opts.handlers;
		const r = new Reader(data);
		try {
			if (this.opts.framing === 'hocuspocus') r.bytes(); // document name
			const type = r.varUint();
			if (type === MSG_SYNC || type === MSG_HP_SYNC_REPLY) {
				const sub = r.varUint();
				const [s, e] = r.bytes();
				if (sub === SYNC_UPDATE) h?.onUpdate?.(this, data.subarray(s, e), at);
				else if (sub === SYNC_STEP2) {
					if (this.syncedAt < 0) {
						this.syncedAt = at;
						this.step2Bytes = e - s;
						h?.onStep2?.(this, data.subarray(s, e), at);
						this.#resolveSynced(at);
					} else h?.onUpdate?.(this, data.subarray(s, e), at);
				} else if (sub === SYNC_STEP1) {
					this.ws?.send(encodeSync(this.opts.framing, this.opts.doc, SYNC_STEP2, EMPTY_UPDATE));
				}
			} else if (type === MSG_AWARENESS) {
				const [s, e] = r.bytes();
				h?.onAwareness?.(this, data, s, e, at);
			} else if (type === MSG_DURABLE_SV && this.opts.framing === 'y') {
				const [s, e] = r.bytes();
				h?.onAck?.(this, data, s, e, at);
			} else if (type === MSG_AUTH && this.opts.framing === 'hocuspocus') {
				if (r.varUint() === 1) {
					const err = new Error(`hocuspocus permission denied for ${this.opts.doc}`);
					this.#rejectSynced(err);
				}
			} else {
				clientCounters.unknownTypes++;
			}
		} catch {
			clientCounters.errors++;
		}
	}
}

/** Opens many clients with bounded concurrency; returns them in order. Throws on the first failure. */
export async function connectAll(clients: ProtocolClient[], concurrency = 50): Promise<void> {
	let next = 0;
	const worker = async () => {
		while (next < clients.length) {
			const c = clients[next++]!;
			await c.connect();
		}
	};
	await Promise.all(Array.from({ length: Math.min(concurrency, clients.length) }, worker));
}

/** Spreads clients over 127.0.0.1..127.0.0.n (all loopback on Linux). */
export const loopbackAddress = (i: number, spread: number) => `127.0.0.${1 + (i % Math.max(1, spread))}`;
