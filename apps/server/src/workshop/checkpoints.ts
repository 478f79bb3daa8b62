// Checkpoints of a document in doc_versions: the full encoded state at a committed sequence, so any
// version opens on its own (DESIGN §5). Taken at the end of each workshop session. The state is built
// from the log (history/store.ts), so it is exactly the document at that seq.
import type { Db } from '@teixit/db';
import type { SyncServer } from '@teixit/sync';
import { createHistoryStore, type VersionKind } from '../history/store.ts';

export async function checkpoint(sync: SyncServer, db: Db, opts: { docName: string; kind: VersionKind; label: string | null; authorId: string | null }) {
	await sync.flush(opts.docName);
	const v = await createHistoryStore(db).checkpoint(opts);
	return { id: v.id, seq: v.seq };
}
