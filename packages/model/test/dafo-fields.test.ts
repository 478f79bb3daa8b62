// DAFO card fields (impact, likelihood on O/A only, evidence, source type), cross strategies (CAME, A3.2)
// and the links cards and strategies keep with objectives, actions and hypotheses.
import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import {
	addCard,
	addHypothesis,
	addObjective,
	addAction,
	addStrategy,
	comparePriority,
	isPlanValidationError,
	linkCardTo,
	linkStrategyTo,
	listObjectives,
	MIGRATIONS,
	migrate,
	readMeta,
	moveCard,
	readCame,
	readCard,
	readStrategies,
	readStrategyViews,
	removeStrategy,
	setCardFields,
	setCardStatus,
	updateStrategy,
	type PlanErrorCode
} from '../src/index.ts';
import { reopen, syncAll } from './helpers.ts';

const card = (doc: Y.Doc, id: string, quadrant: 'D' | 'A' | 'F' | 'O') => addCard(doc, { id, quadrant, text: id, createdAt: 1 });

/** The code of the PlanValidationError `fn` throws. */
function codeOf(fn: () => unknown): PlanErrorCode | 'none' | 'other' {
	try {
		fn();
		return 'none';
	} catch (e) {
		return isPlanValidationError(e) ? e.code : 'other';
	}
}

describe('DAFO card fields (A3.2)', () => {
	it('impact on every card, likelihood only on opportunities and threats; both 1..3; they survive a reopen', () => {
		const doc = new Y.Doc();
		card(doc, 'o1', 'O');
		card(doc, 'f1', 'F');
		setCardFields(doc, 'o1', { impact: 3, likelihood: 2, evidence: '  3 tenders in 2025  ', sourceType: 'external' });
		setCardFields(doc, 'f1', { impact: 1, sourceType: 'session' });
		const again = reopen(doc);
		expect(readCard(again, 'o1')).toMatchObject({ impact: 3, likelihood: 2, evidence: '3 tenders in 2025', sourceType: 'external' });
		expect(readCard(again, 'f1')).toMatchObject({ impact: 1, sourceType: 'session' });
		expect(readCard(again, 'f1')!.likelihood).toBeUndefined();

		expect(codeOf(() => setCardFields(doc, 'f1', { likelihood: 2 }))).toBe('likelihood_internal');
		expect(() => setCardFields(doc, 'f1', { likelihood: 2 })).toThrow(/only opportunities and threats/);
		expect(codeOf(() => setCardFields(doc, 'o1', { impact: 4 as 3 }))).toBe('number_invalid');
		expect(codeOf(() => setCardFields(doc, 'o1', { likelihood: 0 as 1 }))).toBe('number_invalid');
		expect(codeOf(() => setCardFields(doc, 'o1', { evidence: 'x'.repeat(501) }))).toBe('too_long');
		expect(codeOf(() => setCardFields(doc, 'o1', { sourceType: 'rumour' as 'session' }))).toBe('invalid');
		expect(codeOf(() => setCardFields(doc, 'nope', { impact: 1 }))).toBe('not_found');
		// Clearing a field is allowed (null), on any card.
		setCardFields(doc, 'f1', { likelihood: null, impact: null, evidence: '' });
		expect(readCard(doc, 'f1')).not.toHaveProperty('impact');
		expect(readCard(doc, 'f1')).not.toHaveProperty('evidence');
		// A refused write changes nothing.
		expect(readCard(doc, 'o1')).toMatchObject({ impact: 3, likelihood: 2 });
	});

	it('a likelihood stops counting when its card moves to an internal quadrant, and comes back if it returns', () => {
		const doc = new Y.Doc();
		card(doc, 'o1', 'O');
		setCardFields(doc, 'o1', { likelihood: 3 });
		moveCard(doc, 'o1', 'D');
		expect(readCard(doc, 'o1')!.likelihood).toBeUndefined();
		moveCard(doc, 'o1', 'A');
		expect(readCard(doc, 'o1')!.likelihood).toBe(3);
	});

	it('two people rating different fields of one card both keep their change', () => {
		const a = new Y.Doc();
		const b = new Y.Doc();
		card(a, 'a1', 'A');
		syncAll(a, b);
		setCardFields(a, 'a1', { impact: 2 });
		setCardFields(b, 'a1', { likelihood: 3, evidence: 'new competitor' });
		syncAll(a, b);
		for (const d of [a, b]) expect(readCard(d, 'a1')).toMatchObject({ impact: 2, likelihood: 3, evidence: 'new competitor' });
	});

	it('prioritisation order: votes, then impact, then likelihood, then board order', () => {
		const doc = new Y.Doc();
		for (const id of ['a', 'b', 'c', 'd']) card(doc, id, 'O');
		setCardFields(doc, 'b', { impact: 3, likelihood: 1 });
		setCardFields(doc, 'c', { impact: 3, likelihood: 3 });
		setCardFields(doc, 'd', { impact: 1 });
		const cards = readCame(doc).map((x) => x.card);
		expect([...cards].sort(comparePriority(null)).map((c) => c.id)).toEqual(['c', 'b', 'd', 'a']);
		expect([...cards].sort(comparePriority({ a: 2, d: 2, b: 1 })).map((c) => c.id)).toEqual(['d', 'a', 'b', 'c']);
	});
});

