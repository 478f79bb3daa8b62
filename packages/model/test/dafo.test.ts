import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import {
	addCard,
	addCluster,
	assignCluster,
	cameResponse,
	closeVote,
	countVotes,
	crossStrategy,
	dotsLeft,
	isCameConsistent,
	latestVoteTotals,
	cardToAction,
	cardToObjective,
	linkCardTo,
	readCame,
	titleFromCard,
	markPrivateCardPublished,
	markRevealed,
	moveCard,
	openVote,
	planReveal,
	publishVoteTotals,
	rankByVotes,
	readBallot,
	readCard,
	readCards,
	readClusters,
	readDafoControl,
	readPrivateCards,
	removeCluster,
	renameCluster,
	requestReveal,
	savePrivateCard,
	setCardStatus,
	setCardText,
	setMyVotes,
	validBallot,
	type Ballot
} from '../src/index.ts';
import { reopen, syncAll } from './helpers.ts';

const card = (doc: Y.Doc, id: string, quadrant: 'D' | 'A' | 'F' | 'O', text = id) => addCard(doc, { id, quadrant, text, createdAt: 1 });

describe('CAME rules (DOMAIN A3.2)', () => {
	it('gives each quadrant its response: weakness->correct, threat->confront, strength->maintain, opportunity->exploit', () => {
		expect([cameResponse('D'), cameResponse('A'), cameResponse('F'), cameResponse('O')]).toEqual(['correct', 'confront', 'maintain', 'exploit']);
	});
	it('is consistent only with its own quadrant', () => {
		expect(isCameConsistent('D', 'correct')).toBe(true);
		expect(isCameConsistent('D', 'exploit')).toBe(false);
		expect(isCameConsistent('O', 'exploit')).toBe(true);
		expect(isCameConsistent('A', 'maintain')).toBe(false);
	});
	it('names the cross strategies of an internal and an external quadrant, in either order', () => {
		expect(crossStrategy('F', 'O')).toBe('offensive');
		expect(crossStrategy('O', 'D')).toBe('reorientation');
		expect(crossStrategy('F', 'A')).toBe('defensive');
		expect(crossStrategy('A', 'D')).toBe('survival');
		expect(crossStrategy('F', 'D')).toBeNull();
		expect(crossStrategy('O', 'A')).toBeNull();
	});
});

