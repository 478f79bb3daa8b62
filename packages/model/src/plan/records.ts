// Records with one last-writer-wins entry per field, stored in the KV of kv.ts under `${id}/${field}`.
//
// Why per field: two people editing different fields of the same action at the same time (one the due
// date, the other the owner) must both keep their change; a whole-record LWW would drop one. Why the KV
// and not a Y.Map per record: repeated overwrites of a field stay O(live entries) (see kv.ts).
// A removed record keeps a `removedAt` field (a tombstone) so that a concurrent field edit from another
// replica cannot bring back a half record.
import type * as Y from 'yjs';
import { isId } from '../keys.ts';
import { kvRead, kvWrite } from '../kv.ts';

export type Fields = Record<string, unknown>;

const SEP = '/';

/** Every record's fields by id, tombstoned ones included (callers check `removedAt`). */
export function readRecords(arr: Y.Array<unknown>): Map<string, Fields> {
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
	return out;
}

export function readRecord(arr: Y.Array<unknown>, id: string): Fields | null {
	return readRecords(arr).get(id) ?? null;
}

/** Set fields of one record; `undefined` deletes a field. Runs inside the caller's transaction if any. */
export function writeFields(arr: Y.Array<unknown>, id: string, fields: Fields, opts: { now?: number; origin?: unknown } = {}): void {
	kvWrite(
		arr,
		Object.entries(fields).map(([f, v]) => [id + SEP + f, v] as const),
		opts
	);
}

/** A random id that fits ID_PATTERN (crypto.getRandomValues works in browsers without a secure context). */
export function newId(): string {
	const bytes = crypto.getRandomValues(new Uint8Array(12));
	return Array.from(bytes, (b) => b.toString(36).padStart(2, '0'))
		.join('')
		.slice(0, 20);
}
