// The plan and hypotheses live in the workspace document: members co-edit them live, observers only read.
// Real server, real y-websocket clients: an observer's writes to the plan (through the same model API the
// web app uses) are neither applied for others, stored, nor seen by a fresh client.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eq } from 'drizzle-orm';
import { docUpdates } from '@teixit/db';
import {
	actionText,
	addAction,
	addCard,
	addFollowUp,
	addHypothesis,
	addObjective,
	addStrategy,
	getAction,
	getHypothesis,
	getObjective,
	linkCardTo,
	linkStrategyTo,
	listActions,
	listFollowUps,
	listHypotheses,
	listObjectives,
	readCard,
	readStrategies,
	setActionStatus,
	setCardFields,
	setText,
	updateAction,
	updateStrategy
} from '@teixit/model';
import { startApp, type TestApp } from '../utils/app.ts';
import { castOf, type Cast } from '../utils/people.ts';
import { connect, synced, type Client } from '../utils/yclient.ts';
import { eventually } from '../utils/wait.ts';

let t: TestApp;
let cast: Cast;
const clients: Client[] = [];
const open = (cookie: string | null) => {
	const c = connect(t.wsUrl, cast.docName, { cookie });
	clients.push(c);
	return c;
};

beforeAll(async () => {
	t = await startApp();
	cast = await castOf(t);
});
afterAll(async () => {
	for (const c of clients) c.destroy();
	await t?.close();
});

