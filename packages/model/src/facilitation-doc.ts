// The facilitation document of an engagement (`${engagementId}.facilitation`): facilitators write the
// session control; the server writes what it computes (published aggregates, readiness counts). Everyone
// in the engagement reads it. It never holds an individual answer or the name of whoever gave one.
//
// Layout (roots):
//   meta       Y.Map    schemaVersion, applied migrations (migrations.ts)
//   control    KV       written by facilitators:
//                         run -> runId | step -> Step | round -> number | timer -> Timer
//                         focus -> { itemKey, at }        ("bring everyone to")
//                         rescore -> itemKey[]            (items re-rated in round 2; absent = all)
//                         reveal/${runId}/${round} -> { revealed, at, by? }
//                         agreed/${runId}/${itemKey} -> { score, rationale, recordedBy, at }
//   history    Y.Array  append-only step changes { runId, step, round, at, by? }
//   published  KV       written by the server:
//                         aggregate/${runId}/${round}/${itemKey} -> ItemAggregate (no respondent data)
//                         readiness/${runId}/${round} -> { ready, total }
import type * as Y from 'yjs';
import type { ItemAggregate } from './aggregate.ts';
import { assertId, assertKey, assertRound, compareKeys, isId, isKey, isRound, type Round } from './keys.ts';
import { kvRead, kvWrite } from './kv.ts';
import { STEPS, type Score, type Step } from './labels.ts';

export const FACILITATION_ROOTS = { meta: 'meta', control: 'control', history: 'history', published: 'published' } as const;

export interface Timer {
	/** Server-clock ms when the time is up (while running). */
	endsAt: number;
	/** Total duration, extensions included. */
	durationMs: number;
	/** Present while paused: what was left at the pause. */
	pausedRemainingMs?: number;
}

export interface Focus {
	itemKey: string;
	/** When summoned; a new `at` with the same item summons again. */
	at: number;
}

export interface SessionState {
	runId: string | null;
	step: Step | null;
	round: Round;
	timer: Timer | null;
	focus: Focus | null;
	/** Items re-rated in round 2; null = all items. */
	rescoreItems: string[] | null;
}

export interface StepChange {
	runId: string;
	step: Step;
	round: Round;
	at: number;
	by?: string;
}

export interface RevealFlag {
	revealed: boolean;
	at: number;
	by?: string;
}

export interface AgreedScore {
	score: Score;
	rationale: string;
	recordedBy: string;
	at: number;
}

export interface Readiness {
	ready: number;
	total: number;
}

const control = (doc: Y.Doc) => doc.getArray<unknown>(FACILITATION_ROOTS.control);
const published = (doc: Y.Doc) => doc.getArray<unknown>(FACILITATION_ROOTS.published);
export const historyArray = (doc: Y.Doc) => doc.getArray<unknown>(FACILITATION_ROOTS.history);

type WriteOpts = { now?: number; origin?: unknown };

const isObj = (v: unknown): v is Record<string, unknown> => !!v && typeof v === 'object' && !Array.isArray(v);
const isNum = (v: unknown): v is number => typeof v === 'number' && Number.isFinite(v);
const isStep = (v: unknown): v is Step => typeof v === 'string' && (STEPS as readonly string[]).includes(v);
const isScore = (s: unknown): s is Score => Number.isInteger(s) && (s as number) >= 1 && (s as number) <= 5;

export function parseTimer(v: unknown): Timer | null {
	if (!isObj(v) || !isNum(v.endsAt) || !isNum(v.durationMs) || v.durationMs < 0) return null;
	const t: Timer = { endsAt: v.endsAt, durationMs: v.durationMs };
	if (isNum(v.pausedRemainingMs) && v.pausedRemainingMs >= 0) t.pausedRemainingMs = v.pausedRemainingMs;
	return t;
}

function parseStepChange(v: unknown): StepChange | null {
	if (!isObj(v) || !isId(v.runId) || !isStep(v.step) || !isRound(v.round) || !isNum(v.at)) return null;
	const c: StepChange = { runId: v.runId, step: v.step, round: v.round, at: v.at };
	if (typeof v.by === 'string') c.by = v.by;
	return c;
}

