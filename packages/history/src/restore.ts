// Restore as a forward change: the live document's sections are edited, with ordinary Yjs operations, until
// they hold the version's content. Nothing is overwritten or rewound: the change is one more update in the
// log (so history records it and everyone connected receives it), and concurrent edits keep converging
// because they merge with these operations like with anyone else's.
import * as Y from 'yjs';
import { canonical, viewsEqual } from './diff.ts';
import { detectKind, HIDDEN_ROOTS, isEmptyView, typedRoot, viewOf, type SectionKind } from './sections.ts';

export interface RestoreOptions {
	/** Restore only these sections (root names); default: every section of either document. */
	sections?: readonly string[];
}

const copy = (v: unknown): unknown => (v instanceof Y.AbstractType ? v.clone() : v);
const plain = (v: unknown): unknown => (v instanceof Y.AbstractType ? v.toJSON() : v);

/** Replaces one section of `live` with its content in `version`; returns whether anything changed. */
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
	if (target instanceof Y.Map) {
		const src = source instanceof Y.Map ? source : null;
		for (const key of [...target.keys()]) if (!src?.has(key)) target.delete(key);
		for (const [key, value] of src?.entries() ?? []) {
			const cur = target.get(key);
			const sameShape = cur instanceof Y.AbstractType === value instanceof Y.AbstractType && (!(cur instanceof Y.AbstractType) || cur.constructor === (value as object).constructor);
			if (!sameShape || canonical(plain(cur)) !== canonical(plain(value))) target.set(key, copy(value));
		}
	} else if (target instanceof Y.XmlFragment) {
		if (target.length > 0) target.delete(0, target.length);
		if (source instanceof Y.XmlFragment && source.length > 0) target.insert(0, source.toArray().map((n) => n.clone() as Y.XmlElement | Y.XmlText));
	} else if (target instanceof Y.Text) {
		if (target.length > 0) target.delete(0, target.length);
		if (source instanceof Y.Text && source.length > 0) target.applyDelta(source.toDelta());
	} else if (target instanceof Y.Array) {
		if (target.length > 0) target.delete(0, target.length);
		if (source instanceof Y.Array && source.length > 0) target.insert(0, source.toArray().map(copy));
	}
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
