// Every document is brought to the current doc-model version when the server loads it (DESIGN §3:
// id'd migrations, so old documents and versions still open). The change is a server change: attributed
// to no one, persisted and relayed like any other.
import { parseDocName } from '@teixit/core';
import { migrate } from '@teixit/model';
import type { SyncServer } from '@teixit/sync';

export function migrateOnLoad(sync: SyncServer, logger: { error(obj: object, msg: string): void }) {
	const onLoad = ({ docName }: { docName: string }) => {
		const ref = parseDocName(docName);
		if (!ref) return;
		sync.change(docName, (doc) => void migrate(doc, ref.kind), { userId: null, durable: false }).catch((err) => logger.error({ err, docName }, 'doc-model migration failed'));
	};
	sync.on('load', onLoad);
	return () => sync.off('load', onLoad);
}
