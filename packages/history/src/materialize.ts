// A version's state from the nearest stored state at or before it (checkpoint or snapshot) plus the log
// rows after it, merged without a Y.Doc; then opened in the current doc model (migrations run on the copy,
// so versions written before a model change open with today's views; the copy is never persisted).
import * as Y from 'yjs';
import { migrate, type DocKind, type MigrationResult } from '@teixit/model';
import { docFromState } from './sections.ts';

/** Above this many parts, applying them to a Y.Doc one by one beats Y.mergeUpdates, whose cost grows
 *  much faster than linearly with the number of updates from several clients. */
const MERGE_MAX_PARTS = 16;

export function materializeState(base: Uint8Array | null, rows: readonly Uint8Array[]): Uint8Array {
	const parts = [...(base && base.length > 0 ? [base] : []), ...rows];
	if (parts.length === 0) return Y.encodeStateAsUpdate(new Y.Doc());
	if (parts.length === 1) return parts[0]!;
	if (parts.length <= MERGE_MAX_PARTS) return Y.mergeUpdates(parts as Uint8Array[]);
	const doc = new Y.Doc();
	doc.transact(() => {
		for (const p of parts) Y.applyUpdate(doc, p);
	});
	const state = Y.encodeStateAsUpdate(doc);
	doc.destroy();
	return state;
}

/** The same, as a Y.Doc (saves an encode and a decode when the caller reads the version right away). */
export function materializeDoc(base: Uint8Array | null, rows: readonly Uint8Array[]): Y.Doc {
	const doc = new Y.Doc();
	doc.transact(() => {
		if (base && base.length > 0) Y.applyUpdate(doc, base);
		for (const r of rows) Y.applyUpdate(doc, r);
	});
	return doc;
}

export interface OpenedVersion {
	doc: Y.Doc;
	migration: MigrationResult | null;
}

export function openVersion(state: Uint8Array | Y.Doc | null, kind: DocKind | null): OpenedVersion {
	const doc = state instanceof Y.Doc ? state : docFromState(state);
	const migration = kind ? migrate(doc, kind) : null;
	return { doc, migration };
}
