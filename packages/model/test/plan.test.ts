import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import {
	ACTION_STATUSES,
	ACTION_TRANSITIONS,
	PlanValidationError,
	actionsInCycles,
	addAction,
	addComment,
	commentToAction,
	listComments,
	addFollowUp,
	addHypothesis,
	addObjective,
	canTransition,
	getAction,
	getHypothesis,
	kpiProgress,
	latestKpiValue,
	latestRag,
	listActions,
	listFollowUps,
	listHypotheses,
	listObjectives,
	removeAction,
	removeObjective,
	reviewHypothesis,
	reviewSince,
	setActionStatus,
	updateAction,
	updateHypothesis,
	updateObjective
} from '../src/index.ts';
import { reopen, size, syncAll } from './helpers.ts';

const members = ['anna', 'pau', 'marta'];

/** The PlanValidationError `fn` throws (fails the test if it throws something else or nothing). */
function err(fn: () => unknown): PlanValidationError {
	try {
		fn();
	} catch (e) {
		expect(e).toBeInstanceOf(PlanValidationError);
		return e as PlanValidationError;
	}
	throw new Error('expected a PlanValidationError');
}

function planDoc() {
	const doc = new Y.Doc();
	const obj = addObjective(doc, { title: 'Win 10 new customers', category: 'captacio', kpi: 'New customers', unit: 'customers', baseline: 2, target: 12 }, 'anna', { now: 1 });
	return { doc, obj };
}

describe('objectives', () => {
	it('stores category, SMART checklist, KPI and DAFO links and reads them back after reopening', () => {
		const { doc, obj } = planDoc();
		updateObjective(doc, obj, { smart: { specific: true, measurable: true }, linkedCards: ['card1', 'card2'], deadline: '2027-06-30' });
		const [o] = listObjectives(reopen(doc));
		expect(o).toMatchObject({
			id: obj,
			title: 'Win 10 new customers',
			category: 'captacio',
			kpi: 'New customers',
			unit: 'customers',
			baseline: 2,
			target: 12,
			deadline: '2027-06-30',
			smart: { specific: true, measurable: true, achievable: false, relevant: false, timeBound: false },
			linkedCards: ['card1', 'card2'],
			status: 'open',
			createdBy: 'anna'
		});
	});

	it('refuses bad input with a code and the field', () => {
		const doc = new Y.Doc();
		expect(err(() => addObjective(doc, { title: '  ', category: 'captacio' }))).toMatchObject({ code: 'required', field: 'title' });
		expect(err(() => addObjective(doc, { title: 'x', category: 'sales' as never }))).toMatchObject({ code: 'invalid', field: 'category' });
		expect(err(() => addObjective(doc, { title: 'x', category: 'captacio', baseline: 5, target: 5 }))).toMatchObject({ code: 'kpi_target_equals_baseline' });
		expect(err(() => addObjective(doc, { title: 'x', category: 'captacio', target: 'many' as never }))).toMatchObject({ code: 'number_invalid', field: 'target' });
		expect(err(() => addObjective(doc, { title: 'x', category: 'captacio', deadline: '2027-02-30' }))).toMatchObject({ code: 'date_invalid', field: 'deadline' });
		expect(listObjectives(doc)).toEqual([]);
	});

	it('removing an objective keeps its actions, unlinked', () => {
		const { doc, obj } = planDoc();
		const a = addAction(doc, { title: 'Call 20 co-ops', ownerId: 'pau', objectiveId: obj });
		removeObjective(doc, obj);
		expect(listObjectives(doc)).toEqual([]);
		expect(getAction(doc, a)).toMatchObject({ title: 'Call 20 co-ops', objectiveId: null });
	});
});

