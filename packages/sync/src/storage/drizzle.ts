// DocStorage on the Drizzle schema of @teixit/db (PGlite or PostgreSQL): doc_updates + doc_snapshots.
import { and, asc, desc, eq, gt, inArray, lt, max } from 'drizzle-orm';
import { docSnapshots, docUpdates, type Db } from '@teixit/db';
import { loadedFromParts } from './merge.ts';
import { SeqConflictError, type DocStorage, type LoadedDoc, type StorageEntry } from './types.ts';

/** Both drivers report unique violations as SQLSTATE 23505, possibly wrapped by Drizzle. */
function isUniqueViolation(err: unknown): boolean {
	for (let e = err as { code?: unknown; cause?: unknown } | undefined, i = 0; e && i < 5; i++) {
		if (e.code === '23505') return true;
		e = e.cause as typeof e;
	}
	return false;
}

interface PendingAppend {
	docName: string;
	firstSeq: number;
	entries: StorageEntry[];
	resolve: () => void;
	reject: (err: unknown) => void;
}

const rowsOf = (a: PendingAppend) =>
	a.entries.map((e, i) => ({ docName: a.docName, seq: a.firstSeq + i, update: e.update, userId: e.userId, connectionId: e.connectionId }));

export interface DrizzleStorageOptions {
	/**
	 * Shortest time from the start of one coalesced append transaction to the start of the next
	 * (default 10 ms). An idle server commits at once; a busy one makes at most ~100 transactions a
	 * second with bigger batches instead of keeping the database busy back to back, which on a
	 * small machine took CPU from broadcasting. Acks wait at most this much longer.
	 */
	minFlushIntervalMs?: number;
}

export class DrizzleStorage implements DocStorage {
	readonly #minFlushIntervalMs: number;

	constructor(
		private readonly db: Db,
		opts: DrizzleStorageOptions = {}
	) {
		this.#minFlushIntervalMs = opts.minFlushIntervalMs ?? 10;
	}

	async load(docName: string): Promise<LoadedDoc> {
		const [snapshot] = await this.db
			.select({ uptoSeq: docSnapshots.uptoSeq, state: docSnapshots.state })
			.from(docSnapshots)
			.where(eq(docSnapshots.docName, docName))
			.orderBy(desc(docSnapshots.uptoSeq))
			.limit(1);
		const after = snapshot?.uptoSeq ?? 0;
		const rows = await this.db
			.select({ seq: docUpdates.seq, update: docUpdates.update })
			.from(docUpdates)
			.where(and(eq(docUpdates.docName, docName), gt(docUpdates.seq, after)))
			.orderBy(asc(docUpdates.seq));
		const parts = [...(snapshot ? [snapshot.state] : []), ...rows.map((r) => r.update)];
		return loadedFromParts(parts, Math.max(after, rows.at(-1)?.seq ?? 0));
	}

	/**
	 * Appends are coalesced across documents: every append requested while a commit runs (or in the
	 * same tick) goes into the next single transaction, one sequence check and one multi-row insert.
	 * With per-document group commit alone, a busy server paid one database transaction per document
	 * per few milliseconds, most of its CPU on the embedded database.
	 */
	append(docName: string, firstSeq: number, entries: StorageEntry[]): Promise<void> {
		if (entries.length === 0) return Promise.resolve();
		return new Promise((resolve, reject) => {
			this.#queue.push({ docName, firstSeq, entries, resolve, reject });
			this.#schedule();
		});
	}

	#queue: PendingAppend[] = [];
	#flushing = false;
	#scheduled = false;
	#lastFlushAt = -Infinity;

	#schedule() {
		if (this.#flushing || this.#scheduled) return;
		this.#scheduled = true;
		const run = () => {
			this.#scheduled = false;
			void this.#flush();
		};
		const wait = this.#lastFlushAt + this.#minFlushIntervalMs - performance.now();
		if (wait > 1) setTimeout(run, wait);
		else setImmediate(run);
	}

	async #flush() {
		if (this.#flushing || this.#queue.length === 0) return;
		this.#flushing = true;
		this.#lastFlushAt = performance.now();
		const batch = this.#queue;
		this.#queue = [];
		try {
			await this.#appendAll(batch);
		} catch {
			// Isolate the failure: each append on its own, so one document's problem fails only itself.
			for (const a of batch) await this.#appendOne(a).then(a.resolve, a.reject);
		} finally {
			this.#flushing = false;
			if (this.#queue.length > 0) this.#schedule();
		}
	}

	/** One transaction for the whole batch; conflicting documents are rejected, the rest committed. */
	async #appendAll(batch: PendingAppend[]) {
		const names = [...new Set(batch.map((a) => a.docName))];
		if (names.length !== batch.length) throw new Error('two appends for one document in a batch'); // the committer never does this
		const settled = await this.db.transaction(async (tx) => {
			const lasts = await tx
				.select({ docName: docUpdates.docName, seq: max(docUpdates.seq) })
				.from(docUpdates)
				.where(inArray(docUpdates.docName, names))
				.groupBy(docUpdates.docName);
			const lastOf = new Map(lasts.map((l) => [l.docName, Number(l.seq ?? 0)]));
			const ok: PendingAppend[] = [];
			const conflicts: [PendingAppend, number][] = [];
			for (const a of batch) {
				const last = lastOf.get(a.docName) ?? 0;
				if (a.firstSeq === last + 1) ok.push(a);
				else conflicts.push([a, last]);
			}
			if (ok.length > 0) await tx.insert(docUpdates).values(ok.flatMap((a) => rowsOf(a)));
			return { ok, conflicts };
		});
		for (const a of settled.ok) a.resolve();
		for (const [a, last] of settled.conflicts) a.reject(new SeqConflictError(a.docName, a.firstSeq, last));
	}

	async #appendOne(a: PendingAppend): Promise<void> {
		try {
			await this.db.transaction(async (tx) => {
				const [last] = await tx
					.select({ seq: docUpdates.seq })
					.from(docUpdates)
					.where(eq(docUpdates.docName, a.docName))
					.orderBy(desc(docUpdates.seq))
					.limit(1);
				const lastSeq = last?.seq ?? 0;
				if (a.firstSeq !== lastSeq + 1) throw new SeqConflictError(a.docName, a.firstSeq, lastSeq);
				await tx.insert(docUpdates).values(rowsOf(a));
			});
		} catch (err) {
			// A concurrent writer that read the same lastSeq loses on the primary key.
			if (isUniqueViolation(err)) throw new SeqConflictError(a.docName, a.firstSeq, null);
			throw err;
		}
	}

	async compact(docName: string, uptoSeq: number, state: Uint8Array): Promise<void> {
		await this.db.transaction(async (tx) => {
			await tx.insert(docSnapshots).values({ docName, uptoSeq, state }).onConflictDoNothing();
			await tx
				.delete(docSnapshots)
				.where(and(eq(docSnapshots.docName, docName), lt(docSnapshots.uptoSeq, uptoSeq)));
		});
	}
}
