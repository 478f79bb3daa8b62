// Seeded convergence (CONVENTIONS.md item 14, after yjs tests/testHelper.js): 3-5 in-memory peers edit the
// workspace, facilitation and private layouts through the typed accessors while a simulated network
// delivers updates in random order, duplicates some, and holds them while peers are offline. After
// everything is delivered, every peer must read exactly the same state.
// Longer runs: MODEL_FUZZ_SEED=... MODEL_FUZZ_RUNS=500 MODEL_FUZZ_STEPS=400 vitest run --project model convergence
import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import * as prng from 'lib0/prng';
import {
	latestVersion,
	DEFAULT_TEMPLATE,
	STEPS,
	adaptTemplate,
	aggregateItem,
	clearAgreedScore,
	clearResponse,
	clearTimer,
	closeRun,
	createRun,
	engagementNotes,
	extendTimer,
	itemNotes,
	kvRead,
	migrate,
	pauseTimer,
	publishAggregates,
	readFacilitation,
	readMeta,
	readPrivate,
	readRuns,
	readSession,
	readWorkspace,
	recordAgreedScore,
	renameRun,
	resumeTimer,
	setFocus,
	setReadiness,
	setRescoreItems,
	setResponse,
	setReady,
	setReveal,
	setStep,
	startRun,
	startTimer,
	type DocKind,
	type Score
} from '../src/index.ts';
import { paragraph } from './helpers.ts';

const SEED = Number(process.env.MODEL_FUZZ_SEED ?? 20260611);
const RUNS = Number(process.env.MODEL_FUZZ_RUNS ?? 25);
const STEPS_PER_RUN = Number(process.env.MODEL_FUZZ_STEPS ?? 150);

const REMOTE = Symbol('remote');
const RUN_IDS = ['r1', 'r2', 'r3'];
const ITEM_KEYS = ['D1.1', 'D1.2', 'D2.1', 'D10.4'];
const SMALL_TEMPLATE = adaptTemplate(DEFAULT_TEMPLATE, { id: 'org', edit: (d) => void d.dimensions.splice(3) });

interface Message {
	from: number;
	update: Uint8Array;
}

/** One document kind replicated on every peer, with per-receiver queues of undelivered updates. */
class Network {
	readonly docs: Y.Doc[];
	readonly queues: Message[][];
	readonly delivered: Message[] = [];

	constructor(n: number, readonly online: boolean[]) {
		this.docs = Array.from({ length: n }, () => new Y.Doc());
		this.queues = this.docs.map(() => []);
		this.docs.forEach((doc, i) =>
			doc.on('update', (update: Uint8Array, origin: unknown) => {
				if (origin === REMOTE) return;
				this.queues.forEach((q, j) => j !== i && q.push({ from: i, update }));
			})
		);
	}

	private deliverable(): [number, number][] {
		const out: [number, number][] = [];
		this.queues.forEach((q, j) => {
			if (!this.online[j]) return;
			q.forEach((m, k) => this.online[m.from] && out.push([j, k]));
		});
		return out;
	}

	/** Deliver one random deliverable message (any receiver, any position: out of order). */
	deliverOne(gen: prng.PRNG): boolean {
		const choices = this.deliverable();
		if (choices.length === 0) return false;
		const [j, k] = prng.oneOf(gen, choices);
		const [m] = this.queues[j]!.splice(k, 1);
		Y.applyUpdate(this.docs[j]!, m!.update, REMOTE);
		this.delivered.push(m!);
		return true;
	}

	/** Re-deliver an old message somewhere (networks duplicate). */
	duplicate(gen: prng.PRNG) {
		if (this.delivered.length === 0) return;
		const m = prng.oneOf(gen, this.delivered);
		const j = prng.int32(gen, 0, this.docs.length - 1);
		if (j !== m.from) Y.applyUpdate(this.docs[j]!, m.update, REMOTE);
	}

	/** Sync step 1/2 between two online peers (what a reconnecting provider does). */
	resync(gen: prng.PRNG) {
		const a = prng.int32(gen, 0, this.docs.length - 1);
		const b = prng.int32(gen, 0, this.docs.length - 1);
		if (a === b || !this.online[a] || !this.online[b]) return;
		Y.applyUpdate(this.docs[b]!, Y.encodeStateAsUpdate(this.docs[a]!, Y.encodeStateVector(this.docs[b]!)), REMOTE);
	}

	flush(gen: prng.PRNG) {
		while (this.deliverOne(gen));
	}
}

