// Minimal edits: change a live Yjs type until its content equals another's, touching only what differs,
// so what someone types at the same moment elsewhere in the same section survives a restore (it merges
// with these operations like with anyone else's). Map keys that differ are set or deleted (nested types of
// the same kind are patched in place); arrays and rich-text children keep every item that is equal
// (diffed by content), replacing only the runs that differ, and a changed paragraph is patched inside;
// plain text is edited by a character diff. What cannot be patched (a different type, formatted text that
// changed) is replaced by a copy, as before.
import { diffArrays, diffChars } from 'diff';
import * as Y from 'yjs';
import { canonical } from './diff.ts';

const copy = (v: unknown): unknown => (v instanceof Y.AbstractType ? v.clone() : v);

/** Content identity of a value: its kind and its content (rich text by its XML, which includes marks). */
function identity(v: unknown): string {
	if (v instanceof Y.XmlElement || v instanceof Y.XmlText || v instanceof Y.XmlFragment) return `${v.constructor.name}:${v.toString()}`;
	if (v instanceof Y.AbstractType) return `${v.constructor.name}:${canonical(v.toJSON())}`;
	return `v:${canonical(v)}`;
}

const sameKind = (a: unknown, b: unknown) => a instanceof Y.AbstractType && b instanceof Y.AbstractType && a.constructor === b.constructor;

/** Text without marks or embeds can be edited by a character diff; otherwise it is replaced. */
const isPlainDelta = (t: Y.Text) => (t.toDelta() as { insert: unknown; attributes?: object }[]).every((op) => typeof op.insert === 'string' && !op.attributes);

function patchText(target: Y.Text, source: Y.Text | null): void {
	if (!source) {
		if (target.length > 0) target.delete(0, target.length);
		return;
	}
	if (canonical(target.toDelta()) === canonical(source.toDelta())) return;
	if (isPlainDelta(target) && isPlainDelta(source)) {
		let pos = 0;
		for (const part of diffChars(target.toString(), source.toString())) {
			if (part.removed) target.delete(pos, part.value.length);
			else if (part.added) {
				target.insert(pos, part.value);
				pos += part.value.length;
			} else pos += part.value.length;
		}
		return;
	}
	if (target.length > 0) target.delete(0, target.length);
	if (source.length > 0) target.applyDelta(source.toDelta());
}

function patchMap(target: Y.Map<unknown>, source: Y.Map<unknown> | null): void {
	for (const key of [...target.keys()]) if (!source?.has(key)) target.delete(key);
	for (const [key, value] of source?.entries() ?? []) {
		const cur = target.get(key);
		if (identity(cur) === identity(value)) continue;
		if (sameKind(cur, value) && !(cur instanceof Y.XmlFragment)) patchType(cur as Y.AbstractType<unknown>, value as Y.AbstractType<unknown>);
		else target.set(key, copy(value));
	}
}

function patchAttributes(target: Y.XmlElement, source: Y.XmlElement): void {
	const want = source.getAttributes() as Record<string, unknown>;
	for (const key of Object.keys(target.getAttributes())) if (!(key in want)) target.removeAttribute(key);
	for (const [key, value] of Object.entries(want)) if (canonical(target.getAttribute(key)) !== canonical(value)) target.setAttribute(key, value as string);
}

type Sequence = Y.Array<unknown> | Y.XmlFragment | Y.XmlElement;

/** Keeps the equal items of a sequence, replaces the runs that differ; a run of one changed item by one of
 *  the same kind (a paragraph, a nested map) is patched in place. */
function patchSequence(target: Sequence, source: Sequence | null): void {
	const cur = target.toArray() as unknown[];
	const want = (source?.toArray() ?? []) as unknown[];
	const parts = diffArrays(cur.map(identity), want.map(identity));
	let pos = 0;
	let from = 0; // index into `want`
	for (let i = 0; i < parts.length; i++) {
		const part = parts[i]!;
		const n = part.count ?? part.value.length;
		const next = parts[i + 1];
		if (part.removed && next?.added && n === (next.count ?? next.value.length) && cur.slice(pos, pos + n).every((c, k) => sameKind(c, want[from + k]))) {
			// Same kinds in the same places: patch each one inside (typing elsewhere in them survives).
			for (let k = 0; k < n; k++) patchType(target.get(pos + k) as Y.AbstractType<unknown>, want[from + k] as Y.AbstractType<unknown>);
			pos += n;
			from += n;
			i++;
			continue;
		}
		if (part.removed) target.delete(pos, n);
		else if (part.added) {
			const items = want.slice(from, from + n).map(copy);
			if (target instanceof Y.Array) target.insert(pos, items);
			else target.insert(pos, items as (Y.XmlElement | Y.XmlText)[]);
			pos += n;
			from += n;
		} else {
			pos += n;
			from += n;
		}
	}
}

/** Edits `target` until its content equals `source` (null: empty). Both are of the same Yjs type. */
export function patchType(target: Y.AbstractType<unknown>, source: Y.AbstractType<unknown> | null): void {
	if (target instanceof Y.XmlElement) {
		if (source instanceof Y.XmlElement) patchAttributes(target, source);
		patchSequence(target, source instanceof Y.XmlElement ? source : null);
	} else if (target instanceof Y.XmlFragment) patchSequence(target, source instanceof Y.XmlFragment ? source : null);
	else if (target instanceof Y.Text) patchText(target, source instanceof Y.Text ? source : null);
	else if (target instanceof Y.Map) patchMap(target, source instanceof Y.Map ? source : null);
	else if (target instanceof Y.Array) patchSequence(target, source instanceof Y.Array ? source : null);
}