describe('cross strategies (CAME, A3.2)', () => {
	const board = () => {
		const doc = new Y.Doc();
		card(doc, 'f1', 'F');
		card(doc, 'd1', 'D');
		card(doc, 'o1', 'O');
		card(doc, 'a1', 'A');
		return doc;
	};

	it('pairs a card of each of its two quadrants, in either order; other pairs are refused clearly', () => {
		const doc = board();
		addStrategy(doc, { id: 's1', strategy: 'offensive', cards: ['o1', 'f1'], text: 'Bid with our team', createdAt: 2, createdBy: 'anna' });
		addStrategy(doc, { id: 's2', strategy: 'survival', cards: ['d1', 'a1'], createdAt: 3 });
		expect(readStrategies(reopen(doc))).toEqual([
			{ id: 's1', strategy: 'offensive', internalCardId: 'f1', externalCardId: 'o1', text: 'Bid with our team', createdAt: 2, createdBy: 'anna' },
			{ id: 's2', strategy: 'survival', internalCardId: 'd1', externalCardId: 'a1', text: '', createdAt: 3 }
		]);
		expect(codeOf(() => addStrategy(doc, { id: 's3', strategy: 'offensive', cards: ['d1', 'o1'], createdAt: 4 }))).toBe('strategy_quadrants');
		expect(() => addStrategy(doc, { id: 's3', strategy: 'defensive', cards: ['f1', 'o1'], createdAt: 4 })).toThrow(/pairs a F card with an A card \(got F \+ O\)/);
		expect(codeOf(() => addStrategy(doc, { id: 's3', strategy: 'reorientation', cards: ['f1', 'd1'], createdAt: 4 }))).toBe('strategy_quadrants');
		expect(codeOf(() => addStrategy(doc, { id: 's3', strategy: 'reorientation', cards: ['d1', 'nope'], createdAt: 4 }))).toBe('not_found');
		expect(codeOf(() => addStrategy(doc, { id: 's3', strategy: 'reorientation', cards: ['d1', 'o1'], text: 'x'.repeat(501), createdAt: 4 }))).toBe('too_long');
		expect(codeOf(() => addStrategy(doc, { id: 's1', strategy: 'reorientation', cards: ['d1', 'o1'], createdAt: 4 }))).toBe('invalid');
		expect(readStrategies(doc)).toHaveLength(2);
	});

	it('edits text and pair (checked against the type), links objectives and actions, and removes cleanly', () => {
		const a = board();
		const b = new Y.Doc();
		addStrategy(a, { id: 's1', strategy: 'reorientation', cards: ['d1', 'o1'], createdAt: 2 });
		const obj = addObjective(a, { title: 'Public tenders', category: 'compra_publica' }, 'anna');
		const act = addAction(a, { title: 'Train on tenders', ownerId: 'anna' }, 'anna');
		syncAll(a, b);
		updateStrategy(b, 's1', { text: 'Learn tendering' });
		linkStrategyTo(a, { strategyId: 's1', kind: 'objective', targetId: obj, linked: true });
		linkStrategyTo(b, { strategyId: 's1', kind: 'action', targetId: act, linked: true });
		syncAll(a, b);
		const [view] = readStrategyViews(a);
		expect(view).toMatchObject({ consistent: true, strategy: { text: 'Learn tendering' } });
		expect(view!.objectives.map((o) => o.id)).toEqual([obj]);
		expect(view!.actions.map((x) => x.id)).toEqual([act]);
		expect(codeOf(() => updateStrategy(a, 's1', { cards: ['f1', 'o1'] }))).toBe('strategy_quadrants');
		updateStrategy(a, 's1', { strategy: 'offensive', cards: ['f1', 'o1'] });
		expect(readStrategies(a)[0]).toMatchObject({ strategy: 'offensive', internalCardId: 'f1' });
		// A card moved or archived later: the strategy stays, flagged.
		moveCard(a, 'o1', 'A');
		expect(readStrategyViews(a)[0]!.consistent).toBe(false);
		moveCard(a, 'o1', 'O');
		setCardStatus(a, 'f1', 'archived');
		expect(readStrategyViews(a)[0]!.consistent).toBe(false);
		expect(codeOf(() => linkStrategyTo(a, { strategyId: 'nope', kind: 'action', targetId: act, linked: true }))).toBe('not_found');
		removeStrategy(a, 's1');
		expect(readStrategies(a)).toEqual([]);
		expect(listObjectives(a)[0]!.linkedStrategies).toEqual([]);
		expect(codeOf(() => removeStrategy(a, 's1'))).toBe('not_found');
	});
});