function workspaceEdit(gen: prng.PRNG, doc: Y.Doc, now: number) {
	const runs = readRuns(doc);
	switch (prng.int32(gen, 0, 5)) {
		case 0: {
			const id = prng.oneOf(gen, RUN_IDS);
			if (!runs.some((r) => r.id === id)) createRun(doc, { id, label: `T${runs.length}`, template: prng.bool(gen) ? DEFAULT_TEMPLATE : SMALL_TEMPLATE, startedAt: now });
			return;
		}
		case 1:
			if (runs.length === 0) return;
			if (prng.bool(gen)) closeRun(doc, { id: prng.oneOf(gen, runs).id, at: now });
			else renameRun(doc, { id: prng.oneOf(gen, runs).id, label: prng.word(gen, 1, 6) });
			return;
		case 2:
		case 3: {
			const f = itemNotes(doc, prng.oneOf(gen, RUN_IDS), prng.oneOf(gen, ITEM_KEYS));
			const blocks = f.toArray();
			if (blocks.length === 0 || prng.int32(gen, 0, 3) === 0) f.insert(prng.int32(gen, 0, blocks.length), [paragraph(prng.word(gen, 1, 8))]);
			else {
				const text = (prng.oneOf(gen, blocks) as Y.XmlElement).get(0) as Y.XmlText;
				if (prng.bool(gen) || text.length === 0) text.insert(prng.int32(gen, 0, text.length), prng.word(gen, 1, 5));
				else {
					const at = prng.int32(gen, 0, text.length - 1);
					text.delete(at, prng.int32(gen, 1, text.length - at));
				}
			}
			return;
		}
		default: {
			const notes = engagementNotes(doc);
			if (notes.length > 0 && prng.int32(gen, 0, 2) === 0) notes.delete(prng.int32(gen, 0, notes.length - 1), 1);
			else notes.insert(prng.int32(gen, 0, notes.length), [paragraph(prng.word(gen, 1, 8))]);
		}
	}
}

function facilitationEdit(gen: prng.PRNG, doc: Y.Doc, now: number) {
	const runId = prng.oneOf(gen, RUN_IDS);
	const round = prng.int32(gen, 1, 2);
	switch (prng.int32(gen, 0, 9)) {
		case 0:
			return startRun(doc, { runId, at: now, by: 'fac' });
		case 1:
			if (readSession(doc).runId) setStep(doc, { step: prng.oneOf(gen, [...STEPS]), at: now });
			else startRun(doc, { runId, at: now });
			return;
		case 2: {
			const op = prng.int32(gen, 0, 4);
			if (op === 0) startTimer(doc, { durationMs: prng.int32(gen, 1, 20) * 60_000, now });
			else if (op === 1) pauseTimer(doc, { now });
			else if (op === 2) resumeTimer(doc, { now });
			else if (op === 3) extendTimer(doc, { ms: 60_000, now });
			else clearTimer(doc);
			return;
		}
		case 3:
			return setFocus(doc, prng.bool(gen) ? { itemKey: prng.oneOf(gen, ITEM_KEYS), at: now } : null);
		case 4:
			return setReveal(doc, { runId, round, revealed: prng.bool(gen), at: now });
		case 5:
			return prng.int32(gen, 0, 3) === 0
				? clearAgreedScore(doc, { runId, itemKey: prng.oneOf(gen, ITEM_KEYS) })
				: recordAgreedScore(doc, { runId, itemKey: prng.oneOf(gen, ITEM_KEYS), score: prng.int32(gen, 1, 5) as Score, rationale: prng.word(gen), recordedBy: 'fac', at: now });
		case 6: {
			const items = ITEM_KEYS.filter(() => prng.bool(gen)).map((k) =>
				aggregateItem(k, Array.from({ length: prng.int32(gen, 0, 6) }, () => ({ score: prng.int32(gen, 0, 5) || null }) as { score: Score | null }))
			);
			return publishAggregates(doc, { runId, round, items, now });
		}
		case 7: {
			const total = prng.int32(gen, 1, 8);
			return setReadiness(doc, { runId, round, ready: prng.int32(gen, 0, total), total, now });
		}
		default:
			return setRescoreItems(doc, prng.bool(gen) ? ITEM_KEYS.filter(() => prng.bool(gen)) : null, { now });
	}
}

