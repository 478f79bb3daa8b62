// The history tables, read and written for one document: the attributed log (doc_updates), the latest
// snapshot (doc_snapshots) and the versions (doc_versions). A version's state is always built from the log
// (base + rows up to its seq), never from the live doc, so it is exactly "the document at seq N".
import { and, asc, desc, eq, gt, inArray, lte, max, sql } from 'drizzle-orm';
import { docSnapshots, docUpdates, docVersions, type Db, type RestoredFrom } from '@teixit/db';
import { materializeState, type ActivityBucket, type LogRow } from '@teixit/history';
import { randomBytes } from 'node:crypto';
import { HistoryEvents } from './events.ts';

/** Version kinds whose state is the log's state at their seq, so they may serve as a base for replay.
 *  'imported' states come from a file and are not. */
export const BASE_KINDS = ['auto', 'session', 'named', 'restore'] as const;
export type VersionKind = (typeof BASE_KINDS)[number] | 'imported';

export interface VersionRow {
	id: string;
	docName: string;
	seq: number;
	kind: string;
	label: string | null;
	authorId: string | null;
	/** Restore records: what was restored, copied when the record was written. */
	restoredFrom: RestoredFrom | null;
	createdAt: Date;
}

const versionCols = { id: docVersions.id, docName: docVersions.docName, seq: docVersions.seq, kind: docVersions.kind, label: docVersions.label, authorId: docVersions.authorId, restoredFrom: docVersions.restoredFrom, createdAt: docVersions.createdAt };

