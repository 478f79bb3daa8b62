// A document seen as sections: every root type except `meta` is one section (DESIGN §5). Roots are found
// generically (doc.share), so sections added later by other features (DAFO board, action plan…) show up
// in history without code here; the model's known roots only add a better kind hint and a label.
import * as Y from 'yjs';
import { kvRead } from '@teixit/model';

export type SectionKind = 'map' | 'kv' | 'array' | 'xml' | 'text';

/** Plain, comparable content of one section. */
export type SectionView =
	| { kind: 'map'; entries: Record<string, unknown> }
	| { kind: 'kv'; entries: Record<string, unknown> }
	| { kind: 'array'; items: unknown[] }
	| { kind: 'xml'; blocks: string[]; xml: string }
	| { kind: 'text'; text: string };

export interface Section {
	name: string;
	kind: SectionKind;
	view: SectionView;
}

/** Roots that hold model bookkeeping (migration stamps), never shown, compared or restored. */
export const HIDDEN_ROOTS: ReadonlySet<string> = new Set(['meta']);

/** Kinds the model declares (model README); a hint when a root's content alone is ambiguous (empty). */
const KNOWN_KINDS: Record<string, SectionKind> = {
	runs: 'kv',
	notes: 'xml',
	control: 'kv',
	history: 'array',
	published: 'kv',
	responses: 'kv',
	status: 'kv'
};

export function knownKind(name: string): SectionKind | null {
	if (name.startsWith('notes:')) return 'xml';
	return KNOWN_KINDS[name] ?? null;
}

/** Kind of a root from its content. A root created by applying an update is an untyped AbstractType
 *  until someone asks for it with getMap/getArray/…; its items tell what it holds. */
export function detectKind(doc: Y.Doc, name: string): SectionKind | null {
	const t = doc.share.get(name);
	if (!t) return null;
	if (t instanceof Y.XmlFragment) return 'xml';
	if (t instanceof Y.Text) return 'text';
	if (t instanceof Y.Map) return 'map';
	if (t instanceof Y.Array) return isKvArray(t) ? 'kv' : 'array';
	for (let item = t._start; item !== null; item = item.right) {
		if (item.deleted) continue;
		const c = item.content;
		if (c instanceof Y.ContentType) {
			const inner = c.type;
			if (inner instanceof Y.XmlElement || inner instanceof Y.XmlText || inner instanceof Y.XmlHook) return 'xml';
			return 'array';
		}
		if (c instanceof Y.ContentString || c instanceof Y.ContentFormat || c instanceof Y.ContentEmbed) return 'text';
		if (c instanceof Y.ContentAny || c instanceof Y.ContentJSON || c instanceof Y.ContentBinary) {
			const known = knownKind(name);
			return known === 'kv' || known === 'array' ? known : 'array';
		}
	}
	if (t._map.size > 0) {
		for (const item of t._map.values()) if (!item.deleted) return 'map';
	}
	return knownKind(name);
}

const KV_ENTRY = (e: unknown) => !!e && typeof e === 'object' && !Array.isArray(e) && typeof (e as { k?: unknown }).k === 'string' && 'v' in (e as object);

function isKvArray(arr: Y.Array<unknown>): boolean {
	if (arr.length === 0) return false;
	return arr.toArray().every(KV_ENTRY);
}

/** The root as a typed shared type (converts an untyped root; harmless on a materialized copy). */
export function typedRoot(doc: Y.Doc, name: string, kind: SectionKind): Y.AbstractType<any> {
	switch (kind) {
		case 'map':
			return doc.getMap(name);
		case 'kv':
		case 'array':
			return doc.getArray(name);
		case 'xml':
			return doc.getXmlFragment(name);
		case 'text':
			return doc.getText(name);
	}
}

const toPlain = (v: unknown): unknown => (v instanceof Y.AbstractType ? v.toJSON() : v);

/** Plain text of one block of a rich-text fragment (its text nodes, in order). */
function blockText(node: Y.XmlElement | Y.XmlText | Y.XmlHook): string {
	if (node instanceof Y.XmlText) return (node.toDelta() as { insert?: unknown }[]).map((d) => (typeof d.insert === 'string' ? d.insert : '')).join('');
	if (node instanceof Y.XmlElement) return node.toArray().map((c) => blockText(c as Y.XmlElement | Y.XmlText)).join('');
	return '';
}

export function viewOf(doc: Y.Doc, name: string, kind: SectionKind): SectionView {
	const root = typedRoot(doc, name, kind);
	switch (kind) {
		case 'map': {
			const entries: Record<string, unknown> = {};
			for (const [k, v] of (root as Y.Map<unknown>).entries()) entries[k] = toPlain(v);
			return { kind, entries };
		}
		case 'kv': {
			const arr = root as Y.Array<unknown>;
			if (arr.length > 0 && !isKvArray(arr)) return { kind: 'array', items: arr.toArray().map(toPlain) };
			return { kind, entries: Object.fromEntries(kvRead(arr)) };
		}
		case 'array':
			return { kind, items: (root as Y.Array<unknown>).toArray().map(toPlain) };
		case 'xml': {
			const frag = root as Y.XmlFragment;
			return { kind, blocks: frag.toArray().map((b) => blockText(b as Y.XmlElement)), xml: frag.toString() };
		}
		case 'text':
			return { kind, text: (root as Y.Text).toString() };
	}
}

/** True when the section holds nothing: an empty section and a missing one are the same state. */
export function isEmptyView(v: SectionView): boolean {
	switch (v.kind) {
		case 'map':
		case 'kv':
			return Object.keys(v.entries).length === 0;
		case 'array':
			return v.items.length === 0;
		case 'xml':
			return v.blocks.length === 0;
		case 'text':
			return v.text.length === 0;
	}
}

/** Every visible section of a document, sorted by name, empty ones left out. */
export function readSections(doc: Y.Doc): Section[] {
	const out: Section[] = [];
	for (const name of [...doc.share.keys()].sort()) {
		if (HIDDEN_ROOTS.has(name)) continue;
		const kind = detectKind(doc, name);
		if (!kind) continue;
		const view = viewOf(doc, name, kind);
		if (!isEmptyView(view)) out.push({ name, kind: view.kind, view });
	}
	return out;
}

/** A doc from an encoded state, for reading a version. */
export function docFromState(state: Uint8Array | null): Y.Doc {
	const doc = new Y.Doc({ gc: true });
	if (state && state.length > 0) Y.applyUpdate(doc, state);
	return doc;
}
