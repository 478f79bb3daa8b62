// DocStorage on the Drizzle schema of @teixit/db (PGlite or PostgreSQL): doc_updates + doc_snapshots.
import { and, asc, desc, eq, gt, lt } from 'drizzle-orm';
import { docSnapshots, docUpdates, type Db } from '@teixit/db';
import { mergeState } from './merge.ts';
import { SeqConflictError, type DocStorage, type LoadedDoc, type StorageEntry } from './types.ts';

/** Both drivers report unique violations as SQLSTATE 23505, possibly wrapped by Drizzle. */
function isUniqueViolation(err: unknown): boolean {
	for (let e = err as { code?: unknown; cause?: unknown } | undefined, i = 0; e && i < 5; i++) {
		if (e.code === '23505') return true;
		e = e.cause as typeof e;
	}
	return false;
}

export class DrizzleStorage implements DocStorage {
	constructor(private readonly db: Db) {}

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
		return { state: mergeState(parts), lastSeq: Math.max(after, rows.at(-1)?.seq ?? 0) };
	}

	async append(docName: string, firstSeq: number, entries: StorageEntry[]): Promise<void> {
		if (entries.length === 0) return;
		try {
			await this.db.transaction(async (tx) => {
				const [last] = await tx
					.select({ seq: docUpdates.seq })
					.from(docUpdates)
					.where(eq(docUpdates.docName, docName))
					.orderBy(desc(docUpdates.seq))
					.limit(1);
				const lastSeq = last?.seq ?? 0;
				if (firstSeq !== lastSeq + 1) throw new SeqConflictError(docName, firstSeq, lastSeq);
				await tx.insert(docUpdates).values(
					entries.map((e, i) => ({
						docName,
						seq: firstSeq + i,
						update: e.update,
						userId: e.userId,
						connectionId: e.connectionId
					}))
				);
			});
		} catch (err) {
			// A concurrent writer that read the same lastSeq loses on the primary key.
			if (isUniqueViolation(err)) throw new SeqConflictError(docName, firstSeq, null);
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
