// Typed accessors of the three documents: round trips through encoded state, validation of untrusted
// content, and privacy of what the shared documents carry.
import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import {
	DEFAULT_TEMPLATE,
	readResults,
	resultsDocName,
	adaptTemplate,
	aggregateItem,
	aggregateRun,
	clearAgreedScore,
	clearResponse,
	closeRun,
	collectAnswers,
	countReady,
	createRun,
	engagementNotes,
	extendTimer,
	facilitationDocName,
	fragmentText,
	isRevealed,
	itemNotes,
	itemNotesName,
	kvRead,
	kvWrite,
	listItemNotes,
	nextStep,
	parseDocName,
	parseResponseKey,
	pauseTimer,
	privateDocName,
	publishAggregates,
	readAgreedScores,
	readFacilitation,
	readHistory,
	readPrivate,
	readPublished,
	readReadiness,
	readReady,
	readResponse,
	readResponses,
	readRun,
	readRuns,
	readSession,
	readWorkspace,
	recordAgreedScore,
	renameRun,
	responseKey,
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
	suggestRunLabel,
	timerRemainingMs,
	workspaceDocName
} from '../src/index.ts';
import { paragraph, reopen, syncAll } from './helpers.ts';

describe('document names', () => {
	it('builds and parses the three names', () => {
		expect(workspaceDocName('e1')).toBe('e1.workspace');
		expect(facilitationDocName('e1')).toBe('e1.facilitation');
		expect(privateDocName('e1', 'u7')).toBe('e1.private.u7');
		expect(parseDocName('e1.private.u7')).toEqual({ engagementId: 'e1', kind: 'private', userId: 'u7' });
		expect(parseDocName('e1.workspace')).toEqual({ engagementId: 'e1', kind: 'workspace' });
		for (const bad of ['e1.private', 'e1.workspace.u1', 'e1', 'e/1.workspace', 'e1.notes']) expect(parseDocName(bad), bad).toBeNull();
		expect(() => privateDocName('e1', 'a.b')).toThrow(TypeError);
		expect(resultsDocName('e1')).toBe('e1.results');
		expect(parseDocName('e1.results')).toEqual({ engagementId: 'e1', kind: 'results' });
		expect(parseDocName('e1.results.u1')).toBeNull();
	});
});

describe('results document', () => {
	it('holds the server-computed aggregates and readiness, read back as plain data (invalid entries dropped)', () => {
		const doc = new Y.Doc();
		publishAggregates(doc, { runId: 'T0', round: 1, items: [aggregateItem('D1.2', [{ score: 4 }, { score: 4 }, { score: 5 }]), aggregateItem('D1.1', [{ score: 2 }])] });
		publishAggregates(doc, { runId: 'T0', round: 2, items: [aggregateItem('D1.1', [{ score: 3 }, { score: 3 }, { score: 3 }])] });
		setReadiness(doc, { runId: 'T0', round: 1, ready: 2, total: 3 });
		kvWrite(doc.getArray('published'), [['aggregate/T0/1/D9.9', { itemKey: 'D9.9', nValid: 'lots' }]]);
		const r = readResults(reopen(doc));
		expect(Object.keys(r.published).sort()).toEqual(['T0/1', 'T0/2']);
		expect(r.published['T0/1']!.map((a) => a.itemKey)).toEqual(['D1.1', 'D1.2']);
		expect(r.published['T0/2']![0]).toMatchObject({ itemKey: 'D1.1', nValid: 3, mean: 3 });
		expect(r.readiness).toEqual({ 'T0/1': { ready: 2, total: 3 } });
	});
});