describe('actions', () => {
	it('needs exactly one owner, who must be an engagement member', () => {
		const { doc } = planDoc();
		expect(err(() => addAction(doc, { title: 'x', ownerId: '' }, null, { members }))).toMatchObject({ code: 'owner_required', field: 'ownerId' });
		expect(err(() => addAction(doc, { title: 'x', ownerId: 'stranger' }, null, { members }))).toMatchObject({ code: 'owner_not_member', field: 'ownerId' });
		expect(err(() => addAction(doc, { title: 'x', ownerId: ['anna', 'pau'] as never }, null, { members }))).toMatchObject({ code: 'owner_required' });
		const id = addAction(doc, { title: 'x', ownerId: 'anna' }, null, { members });
		expect(err(() => updateAction(doc, id, { ownerId: 'stranger' }, { members }))).toMatchObject({ code: 'owner_not_member' });
		expect(err(() => updateAction(doc, id, { ownerId: null as never }, { members }))).toMatchObject({ code: 'owner_required' });
		updateAction(doc, id, { ownerId: 'marta' }, { members });
		expect(getAction(doc, id)?.ownerId).toBe('marta');
	});

	it('keeps dates, priority, budget, hours and the objective link; due cannot be before start', () => {
		const { doc, obj } = planDoc();
		const id = addAction(doc, { title: 'Fair stand', ownerId: 'anna', objectiveId: obj, start: '2027-01-10', due: '2027-02-01', priority: 'high', budgetEur: 350.5, estTeamHours: 12 });
		expect(getAction(reopen(doc), id)).toMatchObject({ start: '2027-01-10', due: '2027-02-01', priority: 'high', budgetEur: 350.5, estTeamHours: 12, objectiveId: obj, status: 'todo' });
		expect(err(() => updateAction(doc, id, { due: '2027-01-01' }))).toMatchObject({ code: 'due_before_start', field: 'due' });
		expect(err(() => updateAction(doc, id, { budgetEur: -1 }))).toMatchObject({ code: 'number_invalid', field: 'budgetEur' });
		expect(err(() => addAction(doc, { title: 'x', ownerId: 'anna', objectiveId: 'nope' }))).toMatchObject({ code: 'not_found', field: 'objectiveId' });
		expect(getAction(doc, id)?.due).toBe('2027-02-01');
	});

	it('allows only the listed status transitions', () => {
		const { doc } = planDoc();
		const id = addAction(doc, { title: 'x', ownerId: 'anna' });
		expect(err(() => setActionStatus(doc, id, 'done'))).toMatchObject({ code: 'transition_not_allowed', field: 'status' });
		setActionStatus(doc, id, 'doing');
		setActionStatus(doc, id, 'blocked');
		expect(err(() => setActionStatus(doc, id, 'done')).message).toMatch(/cannot go from blocked to done/);
		setActionStatus(doc, id, 'doing');
		setActionStatus(doc, id, 'done');
		expect(err(() => setActionStatus(doc, id, 'todo'))).toMatchObject({ code: 'transition_not_allowed' });
		setActionStatus(doc, id, 'doing'); // reopen
		setActionStatus(doc, id, 'dropped');
		setActionStatus(doc, id, 'todo'); // restore
		expect(getAction(doc, id)?.status).toBe('todo');
		// the table is closed: every target is a known status, and staying is always allowed
		for (const s of ACTION_STATUSES) {
			expect(canTransition(s, s)).toBe(true);
			for (const t of ACTION_TRANSITIONS[s]) expect(ACTION_STATUSES).toContain(t);
		}
	});

	it('refuses dependency cycles and done before its dependencies', () => {
		const { doc } = planDoc();
		const a = addAction(doc, { title: 'A', ownerId: 'anna' });
		const b = addAction(doc, { title: 'B', ownerId: 'anna', dependsOn: [a] });
		const c = addAction(doc, { title: 'C', ownerId: 'anna', dependsOn: [b] });
		expect(err(() => updateAction(doc, a, { dependsOn: [c] }))).toMatchObject({ code: 'dependency_cycle', message: 'dependencies would form a cycle: A -> C -> B -> A' });
		expect(err(() => updateAction(doc, a, { dependsOn: [a] }))).toMatchObject({ code: 'dependency_self' });
		expect(err(() => updateAction(doc, a, { dependsOn: ['ghost'] }))).toMatchObject({ code: 'dependency_unknown' });
		setActionStatus(doc, b, 'doing');
		expect(err(() => setActionStatus(doc, b, 'done'))).toMatchObject({ code: 'dependencies_not_done', message: expect.stringContaining('A') });
		setActionStatus(doc, a, 'doing');
		setActionStatus(doc, a, 'done');
		setActionStatus(doc, b, 'done');
		// removing an action drops it from the others' dependencies
		removeAction(doc, b);
		expect(getAction(doc, c)?.dependsOn).toEqual([]);
	});

	it('flags a cycle made by two replicas concurrently (each edge was fine alone)', () => {
		const { doc } = planDoc();
		const a = addAction(doc, { title: 'A', ownerId: 'anna' });
		const b = addAction(doc, { title: 'B', ownerId: 'anna' });
		const other = reopen(doc);
		updateAction(doc, a, { dependsOn: [b] });
		updateAction(other, b, { dependsOn: [a] });
		syncAll(doc, other);
		expect(actionsInCycles(listActions(doc))).toEqual(new Set([a, b]));
	});

	it('concurrent edits of different fields of one action both survive; the same text field merges', () => {
		const { doc } = planDoc();
		const id = addAction(doc, { title: 'Mailing', ownerId: 'anna' });
		const other = reopen(doc);
		updateAction(doc, id, { due: '2027-03-01' }, { now: 10 });
		updateAction(other, id, { ownerId: 'pau', title: 'Mailing to co-ops' }, { now: 11 });
		updateAction(doc, id, { title: 'Mailing to schools' }, { now: 12 });
		syncAll(doc, other);
		expect(getAction(doc, id)).toEqual(getAction(other, id));
		// The title is a Y.Text: both additions stay (with LWW strings one of them was lost).
		const a = getAction(doc, id)!;
		expect(a).toMatchObject({ due: '2027-03-01', ownerId: 'pau' });
		expect([a.title]).toContainEqual(expect.stringMatching(/^Mailing( to co-ops to schools| to schools to co-ops)$/));
	});

	it('repeated edits do not grow the document without bound', () => {
		const { doc } = planDoc();
		const id = addAction(doc, { title: 'x', ownerId: 'anna' });
		const before = size(doc);
		for (let i = 0; i < 500; i++) updateAction(doc, id, { title: `title ${i}` });
		const afterTitles = size(doc);
		expect(afterTitles - before).toBeLessThan(400);
		for (let i = 0; i < 500; i++) updateAction(doc, id, { estTeamHours: i });
		expect(size(doc) - afterTitles).toBeLessThan(400);
	});
});

