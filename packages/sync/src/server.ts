// SyncServer: the registry of rooms and the public entry point used by transport adapters.
import type * as Y from 'yjs';
import { CloseCodes, type CloseCode } from '@teixit/protocol';
import { Connection } from './connection.ts';
import { newCounters, type Counters, type EngineContext, type EngineOptions } from './context.ts';
import { TypedEmitter, type SyncEvents } from './events.ts';
import { resolveLimits, type SyncLimits } from './limits.ts';
import { Room } from './room.ts';
import type { DocStorage } from './storage/types.ts';
import type { ConnectParams, ConnectionInfo, SyncConnectionHandle, SyncLogger } from './types.ts';

export interface SyncServerOptions {
	storage: DocStorage;
	limits?: Partial<SyncLimits>;
	logger?: SyncLogger;
	/** Keep an empty room this long before flushing and unloading it (default 10 000). */
	unloadGraceMs?: number;
	/** Wait this long after the first update of a batch before committing (default 2). */
	commitDelayMs?: number;
	/** Write a snapshot every this many log rows (default 500: each row costs a load a fetch)... */
	compactEvery?: number;
	/** ...or this many updates in them (default 5000: each costs a load about 3.5 µs to apply)... */
	compactUpdates?: number;
	/** ...or this many update bytes (default 4 MiB), whichever comes first. */
	compactBytes?: number;
	/** Persist retry backoff: first delay and cap (defaults 100 and 10 000; jittered). */
	retryBaseMs?: number;
	retryMaxMs?: number;
	/** A load slower than this fails (default 30 000). */
	loadTimeoutMs?: number;
	/** shutdown() gives up waiting for commits after this long (default 10 000). */
	shutdownTimeoutMs?: number;
	/** Y.Doc garbage collection (default true). */
	gc?: boolean;
	/** Monotonic clock in ms (default performance.now). */
	now?: () => number;
}

export interface SyncStats extends Omit<Counters, 'closesTotal'> {
	connections: number;
	documents: number;
	/** Updates applied in memory but not yet committed. */
	pendingUpdates: number;
	/** Awareness states currently held. */
	awarenessStates: number;
	closesTotal: Record<string, number>;
}

export interface ChangeOptions {
	/** Attribution of the log row (e.g. the user who triggered a server-side change, or null for the system). */
	userId?: string | null;
	/** Wait until the change is committed (default true). */
	durable?: boolean;
}

const consoleLogger: SyncLogger = {
	info: () => {},
	warn: (obj, msg) => console.warn(msg, obj),
	error: (obj, msg) => console.error(msg, obj)
};

const noopHandle: SyncConnectionHandle = { receive() {}, closed() {} };

/** A connection's handle for the transport: a class, not two closures over the connect parameters,
 *  because a server holds thousands of idle ones (the closures and what they kept were ~0.8 KB each). */
class GuardedHandle implements SyncConnectionHandle {
	constructor(
		private readonly conn: Connection,
		private readonly logger: SyncLogger
	) {}

	receive(data: Uint8Array): void {
		try {
			this.conn.receive(data);
		} catch (err) {
			// Defensive: receive() handles its own errors; this is the last line.
			this.logger.error({ docName: this.conn.docName, err }, 'sync: unexpected error in receive');
			this.conn.close(CloseCodes.BadMessage);
		}
	}

	closed(): void {
		try {
			this.conn.closedByPeer();
		} catch (err) {
			this.logger.error({ docName: this.conn.docName, err }, 'sync: unexpected error in closed');
		}
	}
}

export class SyncServer {
	#rooms = new Map<string, Room>();
	/** Poisoned rooms still committing their good updates; their successor loads after this. */
	#resets = new Map<string, Promise<void>>();
	#unloadTimers = new Map<Room, ReturnType<typeof setTimeout>>();
	#events = new TypedEmitter<SyncEvents>();
	#ctx: EngineContext;
	#shutdown: Promise<void> | null = null;