describe('private document', () => {
	const k = { runId: 'r1', round: 1, itemKey: 'D1.1' };

	it('round-trips responses through encoded state', () => {
		const doc = new Y.Doc();
		setResponse(doc, k, { score: 4, importance: 3, comment: 'Ho sabem fer' });
		setResponse(doc, { ...k, itemKey: 'D10.1' }, { dontKnow: true });
		setResponse(doc, { ...k, itemKey: 'D2.1' }, { score: 2 });
		setResponse(doc, { ...k, round: 2 }, { score: 5 });
		const copy = reopen(doc);
		expect(readResponse(copy, k)).toEqual({ score: 4, dontKnow: false, importance: 3, comment: 'Ho sabem fer' });
		expect(readResponses(copy, { runId: 'r1', round: 1 }).map((r) => [r.itemKey, r.score, r.dontKnow])).toEqual([
			['D1.1', 4, false],
			['D2.1', 2, false],
			['D10.1', null, true]
		]);
		expect(readResponses(copy)).toHaveLength(4);
		expect(responseKey(k)).toBe('r1/1/D1.1');
		expect(parseResponseKey('r1/1/D1.1')).toEqual(k);
		for (const bad of ['r1/0/D1.1', 'r1/01/D1.1', 'r1/1', 'r 1/1/D1.1', 'r1/1/D1.1/x']) expect(parseResponseKey(bad), bad).toBeNull();
	});

	it("keeps score and don't know exclusive, and removes emptied responses", () => {
		const doc = new Y.Doc();
		expect(setResponse(doc, k, { score: 3 })).toEqual({ score: 3, dontKnow: false });
		expect(setResponse(doc, k, { dontKnow: true, importance: 2 })).toEqual({ score: null, dontKnow: true, importance: 2 });
		expect(setResponse(doc, k, { score: 1 })).toEqual({ score: 1, dontKnow: false, importance: 2 });
		expect(setResponse(doc, k, { importance: null, comment: 'x' })).toEqual({ score: 1, dontKnow: false, comment: 'x' });
		expect(setResponse(doc, k, { comment: '' })).toEqual({ score: 1, dontKnow: false });
		expect(setResponse(doc, k, { score: null })).toBeNull();
		expect(readResponse(doc, k)).toBeNull();
		expect(kvRead(doc.getArray('responses')).size).toBe(0);
		setResponse(doc, k, { score: 2 });
		clearResponse(doc, k);
		expect(readResponses(doc)).toEqual([]);
	});

	it('rejects invalid writes and ignores invalid stored values', () => {
		const doc = new Y.Doc();
		expect(() => setResponse(doc, k, { score: 6 as 5 })).toThrow(TypeError);
		expect(() => setResponse(doc, k, { importance: 0 as 1 })).toThrow(TypeError);
		expect(() => setResponse(doc, { ...k, runId: 'a/b' }, { score: 3 })).toThrow(TypeError);
		expect(() => setResponse(doc, { ...k, round: 0 }, { score: 3 })).toThrow(TypeError);
		// a hostile or buggy client writes garbage straight into the KV
		kvWrite(doc.getArray('responses'), [
			['r1/1/D1.1', { score: 7, importance: 9, comment: 42 }],
			['r1/1/D1.2', { score: 3, dontKnow: true }],
			['r1/1/D1.3', 'nonsense'],
			['not-a-key', { score: 3 }]
		]);
		doc.getArray('responses').push(['not an entry', { k: 1 }]);
		expect(readResponses(doc)).toEqual([{ runId: 'r1', round: 1, itemKey: 'D1.2', score: null, dontKnow: true }]);
	});

	it('collects answers for the server: grouped by item, sorted, no identity, unanswered left out', () => {
		const people = [new Y.Doc(), new Y.Doc(), new Y.Doc()];
		setResponse(people[0]!, k, { score: 5, importance: 1 });
		setResponse(people[1]!, k, { score: 2 });
		setResponse(people[2]!, k, { dontKnow: true, importance: 3 });
		setResponse(people[2]!, { ...k, itemKey: 'D1.2' }, { comment: 'only a comment' });
		setResponse(people[0]!, { ...k, round: 2 }, { score: 1 });
		setReady(people[0]!, { runId: 'r1', round: 1, ready: true });
		setReady(people[2]!, { runId: 'r1', round: 1, ready: true });
		setReady(people[2]!, { runId: 'r1', round: 1, ready: false });
		const answers = collectAnswers(people, { runId: 'r1', round: 1 });
		expect(answers).toEqual({ 'D1.1': [{ score: null, importance: 3 }, { score: 2 }, { score: 5, importance: 1 }] });
		expect(countReady(people, { runId: 'r1', round: 1 })).toEqual({ ready: 1, total: 3 });
		expect(readReady(people[0]!, 'r1', 1)).toBe(true);
		expect(readPrivate(people[0]!).ready).toEqual([{ runId: 'r1', round: 1 }]);
	});
});