describe('board', () => {
	it('adds cards in order per quadrant and reads them back after a reopen', () => {
		const doc = new Y.Doc();
		card(doc, 'c1', 'F', 'Equip motivat');
		card(doc, 'c2', 'D', 'Poca presència web');
		card(doc, 'c3', 'F', 'Clients fidels');
		const cards = readCards(reopen(doc));
		expect(cards.map((c) => [c.id, c.quadrant, c.order])).toEqual([
			['c2', 'D', 1],
			['c1', 'F', 1],
			['c3', 'F', 2]
		]);
		expect(cards[0]).not.toHaveProperty('authorId');
	});

	it('rejects bad input clearly', () => {
		const doc = new Y.Doc();
		expect(() => addCard(doc, { id: 'x', quadrant: 'Z' as 'D', text: 't', createdAt: 1 })).toThrow(/quadrant/);
		expect(() => addCard(doc, { id: 'a b', quadrant: 'D', text: 't', createdAt: 1 })).toThrow(/card id/);
		expect(() => addCard(doc, { id: 'x', quadrant: 'D', text: 'x'.repeat(2001), createdAt: 1 })).toThrow(/2000/);
		card(doc, 'x', 'D');
		expect(() => card(doc, 'x', 'D')).toThrow(/already exists/);
		expect(() => setCardText(doc, 'nope', 'a')).toThrow(/no card/);
	});

	it('merges two people typing in the same card', () => {
		const a = new Y.Doc();
		const b = new Y.Doc();
		card(a, 'c1', 'O', 'mercat social');
		syncAll(a, b);
		setCardText(a, 'c1', 'nou mercat social');
		setCardText(b, 'c1', 'mercat social català');
		syncAll(a, b);
		expect(readCard(a, 'c1')!.text).toBe('nou mercat social català');
		expect(readCard(b, 'c1')!.text).toBe('nou mercat social català');
	});

	it('clusters: create, rename, assign within the quadrant only, remove keeps the cards', () => {
		const doc = new Y.Doc();
		card(doc, 'c1', 'D');
		card(doc, 'c2', 'O');
		addCluster(doc, { id: 'k1', quadrant: 'D', title: ' Comunicació ', createdAt: 5 });
		renameCluster(doc, 'k1', 'Comunicació i marca');
		expect(readClusters(doc)).toEqual([{ id: 'k1', quadrant: 'D', title: 'Comunicació i marca', createdAt: 5 }]);
		assignCluster(doc, 'c1', 'k1');
		expect(readCard(doc, 'c1')!.clusterId).toBe('k1');
		expect(() => assignCluster(doc, 'c2', 'k1')).toThrow(/belongs to quadrant D/);
		expect(() => renameCluster(doc, 'k1', '   ')).toThrow(/title/);
		moveCard(doc, 'c1', 'A');
		expect(readCard(doc, 'c1')).toMatchObject({ quadrant: 'A' });
		expect(readCard(doc, 'c1')!.clusterId).toBeUndefined();
		moveCard(doc, 'c1', 'D');
		assignCluster(doc, 'c1', 'k1');
		removeCluster(doc, 'k1');
		expect(readClusters(doc)).toEqual([]);
		expect(readCard(doc, 'c1')).toMatchObject({ id: 'c1', quadrant: 'D' });
		expect(readCard(doc, 'c1')!.clusterId).toBeUndefined();
	});

	it('archiving hides a card without losing it', () => {
		const doc = new Y.Doc();
		card(doc, 'c1', 'D');
		setCardStatus(doc, 'c1', 'archived');
		expect(readCards(doc)).toEqual([]);
		expect(readCards(doc, { archived: true })[0]).toMatchObject({ id: 'c1', status: 'archived', text: 'c1' });
	});
});

describe('CAME links through the plan API', () => {
	it('turns a card into an objective and an action in one step each; links read back per card and merge', () => {
		const a = new Y.Doc();
		const b = new Y.Doc();
		card(a, 'c1', 'O', 'Licitacions amb clàusules socials\nmés detall');
		card(a, 'c2', 'D', 'Web antiga');
		syncAll(a, b);
		const o = cardToObjective(a, { cardId: 'c1', category: 'compra_publica', byUserId: 'anna' });
		const act = cardToAction(b, { cardId: 'c1', ownerId: 'biel', byUserId: 'biel', members: ['anna', 'biel'] });
		syncAll(a, b);
		const came = readCame(a);
		expect(came.map((x) => [x.card.id, x.response, x.objectives.map((y) => y.id), x.actions.map((y) => y.id)])).toEqual([
			['c2', 'correct', [], []],
			['c1', 'exploit', [o], [act]]
		]);
		expect(came[1]!.objectives[0]).toMatchObject({ title: 'Licitacions amb clàusules socials', category: 'compra_publica', source: { kind: 'dafo', id: 'c1' } });
		expect(came[1]!.actions[0]).toMatchObject({ ownerId: 'biel', linkedCards: ['c1'] });
		linkCardTo(a, { cardId: 'c2', kind: 'objective', targetId: o, linked: true });
		linkCardTo(a, { cardId: 'c1', kind: 'action', targetId: act, linked: false });
		expect(readCame(a).map((x) => [x.card.id, x.objectives.length, x.actions.length])).toEqual([
			['c2', 1, 0],
			['c1', 1, 0]
		]);
		expect(() => cardToAction(a, { cardId: 'c1', ownerId: 'zoe', byUserId: 'anna', members: ['anna'] })).toThrow();
		expect(() => cardToObjective(a, { cardId: 'nope', category: 'captacio', byUserId: 'anna' })).toThrow(/no card/);
		expect(titleFromCard('x'.repeat(300))).toHaveLength(200);
	});
});