/** `events` hears every committed change to doc_versions (one per server; a throwaway store hears none). */
export function createHistoryStore(db: Db, events: HistoryEvents = new HistoryEvents()) {
	async function lastSeq(docName: string): Promise<number> {
		const [r] = await db.select({ seq: max(docUpdates.seq) }).from(docUpdates).where(eq(docUpdates.docName, docName));
		return Number(r?.seq ?? 0);
	}

	/** The nearest stored state at or before `seq` (non-imported version or snapshot) and the rows after it. */
	async function partsAt(docName: string, seq: number): Promise<{ base: Uint8Array | null; rows: Uint8Array[] }> {
		const [v] = await db
			.select({ seq: docVersions.seq, state: docVersions.state })
			.from(docVersions)
			.where(and(eq(docVersions.docName, docName), lte(docVersions.seq, seq), inArray(docVersions.kind, [...BASE_KINDS])))
			.orderBy(desc(docVersions.seq))
			.limit(1);
		const [s] = await db
			.select({ seq: docSnapshots.uptoSeq, state: docSnapshots.state })
			.from(docSnapshots)
			.where(and(eq(docSnapshots.docName, docName), lte(docSnapshots.uptoSeq, seq)))
			.orderBy(desc(docSnapshots.uptoSeq))
			.limit(1);
		const base = v && (!s || v.seq >= s.seq) ? v : s;
		const from = base?.seq ?? 0;
		const rows = from >= seq ? [] : await db.select({ update: docUpdates.update }).from(docUpdates).where(and(eq(docUpdates.docName, docName), gt(docUpdates.seq, from), lte(docUpdates.seq, seq))).orderBy(asc(docUpdates.seq));
		return { base: base?.state ?? null, rows: rows.map((r) => r.update) };
	}

	/** The document's encoded state at `seq`. */
	async function stateAt(docName: string, seq: number): Promise<Uint8Array> {
		const { base, rows } = await partsAt(docName, seq);
		return materializeState(base, rows);
	}

	type NewVersion = { docName: string; seq: number; kind: VersionKind; label: string | null; authorId: string | null; state: Uint8Array; restoredFrom?: RestoredFrom | null };
	async function insertVersion(v: NewVersion): Promise<VersionRow> {
		const id = randomBytes(10).toString('hex');
		const [row] = await db.insert(docVersions).values({ id, ...v }).returning(versionCols);
		events.emit({ docName: v.docName, change: 'written', kind: v.kind, versionIds: [id] });
		return row!;
	}

	return {
		events,
		lastSeq,
		partsAt,
		stateAt,
		insertVersion,

		/** A checkpoint of the committed log as it is now. */
		async checkpoint(opts: Omit<NewVersion, 'seq' | 'state'>): Promise<VersionRow> {
			const seq = await lastSeq(opts.docName);
			return insertVersion({ ...opts, seq, state: await stateAt(opts.docName, seq) });
		},

		async versions(docName: string): Promise<VersionRow[]> {
			return db.select(versionCols).from(docVersions).where(eq(docVersions.docName, docName)).orderBy(asc(docVersions.seq), asc(docVersions.createdAt));
		},

		async version(docName: string, id: string): Promise<(VersionRow & { state: Uint8Array }) | null> {
			const [row] = await db
				.select({ ...versionCols, state: docVersions.state })
				.from(docVersions)
				.where(and(eq(docVersions.docName, docName), eq(docVersions.id, id)));
			return row ?? null;
		},

		async rename(docName: string, id: string, label: string): Promise<VersionRow | null> {
			// Naming an automatic checkpoint makes it a named version: retention never drops named ones.
			const [row] = await db
				.update(docVersions)
				.set({ label, kind: sql`case when ${docVersions.kind} = 'auto' then 'named' else ${docVersions.kind} end` })
				.where(and(eq(docVersions.docName, docName), eq(docVersions.id, id)))
				.returning(versionCols);
			if (row) events.emit({ docName, change: 'renamed', kind: row.kind, versionIds: [id] });
			return row ?? null;
		},

		async deleteAuto(docName: string, ids: string[]): Promise<void> {
			if (ids.length === 0) return;
			await db.delete(docVersions).where(and(eq(docVersions.docName, docName), eq(docVersions.kind, 'auto'), inArray(docVersions.id, ids)));
			events.emit({ docName, change: 'dropped', kind: 'auto', versionIds: ids });
		},

		/** The last log sequence committed at or before `at` (0: none yet). */
		async seqAtTime(docName: string, at: Date): Promise<number> {
			const [r] = await db.select({ seq: max(docUpdates.seq) }).from(docUpdates).where(and(eq(docUpdates.docName, docName), lte(docUpdates.createdAt, at)));
			return Number(r?.seq ?? 0);
		},

		/** When log row `seq` was committed (null: no such row, e.g. seq 0). */
		async timeOfSeq(docName: string, seq: number): Promise<Date | null> {
			const [r] = await db.select({ at: docUpdates.createdAt }).from(docUpdates).where(and(eq(docUpdates.docName, docName), eq(docUpdates.seq, seq)));
			return r?.at ?? null;
		},

		/** Log rows in (afterSeq, uptoSeq], at most `limit`, for attribution. */
		async rows(docName: string, afterSeq: number, uptoSeq: number, limit: number): Promise<LogRow[]> {
			return db
				.select({ seq: docUpdates.seq, update: docUpdates.update, userId: docUpdates.userId, at: docUpdates.createdAt })
				.from(docUpdates)
				.where(and(eq(docUpdates.docName, docName), gt(docUpdates.seq, afterSeq), lte(docUpdates.seq, uptoSeq)))
				.orderBy(asc(docUpdates.seq))
				.limit(limit);
		},

		/** Activity per minute and author, without reading any update bytes. */
		async activity(docNames: string[]): Promise<(ActivityBucket & { docName: string })[]> {
			if (docNames.length === 0) return [];
			const minute = sql<Date>`date_trunc('minute', ${docUpdates.createdAt})`;
			const rows = await db
				.select({ docName: docUpdates.docName, at: minute, userId: docUpdates.userId, count: sql<number>`count(*)::int`, firstSeq: sql<number>`min(${docUpdates.seq})`, lastSeq: sql<number>`max(${docUpdates.seq})` })
				.from(docUpdates)
				.where(inArray(docUpdates.docName, docNames))
				.groupBy(docUpdates.docName, minute, docUpdates.userId)
				.orderBy(minute);
			return rows.map((r) => ({ ...r, at: new Date(r.at), count: Number(r.count), firstSeq: Number(r.firstSeq), lastSeq: Number(r.lastSeq) }));
		}
	};
}
export type HistoryStore = ReturnType<typeof createHistoryStore>;