describe('facilitation document', () => {
	it('runs the session: steps, rounds and history', () => {
		const doc = new Y.Doc();
		expect(readSession(doc)).toEqual({ runId: null, step: null, round: 1, timer: null, focus: null, rescoreItems: null });
		expect(() => setStep(doc, { step: 'reveal', at: 1 })).toThrow(/no run started/);
		startRun(doc, { runId: 'r1', at: 100, by: 'fac1' });
		setStep(doc, { step: 'reveal', at: 200 });
		setStep(doc, { step: 'discuss', at: 300, by: 'fac2' });
		setRescoreItems(doc, ['D10.1', 'D2.1', 'D2.1']);
		setStep(doc, { step: 'rescoring', at: 400 });
		setStep(doc, { step: 'agreed', at: 500 });
		const s = readSession(reopen(doc));
		expect(s).toMatchObject({ runId: 'r1', step: 'agreed', round: 2, rescoreItems: ['D2.1', 'D10.1'] });
		expect(readHistory(doc).map((h) => `${h.step}:${h.round}:${h.at}:${h.by ?? ''}`)).toEqual([
			'scoring:1:100:fac1',
			'reveal:1:200:',
			'discuss:1:300:fac2',
			'rescoring:2:400:',
			'agreed:2:500:'
		]);
		setStep(doc, { step: 'scoring', at: 600 });
		expect(readSession(doc).round).toBe(1);
		setStep(doc, { step: 'discuss', at: 700, round: 3 });
		expect(readSession(doc).round).toBe(3);
		expect(nextStep('scoring')).toBe('reveal');
		expect(nextStep('done')).toBeNull();
		expect(() => setStep(doc, { step: 'vote' as 'done', at: 1 })).toThrow(TypeError);
	});

	it('keeps a server-clock timer: start, pause, resume, +1 min', () => {
		const doc = new Y.Doc();
		startTimer(doc, { durationMs: 300_000, now: 1_000_000 });
		expect(readSession(doc).timer).toEqual({ endsAt: 1_300_000, durationMs: 300_000 });
		expect(timerRemainingMs(readSession(doc).timer, 1_100_000)).toBe(200_000);
		expect(timerRemainingMs(readSession(doc).timer, 2_000_000)).toBe(0);
		// A reader whose clock estimate runs 2 ms behind the writer's never shows more than was set.
		expect(timerRemainingMs(readSession(doc).timer, 999_998)).toBe(300_000);
		pauseTimer(doc, { now: 1_100_000 });
		expect(readSession(doc).timer).toEqual({ endsAt: 1_300_000, durationMs: 300_000, pausedRemainingMs: 200_000 });
		expect(timerRemainingMs(readSession(doc).timer, 9_999_999)).toBe(200_000);
		extendTimer(doc, { ms: 60_000, now: 1_200_000 });
		expect(readSession(doc).timer).toMatchObject({ durationMs: 360_000, pausedRemainingMs: 260_000 });
		resumeTimer(doc, { now: 1_500_000 });
		expect(readSession(reopen(doc)).timer).toEqual({ endsAt: 1_760_000, durationMs: 360_000 });
		// +1 min after the time is up counts from now
		extendTimer(doc, { ms: 60_000, now: 2_000_000 });
		expect(readSession(doc).timer).toEqual({ endsAt: 2_060_000, durationMs: 420_000 });
		expect(() => startTimer(doc, { durationMs: 0, now: 1 })).toThrow(RangeError);
		expect(timerRemainingMs(null, 1)).toBeNull();
	});

	it('focus, reveal flags and agreed scores', () => {
		const doc = new Y.Doc();
		setFocus(doc, { itemKey: 'D5.3', at: 10 });
		expect(readSession(doc).focus).toEqual({ itemKey: 'D5.3', at: 10 });
		setFocus(doc, null);
		expect(readSession(doc).focus).toBeNull();
		expect(isRevealed(doc, 'r1', 1)).toBe(false);
		setReveal(doc, { runId: 'r1', round: 1, revealed: true, at: 20, by: 'fac1' });
		expect(isRevealed(reopen(doc), 'r1', 1)).toBe(true);
		expect(isRevealed(doc, 'r1', 2)).toBe(false);
		recordAgreedScore(doc, { runId: 'r1', itemKey: 'D5.3', score: 3, rationale: 'Tenim procés però no el seguim', recordedBy: 'fac1', at: 30 });
		recordAgreedScore(doc, { runId: 'r1', itemKey: 'D1.1', score: 4, rationale: '', recordedBy: 'fac1', at: 31 });
		recordAgreedScore(doc, { runId: 'r2', itemKey: 'D1.1', score: 2, rationale: '', recordedBy: 'fac1', at: 32 });
		clearAgreedScore(doc, { runId: 'r1', itemKey: 'D1.1' });
		expect(readAgreedScores(reopen(doc), 'r1')).toEqual({ 'D5.3': { score: 3, rationale: 'Tenim procés però no el seguim', recordedBy: 'fac1', at: 30 } });
		expect(() => recordAgreedScore(doc, { runId: 'r1', itemKey: 'D1.1', score: 0 as 1, rationale: '', recordedBy: 'f', at: 1 })).toThrow(TypeError);
	});

	it('publishes aggregates author-free, replaces a round, and reads them back', () => {
		const doc = new Y.Doc();
		const a = aggregateItem('D1.1', [{ score: 1 }, { score: 2 }, { score: 2 }, { score: 3 }, { score: 5 }]);
		const b = aggregateItem('D10.1', [{ score: 4 }]);
		const c = aggregateItem('D2.1', [{ score: 4 }, { score: 4 }, { score: 3 }]);
		// extra fields (as a buggy caller might add) must not reach the document
		publishAggregates(doc, { runId: 'r1', round: 1, items: [{ ...a, respondents: ['u-anna', 'u-oriol'] } as typeof a, b, c] });
		const bytes = Buffer.from(Y.encodeStateAsUpdate(doc)).toString('latin1');
		expect(bytes).not.toContain('u-anna');
		expect(bytes).not.toContain('respondents');
		const read = readPublished(reopen(doc), 'r1', 1);
		expect(read.map((i) => i.itemKey)).toEqual(['D1.1', 'D2.1', 'D10.1']);
		expect(read[0]).toEqual(a);
		expect(read[2]!.histogram).toBeNull();
		// republish round 1 without D2.1: it disappears
		publishAggregates(doc, { runId: 'r1', round: 1, items: [a, b] });
		expect(readPublished(doc, 'r1', 1).map((i) => i.itemKey)).toEqual(['D1.1', 'D10.1']);
		expect(readPublished(doc, 'r1', 2)).toEqual([]);
		expect(() => publishAggregates(doc, { runId: 'r1', round: 1, items: [{ ...a, nValid: -1 }] })).toThrow(TypeError);
		setReadiness(doc, { runId: 'r1', round: 1, ready: 3, total: 7 });
		expect(readReadiness(doc, 'r1', 1)).toEqual({ ready: 3, total: 7 });
		expect(() => setReadiness(doc, { runId: 'r1', round: 1, ready: 8, total: 7 })).toThrow(RangeError);
		const all = readFacilitation(doc);
		expect(Object.keys(all.published)).toEqual(['r1/1']);
		expect(all.readiness).toEqual({ 'r1/1': { ready: 3, total: 7 } });
	});

	it('republishing unchanged aggregates writes nothing', () => {
		const doc = new Y.Doc();
		const items = aggregateRun({ template: DEFAULT_TEMPLATE, answers: { 'D1.1': [{ score: 3 }, { score: 4 }, { score: 4 }] } }).items;
		publishAggregates(doc, { runId: 'r1', round: 1, items });
		setReadiness(doc, { runId: 'r1', round: 1, ready: 2, total: 5 });
		let updates = 0;
		doc.on('update', () => updates++);
		publishAggregates(doc, { runId: 'r1', round: 1, items: structuredClone(items) });
		setReadiness(doc, { runId: 'r1', round: 1, ready: 2, total: 5 });
		expect(updates).toBe(0);
		setReadiness(doc, { runId: 'r1', round: 1, ready: 3, total: 5 });
		expect(updates).toBe(1);
	});
});