function parseAgreed(v: unknown): AgreedScore | null {
	if (!isObj(v) || !isScore(v.score) || typeof v.rationale !== 'string' || typeof v.recordedBy !== 'string' || !isNum(v.at)) return null;
	return { score: v.score, rationale: v.rationale, recordedBy: v.recordedBy, at: v.at };
}

export function readSession(doc: Y.Doc): SessionState {
	const c = kvRead(control(doc));
	const runId = c.get('run');
	const step = c.get('step');
	const round = c.get('round');
	const focus = c.get('focus');
	const rescore = c.get('rescore');
	return {
		runId: isId(runId) ? runId : null,
		step: isStep(step) ? step : null,
		round: isRound(round) ? round : 1,
		timer: parseTimer(c.get('timer')),
		focus: isObj(focus) && isKey(focus.itemKey) && isNum(focus.at) ? { itemKey: focus.itemKey, at: focus.at } : null,
		rescoreItems: Array.isArray(rescore) ? rescore.filter(isKey).sort(compareKeys) : null
	};
}

export function readHistory(doc: Y.Doc): StepChange[] {
	return historyArray(doc)
		.toArray()
		.map(parseStepChange)
		.filter((x): x is StepChange => x !== null);
}

/** The step after `step` in the usual order; null after 'done'. ('rescoring' is optional: a facilitator
 *  may go from 'discuss' straight to 'agreed'.) */
export function nextStep(step: Step): Step | null {
	const i = STEPS.indexOf(step);
	return i < STEPS.length - 1 ? STEPS[i + 1]! : null;
}

/** Start (or restart) the session on a run: step 'scoring', round 1, no timer, no focus. */
export function startRun(doc: Y.Doc, opts: { runId: string; at: number; by?: string; origin?: unknown }): void {
	assertId(opts.runId, 'runId');
	doc.transact(() => {
		kvWrite(control(doc), [
			['run', opts.runId],
			['step', 'scoring'],
			['round', 1],
			['timer', undefined],
			['focus', undefined],
			['rescore', undefined]
		], { now: opts.at });
		historyArray(doc).push([stepChange(opts.runId, 'scoring', 1, opts.at, opts.by)]);
	}, opts.origin);
}

function stepChange(runId: string, step: Step, round: Round, at: number, by?: string): StepChange {
	const c: StepChange = { runId, step, round, at };
	if (by !== undefined) c.by = by;
	return c;
}

/**
 * Move the current run to `step` and record it in the history. The round is `opts.round` if given;
 * otherwise entering 'rescoring' makes it 2, entering 'scoring' makes it 1, and other steps keep it.
 * Throws if no run is started.
 */
export function setStep(doc: Y.Doc, opts: { step: Step; at: number; by?: string; round?: Round; origin?: unknown }): void {
	if (!isStep(opts.step)) throw new TypeError(`unknown step ${JSON.stringify(opts.step)}`);
	if (opts.round !== undefined) assertRound(opts.round);
	doc.transact(() => {
		const s = readSession(doc);
		if (!s.runId) throw new Error('setStep: no run started (call startRun first)');
		const round = opts.round ?? (opts.step === 'rescoring' ? Math.max(2, s.round) : opts.step === 'scoring' ? 1 : s.round);
		kvWrite(control(doc), [['step', opts.step], ['round', round]], { now: opts.at });
		historyArray(doc).push([stepChange(s.runId, opts.step, round, opts.at, opts.by)]);
	}, opts.origin);
}

/** Milliseconds left on the timer at server time `now` (0 when over; null without a timer). */
export function timerRemainingMs(timer: Timer | null, now: number): number | null {
	if (!timer) return null;
	if (timer.pausedRemainingMs !== undefined) return timer.pausedRemainingMs;
	// A reader whose clock-offset estimate is a few ms off must not show more than the timer was set to.
	return Math.min(timer.durationMs, Math.max(0, timer.endsAt - now));
}

export const isTimerPaused = (t: Timer | null) => t?.pausedRemainingMs !== undefined;

function writeTimer(doc: Y.Doc, timer: Timer | undefined, opts: WriteOpts) {
	kvWrite(control(doc), [['timer', timer]], opts);
}

