// A last-writer-wins key-value map stored in a Y.Array of {k, v, t} entries: the store for form fields
// that are overwritten again and again (responses, session control, published aggregates).
//
// Why not a Y.Map: Y.Map keeps one tombstone per overwrite whenever a client writes keys in alternating
// order (D1.1, D1.2, D1.1, ...): its tombstones only merge when they have consecutive clocks, so a doc
// grows ~8 bytes per overwrite forever (measured: 1,000 overwrites over 40 keys = 10.8 KB vs 2.4 KB of
// live data). Here an overwrite deletes the old entry and inserts a new one right after the writer's own
// latest entry, so each writer's entries form a chain of consecutive clocks in list order and their
// tombstones merge into one run (with gc: true, the default). Size stays O(live entries + writer sessions).
// See README.md "Overwrite strategy" and test/growth.test.ts.
//
// Conflicts: two replicas that set the same key concurrently both keep an entry; readers pick the one
// with the larger timestamp `t`, ties broken by list position (rightmost), which every replica sees the
// same way, so reads converge. The next write of that key, from anyone, deletes both.
import * as Y from 'yjs';

export interface KvEntry {
	k: string;
	v: unknown;
	/** Writer's clock (ms) when written; decides between concurrent writes of one key. */
	t: number;
}

interface Slot {
	index: number;
	key: string | null;
	value: unknown;
	t: number;
	client: number;
	clock: number;
}

function isEntry(e: unknown): e is KvEntry {
	return !!e && typeof e === 'object' && !Array.isArray(e) && typeof (e as KvEntry).k === 'string' && 'v' in e;
}

/** Live entries in list order. Walks the array's items (Yjs 13 internals `_start`/`right`/`id`), since the
 *  writer chaining needs to know which entries this client wrote. */
function scan(arr: Y.Array<unknown>): Slot[] {
	const out: Slot[] = [];
	let index = 0;
	for (let item = arr._start; item !== null; item = item.right) {
		if (item.deleted || !item.countable) continue;
		const content = item.content.getContent();
		for (let j = 0; j < item.length; j++) {
			const e = content[j];
			const ok = isEntry(e);
			out.push({
				index: index + j,
				key: ok ? e.k : null,
				value: ok ? e.v : undefined,
				t: ok && typeof e.t === 'number' && Number.isFinite(e.t) ? e.t : 0,
				client: item.id.client,
				clock: item.id.clock + j
			});
		}
		index += item.length;
	}
	return out;
}

/** The highest clock of `client` among the array's items, deleted ones included (-1 if none). */
function latestClock(arr: Y.Array<unknown>, client: number): number {
	let max = -1;
	for (let item = arr._start; item !== null; item = item.right) {
		if (item.id.client === client) max = Math.max(max, item.id.clock + item.length - 1);
	}
	return max;
}

function winners(slots: readonly Slot[]): Map<string, Slot> {
	const w = new Map<string, Slot>();
	for (const s of slots) {
		if (s.key === null) continue;
		const cur = w.get(s.key);
		if (!cur || s.t >= cur.t) w.set(s.key, s); // later in list wins ties
	}
	return w;
}

/** All keys and their current values. Values are the stored objects: do not mutate them. */
export function kvRead(arr: Y.Array<unknown>): Map<string, unknown> {
	const out = new Map<string, unknown>();
	for (const [k, s] of winners(scan(arr))) out.set(k, s.value);
	return out;
}

export function kvGet(arr: Y.Array<unknown>, key: string): unknown {
	let best: Slot | undefined;
	for (const s of scan(arr)) if (s.key === key && (!best || s.t >= best.t)) best = s;
	return best?.value;
}

/** Number of stored entries, duplicates and unreadable ones included (for tests and diagnostics). */
export const kvSize = (arr: Y.Array<unknown>) => arr.length;

/** Copy to plain data: drops `undefined` object properties, so stored values round-trip exactly. */
export function toPlain(v: unknown): unknown {
	if (Array.isArray(v)) return v.map((x) => (x === undefined ? null : toPlain(x)));
	if (v && typeof v === 'object' && !(v instanceof Uint8Array)) {
		const o: Record<string, unknown> = {};
		for (const [k, x] of Object.entries(v)) if (x !== undefined) o[k] = toPlain(x);
		return o;
	}
	return v;
}

export function jsonEqual(a: unknown, b: unknown): boolean {
	if (a === b) return true;
	if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return false;
	if (Array.isArray(a) !== Array.isArray(b)) return false;
	const ka = Object.keys(a);
	const kb = Object.keys(b);
	if (ka.length !== kb.length) return false;
	return ka.every((k) => Object.prototype.hasOwnProperty.call(b, k) && jsonEqual((a as Record<string, unknown>)[k], (b as Record<string, unknown>)[k]));
}

/**
 * Set (value) or delete (undefined) several keys in one transaction. A write whose value equals the
 * current one (and has no concurrent duplicate) is skipped, so republishing unchanged data costs nothing.
 * The array must belong to a Y.Doc.
 */
export function kvWrite(
	arr: Y.Array<unknown>,
	changes: Iterable<readonly [key: string, value: unknown]>,
	opts: { now?: number; origin?: unknown } = {}
): void {
	const doc = arr.doc;
	if (!doc) throw new Error('kvWrite: the array is not part of a Y.Doc');
	const wanted = new Map<string, unknown>();
	for (const [k, v] of changes) wanted.set(k, v);
	if (wanted.size === 0) return;
	const t = opts.now ?? Date.now();
	doc.transact(() => {
		const slots = scan(arr);
		const byKey = new Map<string, Slot[]>();
		for (const s of slots) if (s.key !== null && wanted.has(s.key)) (byKey.get(s.key) ?? byKey.set(s.key, []).get(s.key)!).push(s);
		const inserts: KvEntry[] = [];
		const deletes: number[] = [];
		for (const [k, v] of wanted) {
			const existing = byKey.get(k) ?? [];
			if (v !== undefined && existing.length === 1 && jsonEqual(existing[0]!.value, toPlain(v))) continue;
			for (const s of existing) deletes.push(s.index);
			if (v !== undefined) inserts.push({ k, v: toPlain(v), t });
		}
		// Insert right after this client's latest entry, so that our entries form one chain. If that entry
		// was deleted by another writer (it can't be addressed by index any more), start a new chain at the
		// end rather than splitting ours in the middle.
		let anchor: Slot | undefined;
		for (const s of slots) if (s.client === doc.clientID && (!anchor || s.clock > anchor.clock)) anchor = s;
		if (anchor && anchor.clock < latestClock(arr, doc.clientID)) anchor = undefined;
		if (inserts.length) {
			if (anchor) arr.insert(anchor.index + 1, inserts);
			else arr.push(inserts);
		}
		const shift = (i: number) => (anchor && i > anchor.index ? i + inserts.length : i);
		for (const i of deletes.map(shift).sort((a, b) => b - a)) arr.delete(i, 1);
	}, opts.origin);
}
