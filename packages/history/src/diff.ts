// Section-by-section comparison of two document states: what was added, removed and changed. Generic over
// the section kinds, so any new root of the model is compared without code here.
import { diffArrays, diffWordsWithSpace } from 'diff';
import { isEmptyView, readSections, type Section, type SectionKind, type SectionView } from './sections.ts';
import type * as Y from 'yjs';

export type ChangeOp = 'added' | 'removed' | 'changed';

/** One keyed change in a map/KV section (a score, a run, a control field…). */
export interface EntryChange {
	op: ChangeOp;
	key: string;
	before?: unknown;
	after?: unknown;
}

/** A text run of a word diff: '=' kept, '+' inserted, '-' deleted. */
export interface TextPart {
	op: '=' | '+' | '-';
	text: string;
}

export interface SectionDiff {
	name: string;
	kind: SectionKind;
	/** 'added': the section did not exist (or was empty) in `from`; 'removed': it is empty in `to`. */
	status: ChangeOp;
	entries?: EntryChange[];
	/** Array sections: items added and removed (moves show as both). */
	items?: { added: unknown[]; removed: unknown[] };
	/** Text and rich-text sections: a word diff of the plain text, paragraphs joined by newlines. */
	text?: TextPart[];
	/** Rich text whose words are equal but whose formatting or structure changed. */
	formattingOnly?: boolean;
}

/** Stable JSON for equality (object keys sorted), so two equal values compare equal whatever their order. */
export function canonical(v: unknown): string {
	if (v === undefined) return 'null';
	if (v instanceof Uint8Array) return JSON.stringify({ $bytes: Array.from(v) });
	if (Array.isArray(v)) return `[${v.map(canonical).join(',')}]`;
	if (v && typeof v === 'object')
		return `{${Object.keys(v)
			.sort()
			.map((k) => `${JSON.stringify(k)}:${canonical((v as Record<string, unknown>)[k])}`)
			.join(',')}}`;
	return JSON.stringify(v);
}

const textOf = (v: SectionView) => (v.kind === 'xml' ? v.blocks.join('\n') : v.kind === 'text' ? v.text : '');

export function viewsEqual(a: SectionView, b: SectionView): boolean {
	if (isEmptyView(a) && isEmptyView(b)) return true;
	if (a.kind !== b.kind) return false;
	switch (a.kind) {
		case 'xml':
			return a.xml === (b as typeof a).xml;
		case 'text':
			return a.text === (b as typeof a).text;
		case 'array':
			return canonical(a.items) === canonical((b as typeof a).items);
		default:
			return canonical(a.entries) === canonical((b as typeof a).entries);
	}
}

const empty = (kind: SectionView['kind']): SectionView =>
	kind === 'xml' ? { kind, blocks: [], xml: '' } : kind === 'text' ? { kind, text: '' } : kind === 'array' ? { kind, items: [] } : { kind, entries: {} };

function diffEntries(a: Record<string, unknown>, b: Record<string, unknown>): EntryChange[] {
	const out: EntryChange[] = [];
	const keys = [...new Set([...Object.keys(a), ...Object.keys(b)])].sort();
	for (const key of keys) {
		const inA = Object.hasOwn(a, key);
		const inB = Object.hasOwn(b, key);
		if (inA && !inB) out.push({ op: 'removed', key, before: a[key] });
		else if (!inA && inB) out.push({ op: 'added', key, after: b[key] });
		else if (canonical(a[key]) !== canonical(b[key])) out.push({ op: 'changed', key, before: a[key], after: b[key] });
	}
	return out;
}

/** Longest a diff may run (ms) before we fall back to a coarser answer: Myers' diff is O(N·D), and a
 *  large section that changed a lot (a long document appended to for hours) would take minutes. */
const DIFF_TIMEOUT_MS = 200;

