// One loaded document: the Y.Doc, its connections, awareness, group commit and compaction.
// Framework-free; driven by SyncServer and Connection.
import * as Y from 'yjs';
import { CloseCodes } from '@teixit/protocol';
import { AwarenessRelay } from './awareness.ts';
import { GroupCommitter, type CommitInfo } from './committer.ts';
import type { EngineContext } from './context.ts';
import type { Connection } from './connection.ts';
import { encodeAwareness, encodeSyncStep1, encodeSyncStep2, encodeUpdate } from './wire.ts';

/** Transaction origin for state that came from storage: never re-persisted. */
export const STORAGE_ORIGIN = Symbol('storage');

/** Transaction origin for client or server-side writes: who to attribute the log row to. */
export interface Author {
	readonly userId: string | null;
	readonly connectionId: string | null;
}

/**
 * `poisoned`: an update broke the Y.Doc (see isWedged); the room only finishes committing its good
 * pending updates, then is dropped and the document reloads from storage (SPEC [B2]).
 */
export type RoomState = 'loading' | 'ready' | 'poisoned' | 'failed' | 'destroyed';

export interface RoomHooks {
	/** The last connection (and hold) left. */
	empty(room: Room): void;
	/** The load failed; the server must forget this room. */
	loadFailed(room: Room): void;
	/** The in-memory doc can no longer be trusted; the server must drop and reload it. */
	poisoned(room: Room): void;
}

/**
 * Yjs 13 runs transaction cleanup (merging structs, GC, emitting 'update') in a `finally`. If a
 * malformed-but-decodable update makes that cleanup throw, `_transactionCleanups` is never emptied
 * and every later transaction on the doc silently skips cleanup: no 'update' events, so nothing is
 * broadcast or persisted again. Found by the fuzz test; checked after every failed apply.
 */
export function isWedged(doc: Y.Doc): boolean {
	const internals = doc as unknown as { _transaction: unknown; _transactionCleanups: unknown[] };
	return internals._transaction !== null || internals._transactionCleanups.length > 0;
}

const STEP2_CACHE_MAX = 16;

/** What the transaction of the update apply() is applying did (filled in by #afterTransaction). */
interface Applying {
	author: Author;
	changed: boolean;
	/** The doc's state vector before it. */
	before: Map<number, number> | null;
	/** More than one transaction ran meanwhile. */
	other: boolean;
}
const STEP2_CACHE_MAX_SV_BYTES = 4096;

/** What the log gained since the last snapshot: committed rows, and client updates and their bytes (SPEC [C1]). */
interface Tally {
	count: number;
	updates: number;
	bytes: number;
}
const emptyTally = (): Tally => ({ count: 0, updates: 0, bytes: 0 });

export class Room {
	state: RoomState = 'loading';
	/** Connections drop incoming messages (shutdown in progress). */
	draining = false;
	readonly connections = new Set<Connection>();
	readonly awareness: AwarenessRelay;
	/** Non-connection users of the room (server-side changes) that keep it loaded. */
	holds = 0;
	readonly loaded: Promise<void>;

	#doc: Y.Doc | null = null;
	#applying: Applying | null = null;
	#committer: GroupCommitter | null = null;
	#durableStateVector: Uint8Array = new Uint8Array([0]);
	/** Tickets of enqueued and of committed updates (SPEC [D7]). */
	#enqueuedTicket = 0;
	#committedTicket = 0;
	#step1: Uint8Array | null = null;
	#step2 = new Map<string, Uint8Array>();
	#sinceCompact = emptyTally();
	#compacting: Promise<void> | null = null;
	/** The doc encoded when the batch now in flight was cut (a compaction is due): see #cut. */
	#cutSnapshot: { state: Uint8Array; counted: Tally; rows: number } | null = null;

	constructor(
		readonly docName: string,
		private readonly ctx: EngineContext,
		private readonly hooks: RoomHooks,
		/** Load only after this settles (a poisoned predecessor finishing its commits). */
		private readonly after?: Promise<unknown>
	) {
		const { limits, now } = ctx;
		this.awareness = new AwarenessRelay({
			maxStateBytes: limits.maxAwarenessStateBytes,
			maxClientsPerOwner: limits.maxAwarenessClientsPerConnection,
			throttleMs: limits.awarenessThrottleMs,
			now,
			broadcast: (update) => this.broadcast(encodeAwareness(update), null)
		});
		this.loaded = this.#load();
	}

	get doc(): Y.Doc | null {
		return this.#doc;
	}