describe('card <-> hypothesis links', () => {
	it('links and unlinks a hypothesis to a card; the card reads it back', () => {
		const doc = new Y.Doc();
		card(doc, 'o1', 'O');
		const h = addHypothesis(doc, { statement: 'We believe that schools will buy local', type: 'desirability' });
		linkCardTo(doc, { cardId: 'o1', kind: 'hypothesis', targetId: h, linked: true });
		linkCardTo(doc, { cardId: 'o1', kind: 'hypothesis', targetId: h, linked: true });
		expect(readCame(doc)[0]!.hypotheses.map((x) => [x.id, x.linkedCards])).toEqual([[h, ['o1']]]);
		linkCardTo(doc, { cardId: 'o1', kind: 'hypothesis', targetId: h, linked: false });
		expect(readCame(doc)[0]!.hypotheses).toEqual([]);
		expect(codeOf(() => linkCardTo(doc, { cardId: 'o1', kind: 'hypothesis', targetId: 'nope', linked: true }))).toBe('not_found');
	});
});

describe('migration workspace/005-dafo-strategies', () => {
	it('a v3 board (cards without the new fields) opens unchanged at v5', () => {
		const old = new Y.Doc();
		migrate(old, 'workspace', { migrations: MIGRATIONS.workspace.filter((m) => m.version <= 3), now: 1 });
		card(old, 'o1', 'O');
		const before = readCard(old, 'o1');
		const doc = reopen(old);
		expect(migrate(doc, 'workspace', { now: 2 }).status).toBe('upgraded');
		expect(readMeta(doc)).toMatchObject({ schemaVersion: 5 });
		expect(readMeta(doc).applied).toContain('workspace/005-dafo-strategies');
		expect(readCard(doc, 'o1')).toEqual(before);
		expect(readStrategies(doc)).toEqual([]);
	});
});