function diffItems(a: unknown[], b: unknown[]) {
	const ca = a.map(canonical);
	const cb = b.map(canonical);
	const parts = diffArrays(ca, cb, { timeout: DIFF_TIMEOUT_MS });
	const added: unknown[] = [];
	const removed: unknown[] = [];
	if (!parts) {
		// Too costly to align: report the multiset difference (what is in one and not the other).
		const count = new Map<string, number>();
		for (const x of ca) count.set(x, (count.get(x) ?? 0) + 1);
		for (const x of cb) {
			const n = count.get(x) ?? 0;
			if (n > 0) count.set(x, n - 1);
			else added.push(JSON.parse(x) as unknown);
		}
		for (const [x, n] of count) for (let i = 0; i < n; i++) removed.push(JSON.parse(x) as unknown);
		return { added, removed };
	}
	for (const p of parts) {
		if (p.added) added.push(...p.value.map((s) => JSON.parse(s) as unknown));
		else if (p.removed) removed.push(...p.value.map((s) => JSON.parse(s) as unknown));
	}
	return { added, removed };
}

const isWordChar = (c: string | undefined) => c !== undefined && /\S/.test(c);

/** Word diff of two texts. The common prefix and suffix (cut at word boundaries) are taken out first,
 *  so the usual case (an edit somewhere in a long text) costs the size of the edit; a middle that is
 *  still too costly to align is shown as removed + added as a whole. */
export function diffText(a: string, b: string): TextPart[] {
	const max = Math.min(a.length, b.length);
	let p = 0;
	while (p < max && a[p] === b[p]) p++;
	while (p > 0 && isWordChar(a[p - 1]) && (isWordChar(a[p]) || isWordChar(b[p]))) p--;
	let s = 0;
	while (s < max - p && a[a.length - 1 - s] === b[b.length - 1 - s]) s++;
	while (s > 0 && isWordChar(a[a.length - s]) && (isWordChar(a[a.length - s - 1]) || isWordChar(b[b.length - s - 1]))) s--;
	const midA = a.slice(p, a.length - s);
	const midB = b.slice(p, b.length - s);
	const out: TextPart[] = [];
	if (p > 0) out.push({ op: '=', text: a.slice(0, p) });
	const mid = midA && midB ? diffWordsWithSpace(midA, midB, { timeout: DIFF_TIMEOUT_MS }) : undefined;
	if (mid) for (const x of mid) out.push({ op: x.added ? '+' : x.removed ? '-' : '=', text: x.value });
	else {
		if (midA) out.push({ op: '-', text: midA });
		if (midB) out.push({ op: '+', text: midB });
	}
	if (s > 0) out.push({ op: '=', text: a.slice(a.length - s) });
	return out;
}

/** Compares one section's two states; null when they are equal. */
export function diffSection(name: string, from: SectionView | undefined, to: SectionView | undefined): SectionDiff | null {
	const kind = (to && !isEmptyView(to) ? to.kind : from?.kind) ?? to?.kind;
	if (!kind) return null;
	const a = from && from.kind === kind ? from : empty(kind);
	const b = to && to.kind === kind ? to : empty(kind);
	if (viewsEqual(a, b)) return null;
	const status: ChangeOp = isEmptyView(a) ? 'added' : isEmptyView(b) ? 'removed' : 'changed';
	const d: SectionDiff = { name, kind, status };
	if (a.kind === 'map' || a.kind === 'kv') d.entries = diffEntries(a.entries, (b as typeof a).entries);
	else if (a.kind === 'array') d.items = diffItems(a.items, (b as typeof a).items);
	else {
		const ta = textOf(a);
		const tb = textOf(b);
		d.text = diffText(ta, tb);
		if (ta === tb) d.formattingOnly = true;
	}
	return d;
}

/** Every section that differs between two documents, by section name. */
export function compareSections(from: readonly Section[], to: readonly Section[]): SectionDiff[] {
	const a = new Map(from.map((s) => [s.name, s.view]));
	const b = new Map(to.map((s) => [s.name, s.view]));
	const names = [...new Set([...a.keys(), ...b.keys()])].sort();
	return names.map((n) => diffSection(n, a.get(n), b.get(n))).filter((d): d is SectionDiff => d !== null);
}

export const compareDocs = (from: Y.Doc, to: Y.Doc) => compareSections(readSections(from), readSections(to));