	get ready(): boolean {
		return this.state === 'ready';
	}

	/** Last committed sequence number, or null before load. */
	get lastSeq(): number | null {
		return this.#committer?.lastSeq ?? null;
	}

	get pendingUpdates(): number {
		return this.#committer?.pendingCount ?? 0;
	}

	/** Nothing waiting to be persisted and no compaction running. */
	get idle(): boolean {
		return (this.#committer?.idle ?? true) && this.#compacting === null;
	}

	/** State vector of what is committed to storage (payload of messageDurableStateVector). */
	/** Ticket of the latest update handed to the committer. */
	get enqueuedTicket(): number {
		return this.#enqueuedTicket;
	}

	/** Every update with a ticket up to this one is committed. */
	get committedTicket(): number {
		return this.#committedTicket;
	}

	get durableStateVector(): Uint8Array {
		return this.#durableStateVector;
	}

	add(conn: Connection): void {
		this.connections.add(conn);
		if (this.state === 'ready') conn.start();
	}

	remove(conn: Connection): void {
		if (!this.connections.delete(conn)) return;
		this.awareness.removeOwner(conn);
		if (this.connections.size === 0 && this.holds === 0) this.hooks.empty(this);
	}

	release(): void {
		this.holds--;
		if (this.connections.size === 0 && this.holds === 0) this.hooks.empty(this);
	}

	/** Sends to every started connection except `except`. */
	broadcast(msg: Uint8Array, except: Connection | null): void {
		for (const c of this.connections) if (c !== except && c.started) c.send(msg);
	}

	/** Server sync step 1 (our state vector), cached until the doc changes. */
	syncStep1(): Uint8Array {
		return (this.#step1 ??= encodeSyncStep1(Y.encodeStateVector(this.#requireDoc())));
	}

	/**
	 * Sync step 2 for a client's state vector. Cached per state vector until the doc changes, so a join
	 * storm of empty clients (state vector [0]) encodes the document once (SPEC [L4]). Throws on a
	 * malformed state vector.
	 */
	syncStep2(stateVector: Uint8Array): Uint8Array {
		const doc = this.#requireDoc();
		if (stateVector.length > STEP2_CACHE_MAX_SV_BYTES) return encodeSyncStep2(Y.encodeStateAsUpdate(doc, stateVector));
		const key = Buffer.from(stateVector.buffer, stateVector.byteOffset, stateVector.length).toString('latin1');
		let msg = this.#step2.get(key);
		if (!msg) {
			msg = encodeSyncStep2(Y.encodeStateAsUpdate(doc, stateVector));
			if (this.#step2.size >= STEP2_CACHE_MAX) this.#step2.clear();
			this.#step2.set(key, msg);
		}
		return msg;
	}

	/**
	 * Applies a client update. Throws on malformed input. Yjs keeps the doc consistent for decode
	 * errors; when an update wedged the doc instead, the room is poisoned (SPEC [B2]).
	 *
	 * The client's own bytes are what is broadcast and logged (and `frame`, the message they came in,
	 * when it is already an update frame), not Yjs' re-encoding of the transaction: Yjs encodes an
	 * update only for 'update' listeners, so ours is detached meanwhile. Under fan-out that encoding and
	 * its garbage were about 6 % of the event loop. What the update carried that the doc already had is
	 * harmless in the log and to the other clients (applying an update is idempotent); an update that
	 * changed nothing and left nothing pending is dropped, as Yjs would.
	 */
	apply(update: Uint8Array, author: Author, frame: Uint8Array | null = null): void {
		const doc = this.#requireDoc();
		const applying: Applying = (this.#applying = { author, changed: false, before: null, other: false });
		doc.off('update', this.#onUpdate);
		try {
			Y.applyUpdate(doc, update, author);
		} catch (err) {
			if (isWedged(doc)) this.poison(err, author);
			// Part of it may be in the doc: publish exactly that (what Yjs' own 'update' event would have).
			else if (applying.changed) this.#publishDiff(applying.before!, author);
			throw err;
		} finally {
			this.#applying = null;
			if (this.#doc === doc) doc.on('update', this.#onUpdate);
		}
		// Another transaction ran inside this one's cleanup (nothing does that today): encode it all.
		if (applying.other) this.#publishDiff(applying.before!, author);
		// Structs or deletes waiting for a missing dependency are not in the doc yet but must be logged.
		else if (applying.changed || doc.store.pendingStructs || doc.store.pendingDs) this.#onUpdate(update, author, frame);
	}

	/** Everything the doc gained since `before` (with its whole delete set), attributed to `author`. */
	#publishDiff(before: Map<number, number>, author: Author): void {
		try {
			this.#onUpdate(Y.encodeStateAsUpdate(this.#requireDoc(), Y.encodeStateVector(before)), author);
		} catch (err) {
			this.poison(err, author);
		}
	}

	/** Runs inside Yjs' transaction cleanup (must not throw): what apply()'s transaction changed. */
	#afterTransaction = (tr: Y.Transaction): void => {
		const a = this.#applying;
		if (!a) return;
		if (a.before === null && tr.origin === a.author) a.before = tr.beforeState;
		else a.other = true;
		if (tr.deleteSet.clients.size > 0) a.changed = true;
		else for (const [client, clock] of tr.afterState) if (tr.beforeState.get(client) !== clock) a.changed = true;
	};

	/** Runs a server-side change as one attributed transaction. */
	transact(fn: (doc: Y.Doc) => void, author: Author): void {
		const doc = this.#requireDoc();
		try {
			doc.transact(() => fn(doc), author);
		} finally {
			if (isWedged(doc)) this.poison(new Error('server-side change wedged the document'), author);
		}
	}

	/**
	 * The in-memory doc is broken. Good updates already emitted are still committed (they sit in the
	 * committer as Yjs-encoded bytes); the server closes every connection with a retryable code and
	 * reloads the document from storage once those commits are done.
	 */
	poison(err: unknown, author?: Author): void {
		if (this.state !== 'ready') return;
		this.state = 'poisoned';
		const { counters, logger, events } = this.ctx;
		counters.errorsTotal++;
		counters.poisonedTotal++;
		logger.error(
			{ docName: this.docName, userId: author?.userId, connectionId: author?.connectionId, err },
			'sync: an update broke the in-memory document; reloading it from storage'
		);
		events.emit('error', { docName: this.docName, kind: 'poisoned', error: err });
		// Deferred: we may be inside a Yjs transaction or a connection's message handler.
		queueMicrotask(() => this.hooks.poisoned(this));
	}

	/** Resolves once everything applied so far is committed and any compaction finished. */
	async flush(): Promise<void> {
		await this.loaded;
		while (!this.idle && (this.state === 'ready' || this.state === 'poisoned')) {
			await this.#committer?.flush();
			await this.#compacting;
		}
	}

	/** Stops and frees everything. Unpersisted updates (if any) are dropped: callers flush first. */
	destroy(): void {
		if (this.state === 'destroyed') return;
		this.state = 'destroyed';
		this.#committer?.stop();
		this.awareness.destroy();
		this.#doc?.destroy();
		this.#doc = null;
		this.#step2.clear();
		this.#step1 = null;
	}

	#requireDoc(): Y.Doc {
		if (!this.#doc) throw new Error(`document ${this.docName} is not loaded`);
		return this.#doc;
	}

	async #load(): Promise<void> {
		const { storage, options, now, events, logger, counters } = this.ctx;
		const started = now();
		let timer: ReturnType<typeof setTimeout> | undefined;
		try {
			if (this.after) await this.after;
			const loaded = await Promise.race([
				storage.load(this.docName),
				new Promise<never>((_, reject) => {
					timer = setTimeout(() => reject(new Error(`load timed out after ${options.loadTimeoutMs} ms`)), options.loadTimeoutMs);
				})
			]);
			if (this.state !== 'loading') return; // destroyed while loading (shutdown)
			const doc = new Y.Doc({ gc: options.gc });
			const parts = loaded.parts ?? (loaded.state ? [loaded.state] : []);
			// One transaction: the doc's cleanup (struct merging, pending checks) runs once, not per part.
			doc.transact(() => {
				for (const part of parts) Y.applyUpdate(doc, part, STORAGE_ORIGIN);
			}, STORAGE_ORIGIN);
			doc.on('update', this.#onUpdate);
			doc.on('afterTransaction', this.#afterTransaction);
			this.#doc = doc;
			this.#durableStateVector = Y.encodeStateVector(doc);
			this.#committer = new GroupCommitter(
				this.docName,
				storage,
				loaded.lastSeq,
				{
					cut: (rows) => this.#cut(doc, rows),
					committed: (info) => this.#committed(info),
					failed: (err, attempt) => {
						this.#dropCutSnapshot();
						counters.errorsTotal++;
						counters.persistErrorsTotal++;
						logger.error(
							{ docName: this.docName, attempt, pending: this.pendingUpdates, err },
							'sync: persisting updates failed; document kept in memory, retrying'
						);
						events.emit('error', { docName: this.docName, kind: 'persist', error: err });
					},
					reconcile: async () => {
						// Another writer appended to this document's log: merge its state, continue after it.
						const latest = await storage.load(this.docName);
						if (latest.state && this.#doc && this.state === 'ready') Y.applyUpdate(this.#doc, latest.state, STORAGE_ORIGIN);
						logger.warn({ docName: this.docName, lastSeq: latest.lastSeq }, 'sync: log moved on; merged and retrying');
						return latest.lastSeq;
					}
				},
				{ delayMs: options.commitDelayMs, retryBaseMs: options.retryBaseMs, retryMaxMs: options.retryMaxMs, now }
			);
			this.state = 'ready';
			events.emit('load', { docName: this.docName, ms: now() - started, bytes: parts.reduce((n, p) => n + p.length, 0), lastSeq: loaded.lastSeq });
			for (const c of this.connections) c.start();
		} catch (err) {
			if (this.state !== 'loading') return;
			this.state = 'failed';
			counters.errorsTotal++;
			counters.loadErrorsTotal++;
			logger.error({ docName: this.docName, err }, 'sync: loading document failed; closing its connections');
			events.emit('error', { docName: this.docName, kind: 'load', error: err });
			this.hooks.loadFailed(this);
			for (const c of [...this.connections]) c.close(CloseCodes.LoadFailed);
			this.destroy();
		} finally {
			clearTimeout(timer);
		}
	}

	/**
	 * Logs and broadcasts one change. From Yjs' 'update' event (server-side changes, storage merges) it
	 * runs inside the transaction's cleanup, so it must never throw (that would wedge the doc); from
	 * apply() `frame` may be the client's message, already an update frame.
	 */
	#onUpdate = (update: Uint8Array, origin: unknown, frame: unknown = null): void => {
		try {
			this.#step1 = null;
			this.#step2.clear();
			const author = origin === STORAGE_ORIGIN ? null : (origin as Author);
			if (author) {
				this.ctx.counters.updatesTotal++;
				this.#sinceCompact.updates++;
				this.#sinceCompact.bytes += update.length;
				this.#committer!.enqueue({
					update,
					userId: author.userId,
					connectionId: author.connectionId,
					receivedAt: this.ctx.now(),
					ticket: ++this.#enqueuedTicket
				});
			}
			const msg = frame instanceof Uint8Array ? frame : encodeUpdate(update);
			this.broadcast(msg, author && this.connections.has(author as Connection) ? (author as Connection) : null);
		} catch (err) {
			this.poison(err);
		}
	};

	/**
	 * A batch is cut: every earlier batch is committed (one append in flight at a time, a failed one goes
	 * back in front), so the doc now holds exactly what will be committed once this batch is. When a
	 * compaction is due, encode the doc here, synchronously: the snapshot is then the committed state as
	 * of this batch's last row, with no rebuild from storage (SPEC [C2]). Rebuilding 20 hot rooms at once
	 * (load, Y.mergeUpdates, re-encode) stalled the event loop for ~0.5 s in the fan-out bench.
	 */
	#cut(doc: Y.Doc, rows: number): Uint8Array {
		const counted = { ...this.#sinceCompact, count: this.#sinceCompact.count + rows };
		if (this.#due(counted) && this.#encodable(doc) && !this.#compacting && !this.#cutSnapshot) {
			try {
				this.#cutSnapshot = { state: Y.encodeStateAsUpdate(doc), counted, rows };
				this.#sinceCompact = emptyTally();
			} catch {
				this.#cutSnapshot = null; // compacted from storage after the commit instead
			}
		}
		return Y.encodeStateVector(doc);
	}

	/** The batch failed: its snapshot would claim rows that are not committed. Count them again. */
	#dropCutSnapshot(): void {
		const cut = this.#cutSnapshot;
		if (!cut) return;
		this.#cutSnapshot = null;
		// The batch's own rows count again when it is cut again.
		this.#recount({ ...cut.counted, count: cut.counted.count - cut.rows });
	}

	/**
	 * Whether the live doc may be encoded as the snapshot. With pending structs/deletes (updates waiting
	 * for a missing dependency) it is not: the doc is compacted from storage instead.
	 */
	#encodable(doc: Y.Doc): boolean {
		return this.state === 'ready' && !doc.store.pendingStructs && !doc.store.pendingDs;
	}