describe('vote counting (hand-computed)', () => {
	const ids = new Set(['a', 'b', 'c', 'd']);
	const limits = { votesPerPerson: 3, maxPerCard: 2 };
	const ballot = (o: Record<string, number>): Ballot => new Map(Object.entries(o));

	it('adds up three ballots', () => {
		// Anna: a2 b1; Biel: a1 c2; Carla: b2 d1 -> a3 b3 c2 d1, 3 voters, 9 dots
		const r = countVotes([ballot({ a: 2, b: 1 }), ballot({ a: 1, c: 2 }), ballot({ b: 2, d: 1 })], limits, ids);
		expect(r).toEqual({ totals: { a: 3, b: 3, c: 2, d: 1 }, voters: 3, votesCast: 9 });
		expect(rankByVotes(r.totals)).toEqual([
			{ cardId: 'a', votes: 3 },
			{ cardId: 'b', votes: 3 },
			{ cardId: 'c', votes: 2 },
			{ cardId: 'd', votes: 1 }
		]);
	});

	it('trims over-limit ballots deterministically and ignores unknown cards and junk', () => {
		// a5 -> 2 (per card); b2 -> 1 (budget 3 left 1); c1 -> 0 (budget spent); zz unknown; d -1 ignored
		expect(validBallot(ballot({ c: 1, a: 5, b: 2, zz: 3, d: -1 }), limits, ids)).toEqual(new Map([['a', 2], ['b', 1]]));
		expect(countVotes([ballot({ zz: 2 }), ballot({})], limits, ids)).toEqual({ totals: {}, voters: 0, votesCast: 0 });
		expect(countVotes([ballot({ a: 1.5 })], limits, ids).votesCast).toBe(0);
	});

	it('counts dots left', () => {
		expect(dotsLeft(ballot({ a: 2 }), 5)).toBe(3);
	});
});