/** `now` is server time (the client's clock corrected by its measured offset). */
export function startTimer(doc: Y.Doc, opts: { durationMs: number; now: number; origin?: unknown }): Timer {
	if (!isNum(opts.durationMs) || opts.durationMs <= 0) throw new RangeError('durationMs must be a positive number');
	const t: Timer = { endsAt: opts.now + opts.durationMs, durationMs: opts.durationMs };
	writeTimer(doc, t, opts);
	return t;
}

export function pauseTimer(doc: Y.Doc, opts: { now: number; origin?: unknown }): Timer | null {
	let out: Timer | null = null;
	doc.transact(() => {
		const t = readSession(doc).timer;
		if (!t || t.pausedRemainingMs !== undefined) return void (out = t);
		out = { ...t, pausedRemainingMs: Math.max(0, t.endsAt - opts.now) };
		writeTimer(doc, out, opts);
	}, opts.origin);
	return out;
}

export function resumeTimer(doc: Y.Doc, opts: { now: number; origin?: unknown }): Timer | null {
	let out: Timer | null = null;
	doc.transact(() => {
		const t = readSession(doc).timer;
		if (!t || t.pausedRemainingMs === undefined) return void (out = t);
		out = { endsAt: opts.now + t.pausedRemainingMs, durationMs: t.durationMs };
		writeTimer(doc, out, opts);
	}, opts.origin);
	return out;
}

/** "+1 min": adds `ms` to the time left (counting from now if the time was already up). */
export function extendTimer(doc: Y.Doc, opts: { ms: number; now: number; origin?: unknown }): Timer | null {
	if (!isNum(opts.ms) || opts.ms <= 0) throw new RangeError('ms must be a positive number');
	let out: Timer | null = null;
	doc.transact(() => {
		const t = readSession(doc).timer;
		if (!t) return;
		out =
			t.pausedRemainingMs !== undefined
				? { ...t, durationMs: t.durationMs + opts.ms, pausedRemainingMs: t.pausedRemainingMs + opts.ms }
				: { endsAt: Math.max(t.endsAt, opts.now) + opts.ms, durationMs: t.durationMs + opts.ms };
		writeTimer(doc, out, opts);
	}, opts.origin);
	return out;
}

export function clearTimer(doc: Y.Doc, opts: WriteOpts = {}): void {
	writeTimer(doc, undefined, opts);
}

/** "Bring everyone to" an item, or stop (null). */
export function setFocus(doc: Y.Doc, focus: Focus | null, opts: WriteOpts = {}): void {
	if (focus) {
		assertKey(focus.itemKey, 'itemKey');
		if (!isNum(focus.at)) throw new TypeError('focus.at must be a number');
	}
	kvWrite(control(doc), [['focus', focus ? { itemKey: focus.itemKey, at: focus.at } : undefined]], opts);
}

export function setRescoreItems(doc: Y.Doc, itemKeys: readonly string[] | null, opts: WriteOpts = {}): void {
	if (itemKeys) for (const k of itemKeys) assertKey(k, 'itemKey');
	kvWrite(control(doc), [['rescore', itemKeys ? [...new Set(itemKeys)].sort(compareKeys) : undefined]], opts);
}

const revealKey = (runId: string, round: Round) => {
	assertId(runId, 'runId');
	assertRound(round);
	return `reveal/${runId}/${round}`;
};

/** Facilitators reveal a round; the server reacts by publishing its aggregates. */
export function setReveal(doc: Y.Doc, opts: { runId: string; round: Round; revealed: boolean; at: number; by?: string; origin?: unknown }): void {
	const flag: RevealFlag = { revealed: opts.revealed, at: opts.at };
	if (opts.by !== undefined) flag.by = opts.by;
	kvWrite(control(doc), [[revealKey(opts.runId, opts.round), flag]], { now: opts.at, origin: opts.origin });
}

export function readReveal(doc: Y.Doc, runId: string, round: Round): RevealFlag | null {
	const v = kvRead(control(doc)).get(revealKey(runId, round));
	if (!isObj(v) || typeof v.revealed !== 'boolean' || !isNum(v.at)) return null;
	const f: RevealFlag = { revealed: v.revealed, at: v.at };
	if (typeof v.by === 'string') f.by = v.by;
	return f;
}

export const isRevealed = (doc: Y.Doc, runId: string, round: Round) => readReveal(doc, runId, round)?.revealed === true;