	/** A compaction is due once any of the three bounds of SPEC [C1] is reached. */
	#due(t: Tally): boolean {
		const { compactEvery, compactUpdates, compactBytes } = this.ctx.options;
		return t.count >= compactEvery || t.updates >= compactUpdates || t.bytes >= compactBytes;
	}

	/** Counts `t` again towards the next snapshot (the one it was taken for was not written). */
	#recount(t: Tally): void {
		this.#sinceCompact.count += t.count;
		this.#sinceCompact.updates += t.updates;
		this.#sinceCompact.bytes += t.bytes;
	}

	#committed(info: CommitInfo): void {
		const { counters, events, now } = this.ctx;
		counters.commitsTotal++;
		// A snapshot cut with this batch already covers its rows.
		if (!this.#cutSnapshot) this.#sinceCompact.count += info.count;
		this.#durableStateVector = info.stateVector;
		this.#committedTicket = Math.max(this.#committedTicket, info.lastTicket);
		events.emit('commit', {
			docName: this.docName,
			count: info.count,
			updates: info.updates,
			bytes: info.bytes,
			firstSeq: info.firstSeq,
			ms: info.ms
		});
		let acked = 0;
		// Only connections with frames waiting for this commit: the others have nothing new to confirm,
		// and an ack per connection per commit is most of the fan-out cost in a busy room.
		for (const c of this.connections) {
			if (c.acks && c.started && c.awaitsAck(this.#committedTicket)) {
				c.sendDurableAck();
				acked++;
			}
		}
		if (acked > 0) {
			counters.acksTotal += acked;
			events.emit('ack', { docName: this.docName, ms: now() - info.oldestReceivedAt, connections: acked });
		}
		this.#maybeCompact();
	}

	/**
	 * Snapshot when #due (SPEC [C1]-[C3]). Runs right after a commit. Normally the doc was encoded
	 * when this batch was cut (#cut) and is exactly the committed log up to the batch's last row; only
	 * when that was not possible (pending structs) is the committed state rebuilt from storage. Either
	 * way the snapshot holds only committed updates, labelled with the seq it covers.
	 */
	#maybeCompact(): void {
		const { options, storage, counters, events, logger, now } = this.ctx;
		const doc = this.#doc;
		const committer = this.#committer;
		const cut = this.#cutSnapshot;
		this.#cutSnapshot = null;
		if (!doc || !committer || this.#compacting) return;
		let saved: Tally;
		let fast: { uptoSeq: number; state: Uint8Array } | null = null;
		if (cut) {
			saved = cut.counted;
			fast = { uptoSeq: committer.lastSeq, state: cut.state };
		} else {
			if (!this.#due(this.#sinceCompact)) return;
			const clean = this.#encodable(doc);
			// More is pending: the cut of its batch encodes the doc, no need to rebuild from storage.
			if (clean && committer.pendingCount > 0) return;
			saved = this.#sinceCompact;
			this.#sinceCompact = emptyTally();
			try {
				if (clean) fast = { uptoSeq: committer.lastSeq, state: Y.encodeStateAsUpdate(doc) };
			} catch {
				fast = null; // rebuild from storage
			}
		}
		const started = now();
		this.#compacting = (async () => {
			try {
				let snapshot = fast;
				if (!snapshot) {
					const loaded = await storage.load(this.docName);
					snapshot = loaded.state ? { uptoSeq: loaded.lastSeq, state: gcState(loaded.state, options.gc) } : null;
				}
				if (!snapshot) return;
				await storage.compact(this.docName, snapshot.uptoSeq, snapshot.state);
				counters.compactionsTotal++;
				events.emit('compact', { docName: this.docName, uptoSeq: snapshot.uptoSeq, bytes: snapshot.state.length, ms: now() - started });
			} catch (err) {
				this.#recount(saved); // try again after the next commit
				counters.errorsTotal++;
				logger.warn({ docName: this.docName, err }, 'sync: compaction failed');
				events.emit('error', { docName: this.docName, kind: 'compact', error: err });
			} finally {
				this.#compacting = null;
			}
		})();
	}
}

/** Re-encodes a merged update through a Y.Doc so deleted content is garbage-collected. */
function gcState(state: Uint8Array, gc: boolean): Uint8Array {
	if (!gc) return state;
	const doc = new Y.Doc({ gc: true });
	try {
		Y.applyUpdate(doc, state);
		return Y.encodeStateAsUpdate(doc);
	} finally {
		doc.destroy();
	}
}