	constructor(opts: SyncServerOptions) {
		const options: EngineOptions = {
			unloadGraceMs: opts.unloadGraceMs ?? 10_000,
			commitDelayMs: opts.commitDelayMs ?? 2,
			compactEvery: opts.compactEvery ?? 500,
			compactUpdates: opts.compactUpdates ?? 5000,
			compactBytes: opts.compactBytes ?? 4 * 1024 * 1024,
			retryBaseMs: opts.retryBaseMs ?? 100,
			retryMaxMs: opts.retryMaxMs ?? 10_000,
			loadTimeoutMs: opts.loadTimeoutMs ?? 30_000,
			shutdownTimeoutMs: opts.shutdownTimeoutMs ?? 10_000,
			gc: opts.gc ?? true
		};
		this.#ctx = {
			storage: opts.storage,
			limits: resolveLimits(opts.limits),
			logger: opts.logger ?? consoleLogger,
			events: this.#events,
			counters: newCounters(),
			options,
			now: opts.now ?? (() => performance.now())
		};
	}

	/**
	 * Attaches a socket to a document. Synchronous: messages received before the document has loaded
	 * are queued and replayed after load (SPEC [L1]).
	 */
	connect(p: ConnectParams): SyncConnectionHandle {
		if (this.#shutdown) {
			try {
				p.socket.close(CloseCodes.ServerRestart.code, CloseCodes.ServerRestart.reason);
			} catch {
				// already closed
			}
			return noopHandle;
		}
		const room = this.#room(p.docName);
		const conn = new Connection(room, p, this.#ctx);
		room.add(conn);
		return new GuardedHandle(conn, this.#ctx.logger);
	}

	/** Closes every connection matching `pred` with `code` (e.g. Forbidden after a role change). */
	closeWhere(pred: (c: ConnectionInfo) => boolean, code: CloseCode): number {
		let n = 0;
		for (const room of this.#rooms.values()) {
			for (const c of [...room.connections]) {
				if (pred({ userId: c.userId, docName: c.docName, connectionId: c.connectionId })) {
					c.close(code);
					n++;
				}
			}
		}
		return n;
	}

	/** Resolves once every update applied so far (to one document, or all) is committed. */
	async flush(docName?: string): Promise<void> {
		const rooms = docName === undefined ? [...this.#rooms.values()] : [this.#rooms.get(docName)].filter((r) => r !== undefined);
		const resets = docName === undefined ? [...this.#resets.values()] : [this.#resets.get(docName)].filter((p) => p !== undefined);
		await Promise.all([...rooms.map((r) => r.flush()), ...resets]);
	}

	/**
	 * Graceful stop: refuse new connections, drop further input (clients re-send after reconnecting),
	 * commit everything applied (acks still go out), then close every socket with ServerRestart.
	 */
	shutdown(): Promise<void> {
		return (this.#shutdown ??= this.#doShutdown());
	}

	/**
	 * Applies a server-side change to a document (loading it if needed) as one attributed transaction,
	 * broadcast to connected clients and persisted like any client update.
	 */
	async change(docName: string, fn: (doc: Y.Doc) => void, opts: ChangeOptions = {}): Promise<void> {
		if (this.#shutdown) throw new Error('sync server is shutting down');
		const room = this.#room(docName);
		room.holds++;
		try {
			await room.loaded;
			if (!room.ready) throw new Error(`document ${docName} could not be loaded`);
			room.transact(fn, { userId: opts.userId ?? null, connectionId: null });
			if (opts.durable !== false) await room.flush();
		} finally {
			room.release();
		}
	}

	/** Reads a document (loading it if needed, like a connection would) without changing it. */
	async read<T>(docName: string, fn: (doc: Y.Doc) => T): Promise<T> {
		if (this.#shutdown) throw new Error('sync server is shutting down');
		const room = this.#room(docName);
		room.holds++;
		try {
			await room.loaded;
			if (!room.ready || !room.doc) throw new Error(`document ${docName} could not be loaded`);
			return fn(room.doc);
		} finally {
			room.release();
		}
	}

	stats(): SyncStats {
		let connections = 0;
		let pendingUpdates = 0;
		let awarenessStates = 0;
		for (const room of this.#rooms.values()) {
			connections += room.connections.size;
			pendingUpdates += room.pendingUpdates;
			awarenessStates += room.awareness.size;
		}
		const c = this.#ctx.counters;
		return { ...c, closesTotal: { ...c.closesTotal }, connections, documents: this.#rooms.size, pendingUpdates, awarenessStates };
	}

	on<K extends keyof SyncEvents>(event: K, fn: (payload: SyncEvents[K]) => void): this {
		this.#events.on(event, fn);
		return this;
	}

	off<K extends keyof SyncEvents>(event: K, fn: (payload: SyncEvents[K]) => void): this {
		this.#events.off(event, fn);
		return this;
	}

	/** Read access to a loaded document (tests, diagnostics). Do not mutate it: use change(). */
	getDoc(docName: string): Y.Doc | null {
		return this.#rooms.get(docName)?.doc ?? null;
	}

	/** Names of the documents currently in memory. */
	documents(): string[] {
		return [...this.#rooms.keys()];
	}

	#room(docName: string): Room {
		const existing = this.#rooms.get(docName);
		if (existing) {
			this.#cancelUnload(existing); // SPEC [U2]: a connect during the grace period reuses the room
			return existing;
		}
		const room: Room = new Room(
			docName,
			this.#ctx,
			{
				empty: (r) => this.#scheduleUnload(r),
				loadFailed: (r) => {
					// SPEC [L2]: the room is not kept; the next connect retries the load.
					this.#cancelUnload(r);
					if (this.#rooms.get(r.docName) === r) this.#rooms.delete(r.docName);
				},
				poisoned: (r) => this.#reset(r)
			},
			this.#resets.get(docName)
		);
		this.#rooms.set(docName, room);
		return room;
	}

	/**
	 * SPEC [B2]: drop a poisoned room. Its connections reconnect (retryable close) and find a fresh room
	 * that loads from storage once the poisoned one has committed every good update it accepted.
	 */
	#reset(room: Room): void {
		this.#cancelUnload(room);
		if (this.#rooms.get(room.docName) === room) this.#rooms.delete(room.docName);
		for (const c of [...room.connections]) c.close(CloseCodes.ServerRestart);
		const done = room.flush().finally(() => {
			room.destroy();
			if (this.#resets.get(room.docName) === done) this.#resets.delete(room.docName);
		});
		this.#resets.set(room.docName, done);
	}

	#scheduleUnload(room: Room): void {
		if (this.#shutdown || (room.state !== 'ready' && room.state !== 'loading')) return;
		this.#cancelUnload(room);
		this.#unloadTimers.set(
			room,
			setTimeout(() => void this.#unload(room), this.#ctx.options.unloadGraceMs)
		);
	}

	#cancelUnload(room: Room): void {
		const t = this.#unloadTimers.get(room);
		if (t) clearTimeout(t);
		this.#unloadTimers.delete(room);
	}

	/** SPEC [U1]: flush, then free the doc, unless someone came back meanwhile. */
	async #unload(room: Room): Promise<void> {
		this.#unloadTimers.delete(room);
		const inUse = () => room.connections.size > 0 || room.holds > 0 || this.#rooms.get(room.docName) !== room;
		if (inUse()) return;
		await room.flush();
		if (inUse() || this.#shutdown) return;
		if (!room.idle) return this.#scheduleUnload(room);
		this.#rooms.delete(room.docName);
		room.destroy();
		this.#events.emit('unload', { docName: room.docName });
	}

	async #doShutdown(): Promise<void> {
		const rooms = [...this.#rooms.values()];
		for (const room of rooms) {
			room.draining = true;
			this.#cancelUnload(room);
		}
		let timer: ReturnType<typeof setTimeout> | undefined;
		const timedOut = await Promise.race([
			Promise.all([...rooms.map((r) => r.flush()), ...this.#resets.values()]).then(() => false),
			new Promise<boolean>((resolve) => (timer = setTimeout(() => resolve(true), this.#ctx.options.shutdownTimeoutMs)))
		]);
		clearTimeout(timer);
		if (timedOut) {
			const unsaved = rooms.filter((r) => !r.idle).map((r) => ({ docName: r.docName, pending: r.pendingUpdates }));
			this.#ctx.logger.error({ unsaved }, 'sync: shutdown timed out; clients keep these updates and re-send them');
		}
		for (const room of rooms) {
			for (const c of [...room.connections]) c.close(CloseCodes.ServerRestart);
			room.destroy();
			this.#rooms.delete(room.docName);
		}
	}
}
