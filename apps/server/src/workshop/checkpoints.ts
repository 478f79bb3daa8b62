// Checkpoints of a document in doc_versions: the full encoded state at a committed sequence, so any
// version opens on its own (DESIGN §5). Taken at the end of each workshop session.
import * as Y from 'yjs';
import { desc, eq } from 'drizzle-orm';
import { docUpdates, docVersions, type Db } from '@teixit/db';
import type { SyncServer } from '@teixit/sync';
import { randomBytes } from 'node:crypto';

export async function checkpoint(sync: SyncServer, db: Db, opts: { docName: string; kind: 'auto' | 'session' | 'named'; label: string | null; authorId: string | null }) {
	await sync.flush(opts.docName);
	const state = await sync.read(opts.docName, (doc) => Y.encodeStateAsUpdate(doc));
	const [last] = await db.select({ seq: docUpdates.seq }).from(docUpdates).where(eq(docUpdates.docName, opts.docName)).orderBy(desc(docUpdates.seq)).limit(1);
	const id = randomBytes(10).toString('hex');
	await db.insert(docVersions).values({ id, docName: opts.docName, seq: last?.seq ?? 0, kind: opts.kind, label: opts.label, authorId: opts.authorId, state });
	return { id, seq: last?.seq ?? 0 };
}