describe('private writing, reveal and ballots', () => {
	it('a reveal plan is anonymous when asked: no author, reveal time, random order', () => {
		let n = 0;
		const ids = ['m9', 'b2', 'k5', 'a1'];
		const plan = planReveal(
			[
				{ userId: 'anna', cards: [{ id: 'p1', quadrant: 'D', text: ' web antiga ', createdAt: 10 }, { id: 'p2', quadrant: 'F', text: 'equip', createdAt: 11 }] },
				{ userId: 'biel', cards: [{ id: 'p1', quadrant: 'O', text: 'licitacions', createdAt: 12, sourceRef: 'D5.3' }, { id: 'p3', quadrant: 'A', text: 'x', createdAt: 13, publishedAs: 'old' }] },
				{ userId: 'carla', cards: [{ id: 'p4', quadrant: 'A', text: 'competència', createdAt: 14 }] }
			],
			{ anonymous: true, at: 99, newId: () => ids[n++]! }
		);
		expect(plan.cards).toEqual([
			{ id: 'a1', quadrant: 'A', text: 'competència', createdAt: 99 },
			{ id: 'b2', quadrant: 'F', text: 'equip', createdAt: 99 },
			{ id: 'k5', quadrant: 'O', text: 'licitacions', createdAt: 99, sourceRef: 'D5.3' },
			{ id: 'm9', quadrant: 'D', text: 'web antiga', createdAt: 99 }
		]);
		expect(plan.marks).toEqual([
			{ userId: 'anna', privateId: 'p1', boardId: 'm9' },
			{ userId: 'anna', privateId: 'p2', boardId: 'b2' },
			{ userId: 'biel', privateId: 'p1', boardId: 'k5' },
			{ userId: 'carla', privateId: 'p4', boardId: 'a1' }
		]);
		const named = planReveal([{ userId: 'anna', cards: [{ id: 'p1', quadrant: 'D', text: 't', createdAt: 10 }] }], { anonymous: false, at: 99, newId: () => 'z1' });
		expect(named.cards).toEqual([{ id: 'z1', quadrant: 'D', text: 't', createdAt: 10, authorId: 'anna' }]);
	});

	it('an interrupted reveal resumes with the recorded ids, and later rounds skip published cards', () => {
		const cards = [
			{ id: 'p1', quadrant: 'D' as const, text: 'a', createdAt: 1, publishedAs: 'x1', revealRound: 2 },
			{ id: 'p2', quadrant: 'D' as const, text: 'b', createdAt: 2, publishedAs: 'x2', revealRound: 1 },
			{ id: 'p3', quadrant: 'F' as const, text: 'c', createdAt: 3 }
		];
		const plan = planReveal([{ userId: 'anna', cards }], { anonymous: false, at: 9, newId: () => 'n1', resumeRound: 2 });
		expect(plan.cards.map((c) => c.id)).toEqual(['x1', 'n1']);
		expect(planReveal([{ userId: 'anna', cards }], { anonymous: false, at: 9, newId: () => 'n1' }).cards.map((c) => c.id)).toEqual(['n1']);
	});

	it('private cards: save, empty deletes, published ones are frozen', () => {
		const p = new Y.Doc();
		savePrivateCard(p, { id: 'p1', quadrant: 'D', text: 'a', createdAt: 1 });
		savePrivateCard(p, { id: 'p2', quadrant: 'F', text: 'b', createdAt: 2 });
		savePrivateCard(p, { id: 'p2', quadrant: 'F', text: '  ', createdAt: 2 });
		expect(readPrivateCards(p).map((c) => c.id)).toEqual(['p1']);
		markPrivateCardPublished(p, 'p1', 'b1', 1);
		expect(readPrivateCards(p)[0]).toMatchObject({ publishedAs: 'b1', revealRound: 1 });
		expect(() => savePrivateCard(p, { id: 'p1', quadrant: 'D', text: 'changed', createdAt: 1 })).toThrow(/already on the board/);
	});

	it('reveal requests and votes advance by rounds; ballots respect the limits', () => {
		const f = new Y.Doc();
		expect(readDafoControl(f)).toEqual({ step: 'write', reveal: null, vote: null });
		expect(requestReveal(f, { anonymous: true, at: 5, by: 'fac' }).round).toBe(1);
		markRevealed(f, { round: 1, cards: 3, anonymous: true, at: 6 });
		expect(requestReveal(f, { anonymous: false, at: 7 }).round).toBe(2);
		expect(() => openVote(f, { votesPerPerson: 3, maxPerCard: 4, at: 8 })).toThrow(/votes per card/);
		const vote = openVote(f, { votesPerPerson: 3, maxPerCard: 2, at: 8 });
		expect(readDafoControl(f)).toMatchObject({ step: 'vote', vote: { round: 1, open: true, votesPerPerson: 3, maxPerCard: 2 } });

		const p = new Y.Doc();
		setMyVotes(p, { vote, cardId: 'a', dots: 2 });
		expect(() => setMyVotes(p, { vote, cardId: 'b', dots: 2 })).toThrow(/3 dots/);
		expect(() => setMyVotes(p, { vote, cardId: 'b', dots: 3 })).toThrow(/0..2/);
		setMyVotes(p, { vote, cardId: 'b', dots: 1 });
		setMyVotes(p, { vote, cardId: 'a', dots: 0 });
		expect(readBallot(p, 1)).toEqual(new Map([['b', 1]]));

		const closed = closeVote(f, { at: 9 })!;
		expect(closed.open).toBe(false);
		expect(() => setMyVotes(p, { vote: closed, cardId: 'b', dots: 1 })).toThrow(/closed/);
		publishVoteTotals(f, { round: 1, totals: { b: 1 }, voters: 1, votesCast: 1, closedAt: 9 });
		expect(latestVoteTotals(reopen(f))).toEqual({ round: 1, totals: { b: 1 }, voters: 1, votesCast: 1, closedAt: 9 });
		expect(openVote(f, { votesPerPerson: 5, maxPerCard: 5, at: 10 }).round).toBe(2);
	});
});
