// Overwriting a field must not grow a document without bound (DESIGN.md §3). Each case compares the
// size of a document after many overwrites with a fresh document holding the same final data.
import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import * as prng from 'lib0/prng';
import {
	aggregateItem,
	extendTimer,
	publishAggregates,
	readPrivate,
	readFacilitation,
	setFocus,
	setReadiness,
	setResponse,
	startTimer,
	type Importance,
	type ResponsePatch,
	type Score
} from '../src/index.ts';
import { size, syncAll } from './helpers.ts';

const ITEMS = Array.from({ length: 40 }, (_, i) => `D${(i >> 2) + 1}.${(i & 3) + 1}`);

function randomPatch(gen: prng.PRNG): ResponsePatch {
	switch (prng.int32(gen, 0, 3)) {
		case 0:
			return { score: prng.int32(gen, 1, 5) as Score };
		case 1:
			return { dontKnow: true };
		case 2:
			return { importance: prng.int32(gen, 1, 3) as Importance };
		default:
			return { comment: prng.word(gen, 1, 40) };
	}
}

/** `n` overwrites of random fields of random items, spread over `devices` replicas of one private doc
 *  that sync after every write. Returns the first replica. */
function overwritePrivate(n: number, devices: number, seed: number): Y.Doc {
	const gen = prng.create(seed);
	const docs = Array.from({ length: devices }, () => new Y.Doc());
	for (let i = 0; i < n; i++) {
		const d = docs[i % devices]!;
		setResponse(d, { runId: 'r1', round: 1, itemKey: prng.oneOf(gen, ITEMS) }, randomPatch(gen), { now: i });
		if (devices > 1) syncAll(...docs);
	}
	return docs[0]!;
}

/** The same final responses, each written once into a fresh document. */
function freshPrivate(from: Y.Doc): Y.Doc {
	const d = new Y.Doc();
	for (const r of readPrivate(from).responses) setResponse(d, r, { score: r.score, dontKnow: r.dontKnow, importance: r.importance ?? null, comment: r.comment ?? null });
	expect(readPrivate(d)).toEqual(readPrivate(from));
	return d;
}

const excess = (doc: Y.Doc, fresh: Y.Doc) => size(doc) - size(fresh);

describe('overwrite growth', () => {
	it('1,000 and 5,000 overwrites of private responses stay the size of the live data', () => {
		const after1k = overwritePrivate(1000, 1, 1);
		const after5k = overwritePrivate(5000, 1, 2);
		const fresh1k = freshPrivate(after1k);
		const fresh5k = freshPrivate(after5k);
		console.log(`private, one device: live ${size(fresh1k)} B; after 1,000 overwrites ${size(after1k)} B; live ${size(fresh5k)} B, after 5,000 ${size(after5k)} B`);
		expect(excess(after1k, fresh1k)).toBeLessThan(400);
		expect(excess(after5k, fresh5k)).toBeLessThan(400);
	});

	it('the bound is meaningful: the same writes into a plain Y.Map exceed it many times over', () => {
		const gen = prng.create(1);
		const doc = new Y.Doc();
		const map = doc.getMap('responses');
		const live = overwritePrivate(1000, 1, 1);
		for (let i = 0; i < 1000; i++) {
			const key = `r1/1/${prng.oneOf(gen, ITEMS)}`;
			map.set(key, { ...(map.get(key) as object), ...randomPatch(gen) });
		}
		console.log(`private as Y.Map: after 1,000 overwrites ${size(doc)} B`);
		expect(excess(doc, freshPrivate(live))).toBeGreaterThan(4000);
	});

	it('two devices of one person, strictly alternating: under 1 byte per overwrite (Y.Map: ~8)', () => {
		// A writer's chain breaks only when another replica deletes that writer's latest entry; each
		// break leaves one small tombstone fragment. Single-writer use (the normal case) has none.
		const after1k = overwritePrivate(1000, 2, 3);
		const after3k = overwritePrivate(3000, 2, 4);
		const e1 = excess(after1k, freshPrivate(after1k));
		const e3 = excess(after3k, freshPrivate(after3k));
		console.log(`private, two devices alternating: excess ${e1} B after 1,000, ${e3} B after 3,000`);
		expect(e1).toBeLessThan(1000);
		expect((e3 - e1) / 2000).toBeLessThan(1);
	});

	it('facilitation: a facilitator and the server alternating 1,000 writes stay bounded', () => {
		const gen = prng.create(5);
		const fac = new Y.Doc();
		const server = new Y.Doc();
		const aggs = ITEMS.slice(0, 8).map((k) => aggregateItem(k, [{ score: 3 }, { score: 4 }, { score: 4 }]));
		for (let i = 0; i < 1000; i++) {
			const now = 1_000_000 + i * 1000;
			if (i % 2 === 0) {
				const op = prng.int32(gen, 0, 2);
				if (op === 0) startTimer(fac, { durationMs: prng.int32(gen, 1, 10) * 60_000, now });
				else if (op === 1) extendTimer(fac, { ms: 60_000, now });
				else setFocus(fac, { itemKey: prng.oneOf(gen, ITEMS), at: now });
			} else {
				setReadiness(server, { runId: 'r1', round: 1, ready: prng.int32(gen, 0, 7), total: 7 });
				const k = prng.int32(gen, 0, aggs.length - 1);
				aggs[k] = aggregateItem(aggs[k]!.itemKey, [{ score: 3 }, { score: prng.int32(gen, 1, 5) as Score }, { score: 4 }]);
				publishAggregates(server, { runId: 'r1', round: 1, items: aggs });
			}
			syncAll(fac, server);
		}
		// the same final state written once
		const fresh = new Y.Doc();
		const state = readFacilitation(fac);
		if (state.session.timer) startTimer(fresh, { durationMs: state.session.timer.durationMs, now: state.session.timer.endsAt - state.session.timer.durationMs });
		if (state.session.focus) setFocus(fresh, state.session.focus);
		setReadiness(fresh, { runId: 'r1', round: 1, ...state.readiness['r1/1']! });
		publishAggregates(fresh, { runId: 'r1', round: 1, items: state.published['r1/1']! });
		expect(readFacilitation(fresh)).toEqual(state);
		console.log(`facilitation, two writers: live ${size(fresh)} B, after 1,000 alternating writes ${size(fac)} B`);
		expect(excess(fac, fresh)).toBeLessThan(1500);
	});
});
