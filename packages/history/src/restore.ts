// Restore as a forward change: the live document's sections are edited, with ordinary Yjs operations, until
// they hold the version's content. Nothing is overwritten or rewound: the change is one more update in the
// log (so history records it and everyone connected receives it), and concurrent edits keep converging
// because they merge with these operations like with anyone else's.
import * as Y from 'yjs';
import { viewsEqual } from './diff.ts';
import { patchType } from './patch.ts';
import { detectKind, HIDDEN_ROOTS, isEmptyView, typedRoot, viewOf, type SectionKind } from './sections.ts';

export interface RestoreOptions {
	/** Restore only these sections (root names); default: every section of either document. */
	sections?: readonly string[];
}

/** Makes one section of `live` hold its content in `version`; returns whether anything changed. */
function restoreSection(live: Y.Doc, version: Y.Doc, name: string): boolean {
	const vKind = detectKind(version, name);
	const lKind = detectKind(live, name);
	const kind: SectionKind | null = vKind ?? lKind;
	if (!kind) return false;
	const vView = vKind ? viewOf(version, name, vKind) : null;
	const lView = lKind ? viewOf(live, name, lKind) : null;
	if (vView && lView && viewsEqual(vView, lView)) return false;
	if (!vView && lView && isEmptyView(lView)) return false;
	// The live root keeps its type (a live root is typed once and for all); an untyped one takes the version's.
	const liveKind = live.share.get(name) instanceof Y.AbstractType && lKind ? lKind : kind;
	const target = typedRoot(live, name, liveKind === 'kv' ? 'array' : liveKind);
	const source = vKind ? typedRoot(version, name, vKind === 'kv' ? 'array' : vKind) : null;
	// Only what differs is edited (patch.ts): concurrent typing elsewhere in the section survives.
	patchType(target, source);
	return true;
}

/**
 * Makes `live` show `version`'s content in every section (or the chosen ones), in one transaction.
 * Returns the names of the sections that changed. `meta` (migration stamps) is never touched, so a
 * version written before a doc-model migration restores into the migrated model.
 */
export function restoreInto(live: Y.Doc, version: Y.Doc, opts: RestoreOptions = {}, origin: unknown = null): string[] {
	const names = opts.sections ? [...new Set(opts.sections)] : [...new Set([...live.share.keys(), ...version.share.keys()])].sort();
	const changed: string[] = [];
	live.transact(() => {
		for (const name of names) {
			if (HIDDEN_ROOTS.has(name)) continue;
			if (restoreSection(live, version, name)) changed.push(name);
		}
	}, origin);
	return changed;
}
