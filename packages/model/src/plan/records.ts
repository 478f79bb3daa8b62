// Records with one last-writer-wins entry per field, stored in the KV of kv.ts under `${id}/${field}`,
// except the co-written text fields, which are Y.Texts (TextStore below).
//
// Why per field: two people editing different fields of the same action at the same time (one the due
// date, the other the owner) must both keep their change; a whole-record LWW would drop one. Why the KV
// and not a Y.Map per record: repeated overwrites of a field stay O(live entries) (see kv.ts).
// A removed record keeps a `removedAt` field (a tombstone) so that a concurrent field edit from another
// replica cannot bring back a half record.
//
// Why text fields are Y.Texts: two people typing in one title must both keep their words (a LWW string
// keeps one). They live in a Y.Map next to the KV (`${root}:text`, key `${id}/${field}`), one Y.Text per
// field, created with the record (so no two replicas race to create one later) and then only edited in
// place with minimal edits (text.ts): the map never overwrites, the text grows only by what is typed.
// Readers get plain strings: readRecords() puts each text's current value into the record's fields.
import * as Y from 'yjs';
import { isId } from '../keys.ts';
import { kvGet, kvRead, kvWrite } from '../kv.ts';
import { setText } from '../text.ts';

export type Fields = Record<string, unknown>;

const SEP = '/';

/** A collection's co-written text fields and the Y.Map that holds their Y.Texts. */
export interface TextStore {
	map: Y.Map<Y.Text>;
	fields: readonly string[];
}

/** The root name of a collection's text map. */
export const textRootOf = (root: string) => `${root}:text`;

export function textStore(doc: Y.Doc, root: string, fields: readonly string[]): TextStore {
	return { map: doc.getMap<Y.Text>(textRootOf(root)), fields };
}

/** Every record's fields by id, tombstoned ones included (callers check `removedAt`). */
export function readRecords(arr: Y.Array<unknown>, texts?: TextStore): Map<string, Fields> {
	const out = new Map<string, Fields>();
	for (const [k, v] of kvRead(arr)) {
		const i = k.indexOf(SEP);
		if (i <= 0) continue;
		const id = k.slice(0, i);
		const field = k.slice(i + 1);
		if (!isId(id) || !field) continue;
		let rec = out.get(id);
		if (!rec) out.set(id, (rec = {}));
		rec[field] = v;
	}
	if (texts) {
		for (const [k, t] of texts.map) {
			const i = k.indexOf(SEP);
			const rec = out.get(k.slice(0, i));
			const field = k.slice(i + 1);
			// Only records the KV knows (the text of a record is written with it) and declared fields.
			if (rec && t instanceof Y.Text && texts.fields.includes(field)) rec[field] = t.toString();
		}
	}
	return out;
}

export function readRecord(arr: Y.Array<unknown>, id: string, texts?: TextStore): Fields | null {
	return readRecords(arr, texts).get(id) ?? null;
}

/**
 * The Y.Text of one text field, or null if it has none yet (a record written before workspace/004 that
 * the migration has not reached: the reader then shows its KV string). With `create`, a missing one is
 * created from that string (the caller must be allowed to write).
 */
export function recordText(arr: Y.Array<unknown>, texts: TextStore, id: string, field: string, create = false): Y.Text | null {
	if (!texts.fields.includes(field)) throw new TypeError(`${field} is not a text field`);
	const key = id + SEP + field;
	const t = texts.map.get(key);
	if (t instanceof Y.Text) return t;
	if (!create) return null;
	const fresh = new Y.Text();
	const doc = texts.map.doc;
	if (!doc) throw new Error('recordText: the map is not part of a Y.Doc');
	doc.transact(() => {
		const old = kvGet(arr, key);
		texts.map.set(key, fresh);
		if (typeof old === 'string' && old) fresh.insert(0, old);
		if (old !== undefined) kvWrite(arr, [[key, undefined]]);
	});
	return fresh;
}

/**
 * Set fields of one record; `undefined` deletes a field. Text fields (in `texts`) are applied to their
 * Y.Text with a minimal edit. `created`: this write creates the record, so every text field gets its
 * Y.Text now (empty if not given). Runs inside the caller's transaction if any.
 */
export function writeFields(arr: Y.Array<unknown>, id: string, fields: Fields, opts: { now?: number; origin?: unknown; texts?: TextStore; created?: boolean } = {}): void {
	const doc = arr.doc;
	if (!doc) throw new Error('writeFields: the array is not part of a Y.Doc');
	const { texts } = opts;
	doc.transact(() => {
		const kv: (readonly [string, unknown])[] = [];
		for (const [f, v] of Object.entries(fields)) {
			if (texts?.fields.includes(f)) {
				if (typeof v !== 'string') throw new TypeError(`${f} must be text`);
				setText(recordText(arr, texts, id, f, true)!, v);
			} else kv.push([id + SEP + f, v]);
		}
		if (texts && opts.created) for (const f of texts.fields) recordText(arr, texts, id, f, true);
		kvWrite(arr, kv, opts);
	}, opts.origin);
}

/**
 * Move string values of the text fields from the KV into their Y.Texts (workspace/004), and give every
 * record a Y.Text for each text field. Safe to run twice and on two replicas at once: a field that has a
 * Y.Text is left alone, and the map key is set, never inserted twice (concurrent sets keep one text, both
 * holding the same value).
 */
export function moveTextsOutOfKv(arr: Y.Array<unknown>, texts: TextStore): void {
	const ids = new Set<string>();
	for (const k of kvRead(arr).keys()) {
		const id = k.slice(0, k.indexOf(SEP));
		if (isId(id)) ids.add(id);
	}
	const stale: [string, undefined][] = [];
	for (const id of ids) {
		for (const f of texts.fields) {
			const t = recordText(arr, texts, id, f, true)!;
			// A string written by an older reader after a down(): it is the newer value.
			const old = kvGet(arr, id + SEP + f);
			if (old === undefined) continue;
			if (typeof old === 'string') setText(t, old);
			stale.push([id + SEP + f, undefined]);
		}
	}
	kvWrite(arr, stale);
}

/** The reverse, for an older reader: copy each Y.Text's value back into the KV as a string. */
export function copyTextsToKv(arr: Y.Array<unknown>, texts: TextStore): void {
	const out: [string, string][] = [];
	for (const [k, t] of texts.map) if (t instanceof Y.Text && texts.fields.includes(k.slice(k.indexOf(SEP) + 1))) out.push([k, t.toString()]);
	kvWrite(arr, out);
}

/** A random id that fits ID_PATTERN (crypto.getRandomValues works in browsers without a secure context). */
export function newId(): string {
	const bytes = crypto.getRandomValues(new Uint8Array(12));
	return Array.from(bytes, (b) => b.toString(36).padStart(2, '0'))
		.join('')
		.slice(0, 20);
}