const agreedKey = (runId: string, itemKey: string) => {
	assertId(runId, 'runId');
	assertKey(itemKey, 'itemKey');
	return `agreed/${runId}/${itemKey}`;
};

/** The team-agreed score of an item, recorded by a facilitator after discussion. */
export function recordAgreedScore(doc: Y.Doc, opts: { runId: string; itemKey: string } & AgreedScore & { origin?: unknown }): void {
	if (!isScore(opts.score)) throw new TypeError(`score must be 1..5 (got ${JSON.stringify(opts.score)})`);
	if (typeof opts.rationale !== 'string' || typeof opts.recordedBy !== 'string' || !isNum(opts.at))
		throw new TypeError('rationale and recordedBy must be strings, at a number');
	const v: AgreedScore = { score: opts.score, rationale: opts.rationale, recordedBy: opts.recordedBy, at: opts.at };
	kvWrite(control(doc), [[agreedKey(opts.runId, opts.itemKey), v]], { now: opts.at, origin: opts.origin });
}

export function clearAgreedScore(doc: Y.Doc, opts: { runId: string; itemKey: string; origin?: unknown }): void {
	kvWrite(control(doc), [[agreedKey(opts.runId, opts.itemKey), undefined]], { origin: opts.origin });
}

/** Agreed scores of a run by item key. */
export function readAgreedScores(doc: Y.Doc, runId: string): Record<string, AgreedScore> {
	assertId(runId, 'runId');
	const out: Record<string, AgreedScore> = {};
	const prefix = `agreed/${runId}/`;
	for (const [k, v] of kvRead(control(doc))) {
		if (!k.startsWith(prefix)) continue;
		const itemKey = k.slice(prefix.length);
		const a = parseAgreed(v);
		if (a && isKey(itemKey)) out[itemKey] = a;
	}
	return out;
}

// ---- written by the server ----

const AGGREGATE_NUMBERS = ['mean', 'median', 'sd', 'q1', 'q3', 'iqr', 'min', 'max', 'agreementShare', 'importanceMean', 'priority'] as const;
const AGGREGATE_COUNTS = ['nValid', 'nDontKnow', 'nImportance'] as const;
const CLASSES = ['consensus', 'partial', 'disagreement'];

/** Keep exactly the fields of an ItemAggregate, well-typed; anything else (such as data about who
 *  answered) is dropped. Null when the value is not an aggregate. */
export function sanitizeAggregate(v: unknown): ItemAggregate | null {
	if (!isObj(v) || !isKey(v.itemKey)) return null;
	const out: Record<string, unknown> = { itemKey: v.itemKey };
	for (const f of AGGREGATE_COUNTS) {
		if (!Number.isInteger(v[f]) || (v[f] as number) < 0) return null;
		out[f] = v[f];
	}
	for (const f of AGGREGATE_NUMBERS) {
		if (v[f] !== null && !isNum(v[f])) return null;
		out[f] = v[f];
	}
	let histogram: Record<number, number> | null = null;
	if (v.histogram !== null) {
		if (!isObj(v.histogram)) return null;
		histogram = {};
		for (const s of [1, 2, 3, 4, 5]) {
			const n = v.histogram[s];
			if (!Number.isInteger(n) || (n as number) < 0) return null;
			histogram[s] = n as number;
		}
	}
	out.histogram = histogram;
	out.polarised = v.polarised === true;
	out.consensus = typeof v.consensus === 'string' && CLASSES.includes(v.consensus) ? v.consensus : null;
	out.smallSample = v.smallSample === true;
	out.histogramSuppressed = v.histogramSuppressed === true;
	return out as unknown as ItemAggregate;
}

/** Publish the aggregates of one run and round (server). Replaces what was published for that run and
 *  round: items not in `items` are removed. Unchanged items cost nothing. */