describe('follow-ups and KPI progress', () => {
	it('kpiProgress = (value - baseline) / (target - baseline), for increasing and decreasing KPIs', () => {
		expect(kpiProgress(2, 12, 7)).toBe(0.5);
		expect(kpiProgress(2, 12, 12)).toBe(1);
		expect(kpiProgress(2, 12, 0)).toBe(-0.2);
		// decreasing: top-5 customer share from 60 % to 40 %
		expect(kpiProgress(60, 40, 50)).toBe(0.5);
		expect(kpiProgress(60, 40, 35)).toBe(1.25);
		expect(kpiProgress(60, 40, 65)).toBe(-0.25);
		expect(kpiProgress(5, 5, 6)).toBeNull();
		expect(kpiProgress(null, 5, 6)).toBeNull();
		expect(kpiProgress(1, 5, null)).toBeNull();
	});

	it('dated entries with progress, KPI value, RAG, blockers and next step; latest by date wins', () => {
		const { doc, obj } = planDoc();
		const act = addAction(doc, { title: 'x', ownerId: 'anna', objectiveId: obj });
		addFollowUp(doc, { targetType: 'objective', targetId: obj, date: '2027-03-01', kpiValue: 7, rag: 'amber', blockers: 'no list', nextStep: 'buy a list' }, 'pau', { now: 5 });
		addFollowUp(doc, { targetType: 'objective', targetId: obj, date: '2027-01-01', kpiValue: 4, rag: 'red' }, 'pau', { now: 6 });
		addFollowUp(doc, { targetType: 'action', targetId: act, date: '2027-01-15', progressPct: 40, rag: 'green' }, 'anna');
		const all = listFollowUps(reopen(doc));
		expect(all.map((f) => f.date)).toEqual(['2027-01-01', '2027-01-15', '2027-03-01']);
		expect(all[2]).toMatchObject({ kpiValue: 7, rag: 'amber', blockers: 'no list', nextStep: 'buy a list', authorId: 'pau' });
		expect(latestKpiValue(all, obj)).toEqual({ value: 7, date: '2027-03-01' });
		expect(latestRag(all, 'objective', obj)).toBe('amber');
		expect(latestRag(all, 'action', act)).toBe('green');
		expect(listFollowUps(doc, { type: 'action', id: act })).toHaveLength(1);
		expect(err(() => addFollowUp(doc, { targetType: 'action', targetId: act, date: '2027-01-15', progressPct: 140, rag: 'green' }))).toMatchObject({ code: 'number_invalid', field: 'progressPct' });
		expect(err(() => addFollowUp(doc, { targetType: 'action', targetId: act, date: '', rag: 'green' }))).toMatchObject({ code: 'required', field: 'date' });
		expect(err(() => addFollowUp(doc, { targetType: 'action', targetId: act, date: '2027-01-15', rag: 'blue' as never }))).toMatchObject({ code: 'invalid', field: 'rag' });
		expect(err(() => addFollowUp(doc, { targetType: 'action', targetId: 'ghost', date: '2027-01-15', rag: 'green' }))).toMatchObject({ code: 'not_found' });
	});
});