describe('workspace document', () => {
	it('creates runs with a frozen template snapshot', () => {
		const doc = new Y.Doc();
		const tpl = adaptTemplate(DEFAULT_TEMPLATE, { id: 'org' });
		createRun(doc, { id: 'r1', label: suggestRunLabel(readRuns(doc)), template: tpl, startedAt: 1000 });
		tpl.dimensions[0]!.items[0]!.text.ca = 'changed later';
		createRun(doc, { id: 'r0', label: suggestRunLabel(readRuns(doc)), template: DEFAULT_TEMPLATE, startedAt: 5000 });
		const copy = reopen(doc);
		const runs = readRuns(copy);
		expect(runs.map((r) => [r.id, r.label, r.templateId, r.templateVersion])).toEqual([
			['r1', 'T0', 'org', 1],
			['r0', 'T1', DEFAULT_TEMPLATE.id, 1]
		]);
		expect(runs[0]!.template.dimensions[0]!.items[0]!.text.ca).toBe(DEFAULT_TEMPLATE.dimensions[0]!.items[0]!.text.ca);
		// readers get copies: mutating one does not touch the document
		runs[0]!.template.dimensions[0]!.items[0]!.text.ca = 'mutated';
		expect(readRun(copy, 'r1')!.template.dimensions[0]!.items[0]!.text.ca).not.toBe('mutated');
		expect(() => createRun(doc, { id: 'r1', label: 'again', template: DEFAULT_TEMPLATE, startedAt: 1 })).toThrow(/already exists/);
		expect(() => createRun(doc, { id: 'r9', label: 'bad', template: { ...DEFAULT_TEMPLATE, dimensions: [] }, startedAt: 1 })).toThrow(/Invalid template/);
		closeRun(doc, { id: 'r1', at: 9000 });
		renameRun(doc, { id: 'r1', label: 'T0 (tancada)' });
		expect(readRun(doc, 'r1')).toMatchObject({ label: 'T0 (tancada)', closedAt: 9000 });
		expect(() => closeRun(doc, { id: 'nope', at: 1 })).toThrow(/no run/);
	});

	it('per-item notes are root fragments that Tiptap can bind; the general notes stay at "notes"', () => {
		const a = new Y.Doc();
		const b = new Y.Doc();
		expect(itemNotesName('r1', 'D5.3')).toBe('notes:r1:D5.3');
		expect(engagementNotes(a)).toBe(a.getXmlFragment('notes'));
		itemNotes(a, 'r1', 'D5.3').insert(0, [paragraph('Fem servir un full de càlcul')]);
		engagementNotes(a).insert(0, [paragraph('Hola equip')]);
		// both start the same item's notes at once: both paragraphs survive
		itemNotes(b, 'r1', 'D1.1').insert(0, [paragraph('B first')]);
		itemNotes(a, 'r1', 'D1.1').insert(0, [paragraph('A first')]);
		syncAll(a, b);
		expect(listItemNotes(b)).toEqual([
			{ runId: 'r1', itemKey: 'D1.1' },
			{ runId: 'r1', itemKey: 'D5.3' }
		]);
		expect(fragmentText(itemNotes(b, 'r1', 'D5.3'))).toBe('Fem servir un full de càlcul');
		expect(fragmentText(itemNotes(b, 'r1', 'D1.1')).split('\n').sort()).toEqual(['A first', 'B first']);
		expect(readWorkspace(b)).toEqual(readWorkspace(a));
		expect(readWorkspace(b).notes).toBe('Hola equip');
	});
});
