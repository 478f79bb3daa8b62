// Group commit for one document (SPEC [D2]-[D5]): at most one append in flight; updates that arrive
// meanwhile form the next batch. A failed append puts its entries back in front and retries with
// backoff; nothing is acknowledged until its rows are committed.
import * as Y from 'yjs';
import { SeqConflictError, type DocStorage, type StorageEntry } from './storage/types.ts';

export interface PendingUpdate extends StorageEntry {
	receivedAt: number;
	/** Position in the room's enqueue order; batches commit in this order (SPEC [D7]). */
	ticket: number;
}

export interface CommitInfo {
	firstSeq: number;
	/** Rows written (one per author per batch). */
	count: number;
	/** Client updates those rows hold. */
	updates: number;
	bytes: number;
	ms: number;
	/** State vector of the in-memory doc when the batch was cut: what is durable now. */
	stateVector: Uint8Array;
	oldestReceivedAt: number;
	/** Highest ticket in the batch: every update enqueued up to it is committed. */
	lastTicket: number;
}

export interface CommitterHooks {
	/** Called synchronously when a batch of `rows` log rows is cut; returns the doc's state vector then. */
	cut(rows: number): Uint8Array;
	committed(info: CommitInfo): void;
	failed(err: unknown, attempt: number): void;
	/** The log moved on without us (another writer): merge storage into the doc, return its lastSeq. */
	reconcile(): Promise<number>;
}

export interface CommitterOptions {
	delayMs: number;
	retryBaseMs: number;
	retryMaxMs: number;
	now: () => number;
}

export class GroupCommitter {
	#pending: PendingUpdate[] = [];
	#inflight: Promise<void> | null = null;
	#timer: ReturnType<typeof setTimeout> | null = null;
	#failures = 0;
	#waiters: (() => void)[] = [];
	#stopped = false;

	constructor(
		private readonly docName: string,
		private readonly storage: DocStorage,
		public lastSeq: number,
		private readonly hooks: CommitterHooks,
		private readonly opts: CommitterOptions
	) {}

	get pendingCount(): number {
		return this.#pending.length;
	}

	/** True when nothing is waiting and nothing is in flight. */
	get idle(): boolean {
		return this.#pending.length === 0 && this.#inflight === null;
	}

	get failing(): boolean {
		return this.#failures > 0;
	}

	enqueue(entry: PendingUpdate): void {
		this.#pending.push(entry);
		this.#schedule(this.opts.delayMs);
	}

	/** Resolves once everything enqueued so far (and since) is committed. Waits through retries. */
	flush(): Promise<void> {
		if (this.idle) return Promise.resolve();
		if (this.#timer && this.#failures === 0 && !this.#inflight) {
			clearTimeout(this.#timer);
			this.#timer = null;
			void this.#commit();
		}
		return new Promise((resolve) => this.#waiters.push(resolve));
	}

	/** Stops timers and releases flush() waiters; pending entries stay unpersisted (giving up at shutdown). */
	stop(): void {
		this.#stopped = true;
		if (this.#timer) clearTimeout(this.#timer);
		this.#timer = null;
		const waiters = this.#waiters;
		this.#waiters = [];
		for (const w of waiters) w();
	}

	#schedule(delay: number): void {
		if (this.#stopped || this.#inflight || this.#timer || this.#pending.length === 0) return;
		this.#timer = setTimeout(() => {
			this.#timer = null;
			void this.#commit();
		}, delay);
	}

	async #commit(): Promise<void> {
		if (this.#inflight || this.#pending.length === 0 || this.#stopped) return;
		const batch = this.#pending;
		this.#pending = [];
		const entries = mergeByAuthor(batch);
		const stateVector = this.hooks.cut(entries.length);
		const firstSeq = this.lastSeq + 1;
		const started = this.opts.now();
		let done!: () => void;
		this.#inflight = new Promise<void>((r) => (done = r));
		let error: unknown = null;
		try {
			await this.storage.append(this.docName, firstSeq, entries);
		} catch (err) {
			error = err;
		}
		try {
			if (error === null) {
				this.lastSeq = firstSeq + entries.length - 1;
				this.#failures = 0;
				this.#notifyCommitted({
					firstSeq,
					count: entries.length,
					updates: batch.length,
					bytes: entries.reduce((n, e) => n + e.update.length, 0),
					ms: this.opts.now() - started,
					stateVector,
					oldestReceivedAt: batch.reduce((m, b) => Math.min(m, b.receivedAt), Infinity),
					lastTicket: batch.reduce((m, b) => Math.max(m, b.ticket), 0)
				});
			} else {
				this.#pending = batch.concat(this.#pending);
				this.#failures++;
				this.hooks.failed(error, this.#failures);
				if (error instanceof SeqConflictError) {
					try {
						this.lastSeq = await this.hooks.reconcile();
					} catch (err) {
						this.hooks.failed(err, this.#failures);
					}
				}
			}
		} finally {
			this.#inflight = null;
			done();
		}
		if (this.#pending.length > 0) {
			this.#schedule(this.#failures === 0 ? this.opts.delayMs : this.#backoff());
		} else {
			const waiters = this.#waiters;
			this.#waiters = [];
			for (const w of waiters) w();
		}
	}

	#notifyCommitted(info: CommitInfo): void {
		try {
			this.hooks.committed(info);
		} catch {
			// Hooks must not throw; if one does, the rows are committed anyway and the queue goes on.
		}
	}

	#backoff(): number {
		const exp = Math.min(this.opts.retryMaxMs, this.opts.retryBaseMs * 2 ** (this.#failures - 1));
		return exp / 2 + Math.random() * (exp / 2); // jittered
	}
}

/**
 * One row per author (user + connection) per batch: fewer rows, same attribution. Order of first
 * appearance is kept; Yjs updates commute, so the merged state is the same.
 */
export function mergeByAuthor(batch: PendingUpdate[]): StorageEntry[] {
	const groups = new Map<string, { userId: string | null; connectionId: string | null; updates: Uint8Array[] }>();
	for (const b of batch) {
		const key = `${b.userId ?? ''}\u0000${b.connectionId ?? ''}`;
		let g = groups.get(key);
		if (!g) groups.set(key, (g = { userId: b.userId, connectionId: b.connectionId, updates: [] }));
		g.updates.push(b.update);
	}
	return [...groups.values()].map((g) => ({
		userId: g.userId,
		connectionId: g.connectionId,
		update: g.updates.length === 1 ? g.updates[0]! : Y.mergeUpdates(g.updates)
	}));
}