describe('review of last session actions', () => {
	it('lists what was due, what got done and what is blocked since the previous session', () => {
		const doc = new Y.Doc();
		const t = (d: string) => Date.parse(d + 'T12:00:00Z');
		const due = addAction(doc, { title: 'due in window', ownerId: 'anna', due: '2027-02-10' }, null, { now: t('2027-01-01') });
		addAction(doc, { title: 'due later', ownerId: 'anna', due: '2027-05-01' }, null, { now: t('2027-01-01') });
		const old = addAction(doc, { title: 'overdue', ownerId: 'anna', due: '2027-01-05' }, null, { now: t('2027-01-01') });
		const done = addAction(doc, { title: 'done in window', ownerId: 'anna' }, null, { now: t('2027-01-01') });
		setActionStatus(doc, done, 'doing', { now: t('2027-01-20') });
		setActionStatus(doc, done, 'done', { now: t('2027-02-05') });
		const blocked = addAction(doc, { title: 'blocked', ownerId: 'anna' }, null, { now: t('2027-01-01') });
		setActionStatus(doc, blocked, 'blocked', { now: t('2027-01-02') });
		const r = reviewSince(listActions(doc), t('2027-02-01'), t('2027-02-15'));
		expect(r.due.map((a) => a.id)).toEqual([due]);
		expect(r.done.map((a) => a.id)).toEqual([done]);
		expect(r.blocked.map((a) => a.id)).toEqual([blocked]);
		expect(r.overdue.map((a) => a.id)).toEqual([old, due]);
	});
});

describe('hypotheses', () => {
	it('"We believe that..." statements with type, importance, evidence, test, metric, threshold, owner and deadline', () => {
		const doc = new Y.Doc();
		const h1 = addHypothesis(doc, { statement: 'Creiem que les escoles compraran material reciclat perquè ho demanen les famílies', type: 'desirability', importance: 3, initialEvidence: 1, test: '10 calls', metric: 'orders', successCriterion: '>= 3 orders', ownerId: 'anna', deadline: '2027-06-01' }, 'anna', { members });
		const h2 = addHypothesis(doc, { statement: 'We believe that public tenders are within reach', type: 'ess_fit' });
		expect(listHypotheses(reopen(doc)).map((h) => [h.code, h.id])).toEqual([
			['H1', h1],
			['H2', h2]
		]);
		expect(getHypothesis(doc, h1)).toMatchObject({ type: 'desirability', importance: 3, initialEvidence: 1, test: '10 calls', metric: 'orders', successCriterion: '>= 3 orders', ownerId: 'anna', deadline: '2027-06-01', status: 'proposed', review: null });
		expect(err(() => addHypothesis(doc, { statement: 'Schools will buy', type: 'viability' }))).toMatchObject({ code: 'statement_prefix', field: 'statement' });
		expect(err(() => addHypothesis(doc, { statement: 'Creemos que', type: 'viability' }))).toMatchObject({ code: 'statement_prefix' });
		expect(err(() => addHypothesis(doc, { statement: 'We believe that x y z', type: 'viability', importance: 4 }))).toMatchObject({ code: 'number_invalid', field: 'importance' });
		expect(err(() => addHypothesis(doc, { statement: 'We believe that x y z', type: 'viability', ownerId: 'stranger' }, null, { members }))).toMatchObject({ code: 'owner_not_member' });
	});

	it('moves through statuses during the year and is reviewed with a learning card and a decision', () => {
		const doc = new Y.Doc();
		const h = addHypothesis(doc, { statement: 'We believe that co-ops will share a stand', type: 'feasibility' });
		updateHypothesis(doc, h, { status: 'testing' });
		expect(err(() => reviewHypothesis(doc, h, { observed: '', learned: 'x', decision: 'persevere' }))).toMatchObject({ code: 'review_incomplete', field: 'observed' });
		expect(err(() => reviewHypothesis(doc, h, { observed: 'x', learned: 'y', decision: 'maybe' as never }))).toMatchObject({ code: 'review_incomplete', field: 'decision' });
		reviewHypothesis(doc, h, { observed: '3 of 5 co-ops came', learned: 'sharing works for fairs', nextStep: 'repeat in spring', decision: 'persevere', confidence: 'medium' }, 'marta', { now: 99 });
		expect(getHypothesis(reopen(doc), h)).toMatchObject({
			status: 'validated',
			review: { learning: { observed: '3 of 5 co-ops came', learned: 'sharing works for fairs', nextStep: 'repeat in spring' }, decision: 'persevere', confidence: 'medium', reviewedAt: 99, reviewedBy: 'marta' }
		});
		reviewHypothesis(doc, h, { observed: 'mixed', learned: 'too early', decision: 'keep_testing', status: 'inconclusive' });
		expect(getHypothesis(doc, h)).toMatchObject({ status: 'inconclusive', review: { decision: 'keep_testing' } });
	});
});