describe('plan roles', () => {
	it('members build the plan live; an observer cannot change it', async () => {
		const facilitator = open(cast.facilitator.cookie);
		const member = open(cast.member.cookie);
		const observer = open(cast.observer.cookie);
		await Promise.all([synced(facilitator), synced(member), synced(observer)]);
		const members = [cast.ids.facilitator, cast.ids.member];

		// A facilitator and a member write; everyone (the observer included) sees it live.
		const obj = addObjective(facilitator.doc, { title: 'Win 10 schools', category: 'captacio', baseline: 0, target: 10 }, cast.ids.facilitator);
		const act = addAction(member.doc, { title: 'Call 20 schools', ownerId: cast.ids.member, objectiveId: null }, cast.ids.member, { members });
		await eventually(() => {
			for (const c of [facilitator, member, observer]) {
				expect(listObjectives(c.doc).map((o) => o.id)).toEqual([obj]);
				expect(listActions(c.doc).map((a) => a.id)).toEqual([act]);
			}
		});
		const stored = async () => (await t.database.db.select().from(docUpdates).where(eq(docUpdates.docName, cast.docName))).length;
		// Wait for both writers' updates to be stored before counting.
		await eventually(async () => expect(await stored()).toBeGreaterThanOrEqual(2));
		await new Promise((r) => setTimeout(r, 300));
		const before = await stored();

		// The observer's client is stock y-websocket: the model API writes locally and the provider sends it.
		setActionStatus(observer.doc, act, 'doing');
		updateAction(observer.doc, act, { title: 'OBSERVER WAS HERE' });
		addObjective(observer.doc, { title: 'Observer objective', category: 'posicionament' }, cast.ids.observer);
		addHypothesis(observer.doc, { statement: 'We believe that observers can write', type: 'viability' });
		addFollowUp(observer.doc, { targetType: 'objective', targetId: obj, date: '2027-01-01', kpiValue: 9, rag: 'green' });
		expect(getAction(observer.doc, act)?.title).toBe('OBSERVER WAS HERE'); // locally, yes

		// A member's write after that still arrives (the connection works), the observer's do not.
		updateAction(member.doc, act, { due: '2027-02-01' });
		await eventually(() => expect(getAction(facilitator.doc, act)?.due).toBe('2027-02-01'));
		await new Promise((r) => setTimeout(r, 300));
		for (const c of [facilitator, member]) {
			expect(getAction(c.doc, act)).toMatchObject({ title: 'Call 20 schools', status: 'todo' });
			expect(listObjectives(c.doc).map((o) => o.title)).toEqual(['Win 10 schools']);
			expect(listHypotheses(c.doc)).toEqual([]);
			expect(listFollowUps(c.doc)).toEqual([]);
		}
		const rows = await t.database.db.select().from(docUpdates).where(eq(docUpdates.docName, cast.docName));
		expect(rows.length).toBe(before + 1);
		expect(rows.some((r) => r.userId === cast.ids.observer)).toBe(false);

		// A fresh client loads what the server stored: the plan without the observer's changes.
		const fresh = open(cast.member.cookie);
		await synced(fresh);
		expect(getAction(fresh.doc, act)).toMatchObject({ title: 'Call 20 schools', status: 'todo', due: '2027-02-01', ownerId: cast.ids.member });
		expect(listObjectives(fresh.doc).map((o) => o.title)).toEqual(['Win 10 schools']);
		expect(listHypotheses(fresh.doc)).toEqual([]);
		expect(listFollowUps(fresh.doc)).toEqual([]);
	});

	it('two people typing in one action title at once through the server both keep their words, live and stored', async () => {
		const a = open(cast.facilitator.cookie);
		const b = open(cast.member.cookie);
		await Promise.all([synced(a), synced(b)]);
		const act = addAction(a.doc, { title: 'Visit', ownerId: cast.ids.member }, cast.ids.facilitator);
		await eventually(() => expect(actionText(b.doc, act, 'title')?.toString()).toBe('Visit'));
		const ta = actionText(a.doc, act, 'title')!;
		const tb = actionText(b.doc, act, 'title')!;
		// Keystrokes of both, each sent as it is typed: one appends, the other writes at the start.
		const end = ' the fair';
		const start = 'Go: ';
		for (let i = 0; i < end.length; i++) {
			setText(ta, ta.toString() + end[i]);
			if (i < start.length) setText(tb, start.slice(0, i + 1) + tb.toString().slice(i));
		}
		await eventually(() => {
			for (const c of [a, b]) expect(getAction(c.doc, act)?.title).toBe('Go: Visit the fair');
		});
		const fresh = open(cast.observer.cookie);
		await synced(fresh);
		expect(getAction(fresh.doc, act)?.title).toBe('Go: Visit the fair');
	});

	it("the DAFO card fields, cross strategies and their links: members write them live, an observer's writes are refused", async () => {
		const facilitator = open(cast.facilitator.cookie);
		const member = open(cast.member.cookie);
		const observer = open(cast.observer.cookie);
		await Promise.all([synced(facilitator), synced(member), synced(observer)]);

		addCard(facilitator.doc, { id: 'cardo1', quadrant: 'O', text: 'Public tenders with social clauses', createdAt: 1 });
		addCard(facilitator.doc, { id: 'cardf1', quadrant: 'F', text: 'Committed team', createdAt: 1 });
		const obj = addObjective(facilitator.doc, { title: 'Win tenders', category: 'compra_publica' }, cast.ids.facilitator);
		const hyp = addHypothesis(facilitator.doc, { statement: 'We believe that schools buy local', type: 'desirability' });
		await eventually(() => expect(readCard(member.doc, 'cardf1')).not.toBeNull());
		setCardFields(member.doc, 'cardo1', { impact: 2, likelihood: 3, evidence: '3 tenders in 2025', sourceType: 'external' });
		addStrategy(member.doc, { id: 'strat1', strategy: 'offensive', cards: ['cardf1', 'cardo1'], text: 'Bid as a team', createdAt: 2 });
		await eventually(() => {
			for (const c of [facilitator, member, observer]) {
				expect(readCard(c.doc, 'cardo1')).toMatchObject({ impact: 2, likelihood: 3, sourceType: 'external' });
				expect(readStrategies(c.doc).map((x) => x.id)).toEqual(['strat1']);
				expect(getHypothesis(c.doc, hyp)).not.toBeNull();
			}
		});

		// The observer tries every new write through the model API (it applies locally, the server drops it).
		setCardFields(observer.doc, 'cardo1', { impact: 1, likelihood: 1, evidence: 'OBSERVER', sourceType: 'session' });
		setCardFields(observer.doc, 'cardf1', { impact: 3 });
		updateStrategy(observer.doc, 'strat1', { text: 'OBSERVER WAS HERE' });
		addStrategy(observer.doc, { id: 'strat2', strategy: 'offensive', cards: ['cardf1', 'cardo1'], createdAt: 3 });
		linkStrategyTo(observer.doc, { strategyId: 'strat1', kind: 'objective', targetId: obj, linked: true });
		linkCardTo(observer.doc, { cardId: 'cardo1', kind: 'objective', targetId: obj, linked: true });
		linkCardTo(observer.doc, { cardId: 'cardo1', kind: 'hypothesis', targetId: hyp, linked: true });
		expect(readCard(observer.doc, 'cardo1')).toMatchObject({ impact: 1, evidence: 'OBSERVER' }); // locally, yes

		// A member's write after that still arrives; none of the observer's do.
		setCardFields(member.doc, 'cardf1', { impact: 2 });
		await eventually(() => expect(readCard(facilitator.doc, 'cardf1')?.impact).toBe(2));
		await new Promise((r) => setTimeout(r, 300));
		const fresh = open(cast.member.cookie);
		await synced(fresh);
		for (const c of [facilitator, member, fresh]) {
			expect(readCard(c.doc, 'cardo1')).toMatchObject({ impact: 2, likelihood: 3, evidence: '3 tenders in 2025', sourceType: 'external' });
			expect(readCard(c.doc, 'cardf1')?.impact).toBe(2);
			expect(readStrategies(c.doc).map((x) => [x.id, x.text])).toEqual([['strat1', 'Bid as a team']]);
			expect(getObjective(c.doc, obj)).toMatchObject({ linkedCards: [], linkedStrategies: [] });
			expect(getHypothesis(c.doc, hyp)?.linkedCards).toEqual([]);
		}
	});
});