/** One person's private document open on several devices. */
function privateEdit(gen: prng.PRNG, doc: Y.Doc, now: number) {
	const key = { runId: prng.oneOf(gen, RUN_IDS), round: prng.int32(gen, 1, 2), itemKey: prng.oneOf(gen, ITEM_KEYS) };
	switch (prng.int32(gen, 0, 5)) {
		case 0:
			return clearResponse(doc, key);
		case 1:
			return setReady(doc, { runId: key.runId, round: key.round, ready: prng.bool(gen), now });
		case 2:
			return setResponse(doc, key, { dontKnow: true }, { now });
		case 3:
			return setResponse(doc, key, { comment: prng.bool(gen) ? prng.word(gen, 0, 12) : null, importance: prng.bool(gen) ? (prng.int32(gen, 1, 3) as 1) : null }, { now });
		default:
			return setResponse(doc, key, { score: prng.int32(gen, 1, 5) as Score }, { now });
	}
}

const KINDS: { kind: DocKind; edit: typeof workspaceEdit; read: (d: Y.Doc) => unknown; kvRoots: string[] }[] = [
	{ kind: 'workspace', edit: workspaceEdit, read: readWorkspace, kvRoots: ['runs'] },
	{ kind: 'facilitation', edit: facilitationEdit, read: readFacilitation, kvRoots: ['control', 'published'] },
	{ kind: 'private', edit: privateEdit, read: readPrivate, kvRoots: ['responses', 'status'] }
];

function simulate(seed: number) {
	const gen = prng.create(seed);
	const n = prng.int32(gen, 3, 5);
	const online = Array.from({ length: n }, () => true);
	const nets = KINDS.map((k) => ({ ...k, net: new Network(n, online) }));
	// every peer migrates its (empty) copy at once, as clients opening an old document would
	for (const { kind, net } of nets) net.docs.forEach((d, i) => migrate(d, kind, { now: i }));
	for (let step = 0; step < STEPS_PER_RUN; step++) {
		const now = 1_000_000 + Math.floor(step / 4) * 1000; // coarse clock: concurrent writes tie on time
		const roll = prng.int32(gen, 0, 99);
		const k = prng.oneOf(gen, nets);
		if (roll < 45) k.edit(gen, k.net.docs[prng.int32(gen, 0, n - 1)]!, now);
		else if (roll < 85) for (let i = prng.int32(gen, 1, 4); i > 0; i--) k.net.deliverOne(gen);
		else if (roll < 90) k.net.duplicate(gen);
		else if (roll < 94) k.net.resync(gen);
		else {
			const p = prng.int32(gen, 0, n - 1);
			online[p] = !online[p];
		}
	}
	online.fill(true);
	for (const { net } of nets) net.flush(gen);
	return nets;
}

// A guard against a hung run on a loaded machine, not a timing assertion.
const TIMEOUT = { timeout: 300_000 };

describe('convergence', () => {
	it(`${RUNS} seeded runs from seed ${SEED}: all peers read the same state after random delivery`, TIMEOUT, () => {
		for (let r = 0; r < RUNS; r++) {
			const seed = SEED + r;
			for (const { kind, read, kvRoots, net } of simulate(seed)) {
				const [first, ...rest] = net.docs as [Y.Doc, ...Y.Doc[]];
				const expected = read(first);
				for (const [i, doc] of rest.entries()) {
					const where = `seed ${seed}, ${kind}, peer ${i + 1}`;
					expect(doc.store.pendingStructs, where).toBeNull();
					expect(doc.store.pendingDs, where).toBeNull();
					expect(Y.equalSnapshots(Y.snapshot(first), Y.snapshot(doc)), where).toBe(true);
					expect(read(doc), where).toEqual(expected);
					for (const root of kvRoots) expect([...kvRead(doc.getArray(root))], `${where}, ${root}`).toEqual([...kvRead(first.getArray(root))]);
					expect(readMeta(doc), where).toEqual(readMeta(first));
				}
				expect(readMeta(first).schemaVersion).toBe(latestVersion(kind));
			}
		}
	});

	it('the simulation does exercise concurrency: some runs leave concurrent duplicates in a KV', TIMEOUT, () => {
		let duplicates = 0;
		for (let r = 0; r < 10; r++)
			for (const { kvRoots, net } of simulate(SEED + 1000 + r))
				for (const root of kvRoots) duplicates += net.docs[0]!.getArray(root).length - kvRead(net.docs[0]!.getArray(root)).size;
		expect(duplicates).toBeGreaterThan(0);
	});
});