describe('comments', () => {
	it('a comment becomes an action in one step, under the same objective, and only once', () => {
		const { doc, obj } = planDoc();
		const c = addComment(doc, { targetType: 'objective', targetId: obj, text: 'Ask the market fair for a shared stand\nthey answer in March' }, 'pau');
		expect(err(() => commentToAction(doc, c, { ownerId: 'stranger' }, 'pau', { members }))).toMatchObject({ code: 'owner_not_member' });
		expect(listActions(doc)).toEqual([]);
		const a = commentToAction(doc, c, { ownerId: 'marta', due: '2027-03-31' }, 'pau', { members });
		expect(getAction(doc, a)).toMatchObject({ title: 'Ask the market fair for a shared stand', description: 'Ask the market fair for a shared stand\nthey answer in March', ownerId: 'marta', objectiveId: obj, due: '2027-03-31', source: { kind: 'comment', id: c } });
		expect(listComments(doc, { type: 'objective', id: obj })[0]?.actionId).toBe(a);
		expect(err(() => commentToAction(doc, c, { ownerId: 'marta' }))).toMatchObject({ code: 'invalid' });
		expect(err(() => addComment(doc, { targetType: 'objective', targetId: obj, text: ' ' }))).toMatchObject({ code: 'required', field: 'text' });
	});
});

describe('convergence', () => {
	it('three replicas editing the plan concurrently in random order read the same plan after syncing', () => {
		let seed = 20261127;
		const rnd = () => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
		const pick = <T>(xs: readonly T[]) => xs[Math.floor(rnd() * xs.length)]!;
		for (let run = 0; run < 20; run++) {
			const { doc: a } = planDoc();
			const ids = [addAction(a, { title: 'A0', ownerId: 'anna' }), addAction(a, { title: 'A1', ownerId: 'pau' })];
			const b = reopen(a);
			const c = reopen(a);
			const replicas = [a, b, c];
			for (let step = 0; step < 30; step++) {
				const r = pick(replicas);
				const id = pick(ids);
				const now = Math.floor(rnd() * 1000);
				// Refused writes (e.g. a transition not allowed from the local status) are part of the game.
				try {
					switch (Math.floor(rnd() * 5)) {
						case 0:
							updateAction(r, id, { title: `t${step}` }, { now });
							break;
						case 1:
							updateAction(r, id, { ownerId: pick(members) }, { now });
							break;
						case 2:
							setActionStatus(r, id, pick(['todo', 'doing', 'blocked', 'done'] as const), { now });
							break;
						case 3:
							updateAction(r, id, { dependsOn: rnd() < 0.5 ? [] : ids.filter((x) => x !== id) }, { now });
							break;
						default:
							if (rnd() < 0.3) syncAll(r, pick(replicas));
					}
				} catch (e) {
					expect(e).toBeInstanceOf(PlanValidationError);
				}
			}
			syncAll(...replicas);
			const seen = replicas.map((d) => JSON.stringify(listActions(d)));
			expect(seen[1]).toBe(seen[0]);
			expect(seen[2]).toBe(seen[0]);
		}
	});
});
