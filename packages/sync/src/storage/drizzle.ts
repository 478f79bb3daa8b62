// DocStorage on the Drizzle schema of @teixit/db (PGlite or PostgreSQL): doc_updates + doc_snapshots.
import { and, asc, desc, eq, gt, sql } from 'drizzle-orm';
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

/** Distinct strings in order of first use, each as its 1-based index (null as 0). */
class Interned {
	readonly values: string[] = [];
	readonly #index = new Map<string, number>();

	index(value: string | null): number {
		if (value === null) return 0;
		let i = this.#index.get(value);
		if (i === undefined) this.#index.set(value, (i = this.values.push(value)));
		return i;
	}
}

export interface DrizzleStorageOptions {
	/**
	 * Shortest time from the start of one coalesced append transaction to the start of the next
	 * (default 25 ms). An idle server commits at once; a busy one makes at most 40 transactions a
	 * second with bigger batches instead of keeping the database busy back to back, which on a
	 * small machine took CPU from broadcasting. Acks wait at most this much longer. Each embedded
	 * PGlite statement has a fixed cost of a few ms of CPU: at 1000 updates/s over 20 documents, 25 ms
	 * instead of 10 ms took 15-30 % less CPU (server + database, measured in-process).
	 */
	minFlushIntervalMs?: number;
	/**
	 * The interval also grows to this many times the last statement's duration (default 4, capped at
	 * `maxFlushIntervalMs`, default 100): the database is then busy at most about a quarter of the time,
	 * whatever the load. A statement costs a few ms whatever its size (on PGlite about 4 ms + 25 µs a
	 * row, on the server's own core), so when a loaded core stretches statements, fewer and bigger ones
	 * leave more CPU for broadcasting. Acks wait longer only then.
	 */
	flushDutyFactor?: number;
	maxFlushIntervalMs?: number;
}

export class DrizzleStorage implements DocStorage {
	readonly #minFlushIntervalMs: number;
	readonly #maxFlushIntervalMs: number;
	readonly #flushDutyFactor: number;

	constructor(
		private readonly db: Db,
		opts: DrizzleStorageOptions = {}
	) {
		this.#minFlushIntervalMs = opts.minFlushIntervalMs ?? 25;
		this.#maxFlushIntervalMs = Math.max(this.#minFlushIntervalMs, opts.maxFlushIntervalMs ?? 100);
		this.#flushDutyFactor = opts.flushDutyFactor ?? 4;
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
	#lastFlushMs = 0;

	#schedule() {
		if (this.#flushing || this.#scheduled) return;
		this.#scheduled = true;
		const run = () => {
			this.#scheduled = false;
			void this.#flush();
		};
		const interval = Math.min(this.#maxFlushIntervalMs, Math.max(this.#minFlushIntervalMs, this.#flushDutyFactor * this.#lastFlushMs));
		const wait = this.#lastFlushAt + interval - performance.now();
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
			this.#lastFlushMs = performance.now() - this.#lastFlushAt;
		} catch {
			// Isolate the failure: each append on its own, so one document's problem fails only itself.
			for (const a of batch) await this.#appendOne(a).then(a.resolve, a.reject);
		} finally {
			this.#flushing = false;
			if (this.#queue.length > 0) this.#schedule();
		}
	}

	/**
	 * The whole batch as one statement (atomic on its own, so no BEGIN/COMMIT): each document's rows are
	 * inserted only if its firstSeq is exactly its last seq + 1 ([S3]); RETURNING tells which were.
	 * One round trip instead of four (BEGIN, max(seq), INSERT, COMMIT): on embedded PGlite every round
	 * trip wakes its worker thread, which shares the server's core. A concurrent writer that passed the
	 * same check loses on the primary key; the statement then fails as a whole and #flush retries each
	 * append on its own.
	 *
	 * The text never changes with the batch: one bytea holding every update back to back, cut by offset
	 * in SQL, and arrays (unnest). Against a VALUES row per update (six parameters each, the sequence
	 * check once per row): 200 rows over 20 documents took 10 instead of 23 ms of CPU on PGlite and 2.7
	 * instead of 9 ms in the server on PostgreSQL; one buffer crosses to the PGlite worker instead of
	 * hundreds of small ones. Names (document, user, connection) go once per batch, rows refer to them
	 * by 1-based index (0: no user or connection, which subscripts to NULL): a row is then only short
	 * numbers to serialise, clone and parse.
	 */
	async #appendAll(batch: PendingAppend[]) {
		const docNames = batch.map((a) => a.docName);
		if (new Set(docNames).size !== batch.length) throw new Error('two appends for one document in a batch'); // the committer never does this
		const rowDoc: number[] = [];
		const seqCol: number[] = [];
		const offCol: number[] = [];
		const lenCol: number[] = [];
		const userCol: number[] = [];
		const connCol: number[] = [];
		const users = new Interned();
		const conns = new Interned();
		const parts: Uint8Array[] = [];
		let offset = 1; // substring() counts from 1
		batch.forEach((a, d) => {
			a.entries.forEach((e, i) => {
				rowDoc.push(d + 1); // unnest ... with ordinality counts from 1
				seqCol.push(a.firstSeq + i);
				offCol.push(offset);
				lenCol.push(e.update.length);
				userCol.push(users.index(e.userId));
				connCol.push(conns.index(e.connectionId));
				parts.push(e.update);
				offset += e.update.length;
			});
		});
		const updates = Buffer.concat(parts);
		const result = await this.db.execute<{ doc_name: string }>(sql`
			with d as (
				select * from unnest(${sql.param(docNames)}::text[], ${sql.param(batch.map((a) => a.firstSeq))}::bigint[]) with ordinality as d(doc_name, first_seq, i)
			), accepted as (
				select d.i, d.doc_name from d
				where d.first_seq = coalesce((select max(u.seq) from ${docUpdates} u where u.doc_name = d.doc_name), 0) + 1
			), inserted as (
				insert into ${docUpdates} (doc_name, seq, update, user_id, connection_id)
				select a.doc_name, v.seq, substring(${updates}::bytea from v.off for v.len),
					(${sql.param(users.values)}::text[])[v.u], (${sql.param(conns.values)}::text[])[v.c]
				from unnest(${sql.param(rowDoc)}::int[], ${sql.param(seqCol)}::bigint[], ${sql.param(offCol)}::int[],
					${sql.param(lenCol)}::int[], ${sql.param(userCol)}::int[], ${sql.param(connCol)}::int[]) as v(d, seq, off, len, u, c)
				join accepted a on a.i = v.d
				returning doc_name
			)
			select distinct doc_name from inserted`);
		// postgres.js returns the rows as an array, PGlite as { rows }.
		const rows = (Array.isArray(result) ? result : (result as unknown as { rows: { doc_name: string }[] }).rows) as { doc_name: string }[];
		const written = new Set(rows.map((r) => r.doc_name));
		for (const a of batch) {
			if (written.has(a.docName)) a.resolve();
			else a.reject(new SeqConflictError(a.docName, a.firstSeq, null));
		}
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

	/** One statement (the insert as a CTE), for the same reason as #appendAll: one round trip. */
	async compact(docName: string, uptoSeq: number, state: Uint8Array): Promise<void> {
		await this.db.execute(sql`
			with inserted as (
				insert into ${docSnapshots} (doc_name, upto_seq, state) values (${docName}::text, ${uptoSeq}::bigint, ${state}::bytea)
				on conflict do nothing
			)
			delete from ${docSnapshots} where doc_name = ${docName}::text and upto_seq < ${uptoSeq}::bigint`);
	}
}