export function publishAggregates(doc: Y.Doc, opts: { runId: string; round: Round; items: readonly ItemAggregate[] } & WriteOpts): void {
	assertId(opts.runId, 'runId');
	assertRound(opts.round);
	const prefix = `aggregate/${opts.runId}/${opts.round}/`;
	const changes = new Map<string, unknown>();
	for (const it of opts.items) {
		const clean = sanitizeAggregate(it);
		if (!clean) throw new TypeError(`not an item aggregate: ${JSON.stringify(it?.itemKey)}`);
		changes.set(prefix + clean.itemKey, clean);
	}
	doc.transact(() => {
		for (const k of kvRead(published(doc)).keys()) if (k.startsWith(prefix) && !changes.has(k)) changes.set(k, undefined);
		kvWrite(published(doc), changes, { now: opts.now });
	}, opts.origin);
}

/** Published aggregates of one run and round, ordered by item key. */
export function readPublished(doc: Y.Doc, runId: string, round: Round): ItemAggregate[] {
	assertId(runId, 'runId');
	assertRound(round);
	const prefix = `aggregate/${runId}/${round}/`;
	const out: ItemAggregate[] = [];
	for (const [k, v] of kvRead(published(doc))) {
		if (!k.startsWith(prefix)) continue;
		const a = sanitizeAggregate(v);
		if (a && a.itemKey === k.slice(prefix.length)) out.push(a);
	}
	return out.sort((a, b) => compareKeys(a.itemKey, b.itemKey));
}

/** How many people marked the round finished, without names (server). */
export function setReadiness(doc: Y.Doc, opts: { runId: string; round: Round } & Readiness & WriteOpts): void {
	assertId(opts.runId, 'runId');
	assertRound(opts.round);
	if (!Number.isInteger(opts.ready) || !Number.isInteger(opts.total) || opts.ready < 0 || opts.total < opts.ready)
		throw new RangeError('readiness needs integers 0 <= ready <= total');
	kvWrite(published(doc), [[`readiness/${opts.runId}/${opts.round}`, { ready: opts.ready, total: opts.total }]], opts);
}

export function readReadiness(doc: Y.Doc, runId: string, round: Round): Readiness | null {
	assertId(runId, 'runId');
	assertRound(round);
	const v = kvRead(published(doc)).get(`readiness/${runId}/${round}`);
	if (!isObj(v) || !Number.isInteger(v.ready) || !Number.isInteger(v.total)) return null;
	return { ready: v.ready as number, total: v.total as number };
}

export interface FacilitationState {
	session: SessionState;
	history: StepChange[];
	/** By `${runId}/${round}`. */
	reveals: Record<string, RevealFlag>;
	/** By run id, then item key. */
	agreed: Record<string, Record<string, AgreedScore>>;
	/** By `${runId}/${round}`, ordered by item key. */
	published: Record<string, ItemAggregate[]>;
	/** By `${runId}/${round}`. */
	readiness: Record<string, Readiness>;
}

/** The whole facilitation document as plain data. */
export function readFacilitation(doc: Y.Doc): FacilitationState {
	const state: FacilitationState = { session: readSession(doc), history: readHistory(doc), reveals: {}, agreed: {}, published: {}, readiness: {} };
	const runRounds = new Set<string>();
	const runs = new Set<string>();
	for (const k of kvRead(control(doc)).keys()) {
		const m = /^(reveal|agreed)\/([^/]+)\/([^/]+)$/.exec(k);
		if (!m || !isId(m[2])) continue;
		if (m[1] === 'reveal' && isRound(Number(m[3]))) {
			const f = readReveal(doc, m[2]!, Number(m[3]));
			if (f) state.reveals[`${m[2]}/${m[3]}`] = f;
		} else if (m[1] === 'agreed') runs.add(m[2]!);
	}
	for (const r of runs) {
		const a = readAgreedScores(doc, r);
		if (Object.keys(a).length) state.agreed[r] = a;
	}
	for (const k of kvRead(published(doc)).keys()) {
		const m = /^(aggregate|readiness)\/([^/]+)\/(\d)(?:\/|$)/.exec(k);
		if (!m || !isId(m[2])) continue;
		if (m[1] === 'aggregate') runRounds.add(`${m[2]}/${m[3]}`);
		else {
			const r = readReadiness(doc, m[2]!, Number(m[3]));
			if (r) state.readiness[`${m[2]}/${m[3]}`] = r;
		}
	}
	for (const rr of runRounds) {
		const [runId, round] = rr.split('/') as [string, string];
		const items = readPublished(doc, runId, Number(round));
		if (items.length) state.published[rr] = items;
	}
	return state;
}
