// Private DAFO input: cards written in private reach the board only when a facilitator reveals them, and
// then, if anonymous, with no author trace anywhere (board content, stored update rows and their
// attribution, awareness, logs, API responses); individual ballots never leave the private documents,
// only totals once a facilitator closes the vote. Members cannot reveal or close.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { docUpdates } from '@teixit/db';
import { eq } from 'drizzle-orm';
import { createCore, facilitationDocName, privateDocName, resultsDocName } from '@teixit/core';
import { closeVote, latestVoteTotals, markPrivateCardPublished, markRevealed, openVote, publishVoteTotals, readCards, readDafoControl, readRevealed, requestReveal, savePrivateCard, setMyVotes, type VoteConfig } from '@teixit/model';
import { startApp, type TestApp } from '../utils/app.ts';
import { castOf, type Cast } from '../utils/people.ts';
import { ApiClient } from '../utils/http.ts';
import { connect, synced, type Client } from '../utils/yclient.ts';
import { eventually } from '../utils/wait.ts';

let t: TestApp;
let cast: Cast;
const logs: string[] = [];
const clients: Client[] = [];
const open = (...a: Parameters<typeof connect>) => {
	const c = connect(...a);
	clients.push(c);
	return c;
};
beforeAll(async () => {
	t = await startApp({ logger: { level: 'trace', stream: { write: (line: string) => void logs.push(line) } } });
	cast = await castOf(t);
});
afterAll(async () => {
	for (const c of clients) c.destroy();
	await t?.close();
});

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function rowsOf(docName: string) {
	return t.database.db.select().from(docUpdates).where(eq(docUpdates.docName, docName));
}

/** Every string in the stored updates of a document (content as the bytes hold it). */
async function storedText(docName: string) {
	const rows = await rowsOf(docName);
	const state = new Y.Doc();
	for (const r of rows) Y.applyUpdate(state, r.update);
	return { rows, text: JSON.stringify(state.toJSON()) + rows.map((r) => Buffer.from(r.update).toString('utf8')).join('') };
}

describe('DAFO: private writing, anonymous reveal, private ballots', () => {
	it('reveals anonymous cards with no author trace and publishes only vote totals', async () => {
		const E = cast.engagementId;
		const core = createCore({ db: t.database.db, publicOrigin: t.url });
		// People who write: the facilitator, the member and two more members.
		const people: { id: string; api: ApiClient; name: string }[] = [
			{ id: cast.ids.facilitator, api: cast.facilitator, name: 'fac' },
			{ id: cast.ids.member, api: cast.member, name: 'member' }
		];
		for (const name of ['Pau', 'Laia']) {
			const u = await core.users.create({ email: `${name.toLowerCase()}@example.org`, name, password: `${name}-password` });
			const api = new ApiClient(t.url);
			await api.post('/api/v1/auth/login', { email: `${name.toLowerCase()}@example.org`, password: `${name}-password` });
			const inv = await cast.facilitator.post(`/api/v1/engagements/${E}/invitations`, { role: 'member' });
			await api.post('/api/v1/invitations/accept', { token: inv.json.token });
			people.push({ id: u.id, api, name });
		}
		const ids = people.map((p) => p.id);

		// Observers of everything shared, and what awareness they receive.
		const board = open(t.wsUrl, cast.docName, { cookie: cast.observer.cookie });
		const facView = open(t.wsUrl, facilitationDocName(E), { cookie: cast.observer.cookie });
		const resView = open(t.wsUrl, resultsDocName(E), { cookie: cast.observer.cookie });
		// The facilitator can read the results document but not write it (only the server does).
		const facRes = open(t.wsUrl, resultsDocName(E), { cookie: cast.facilitator.cookie });
		const memberBoard = open(t.wsUrl, cast.docName, { cookie: people[2]!.api.cookie });
		const awarenessSeen: string[] = [];
		for (const c of [board, memberBoard]) c.provider.awareness.on('change', () => awarenessSeen.push(JSON.stringify([...c.provider.awareness.getStates().values()])));
		const fac = open(t.wsUrl, facilitationDocName(E), { cookie: cast.facilitator.cookie });
		const memberFac = open(t.wsUrl, facilitationDocName(E), { cookie: cast.member.cookie });
		await Promise.all([synced(board), synced(facView), synced(resView), synced(facRes), synced(memberBoard), synced(fac), synced(memberFac)]);

		// Each person writes two private cards; texts carry a marker so we can find them anywhere.
		const privates: Client[] = [];
		for (const [i, p] of people.entries()) {
			const mine = open(t.wsUrl, privateDocName(E, p.id), { cookie: p.api.cookie });
			await synced(mine);
			privates.push(mine);
			savePrivateCard(mine.doc, { id: `a${i}`, quadrant: 'D', text: `secret weakness ${i}`, createdAt: 1000 + i });
			savePrivateCard(mine.doc, { id: `b${i}`, quadrant: i % 2 ? 'O' : 'F', text: `secret other ${i}`, sourceRef: 'D1.1', createdAt: 2000 + i });
		}
		await sleep(300);
		expect(readCards(board.doc)).toEqual([]);

		// A member cannot reveal: the facilitation document is read-only for them.
		requestReveal(memberFac.doc, { anonymous: false, at: Date.now(), by: cast.ids.member });
		await sleep(400);
		expect(readDafoControl(facView.doc).reveal).toBeNull();
		expect(readCards(board.doc)).toEqual([]);

		requestReveal(fac.doc, { anonymous: true, at: Date.now(), by: cast.ids.facilitator });
		await eventually(() => expect(readRevealed(resView.doc)).toMatchObject({ round: 1, cards: 8, anonymous: true }));
		await eventually(() => expect(readCards(board.doc)).toHaveLength(8));
		const cards = readCards(board.doc);
		expect(cards.map((c) => c.text).sort()).toEqual([...people.flatMap((_, i) => [`secret other ${i}`, `secret weakness ${i}`])].sort());
		for (const c of cards) {
			expect(c).not.toHaveProperty('authorId');
			expect(c.createdAt).toBe(cards[0]!.createdAt);
		}
		expect(cards.filter((c) => c.sourceRef === 'D1.1')).toHaveLength(4);
		// The authors' private documents record where their cards went (only they and the server see it).
		await eventually(() => expect(privates.every((p) => [...p.doc.getArray('dafoCards').toArray()].length >= 2)).toBe(true));

		// Dot voting: 3 dots per person, at most 2 per card.
		openVote(fac.doc, { votesPerPerson: 3, maxPerCard: 2, at: Date.now() });
		await eventually(() => expect(readDafoControl(facView.doc).vote).toMatchObject({ round: 1, open: true }));
		const vote = readDafoControl(facView.doc).vote as VoteConfig;
		const [c1, c2, c3] = cards.map((c) => c.id) as [string, string, string];
		// fac: c1 x2, c2 x1 | member: c1 x1, c3 x2 | Pau: c2 x2 | Laia: nothing  => c1 3, c2 3, c3 2; 3 voters, 8 dots
		const ballots: [number, string, number][] = [
			[0, c1, 2],
			[0, c2, 1],
			[1, c1, 1],
			[1, c3, 2],
			[2, c2, 2]
		];
		for (const [who, card, dots] of ballots) setMyVotes(privates[who]!.doc, { vote, cardId: card, dots });
		// A facilitator cannot forge totals: written into the facilitation document they are not where the
		// team reads them, and written into the results document they are refused.
		const forged = { round: 1, totals: { [c1]: 99 }, voters: 9, votesCast: 99, closedAt: Date.now() };
		publishVoteTotals(fac.doc, forged);
		markRevealed(fac.doc, { round: 9, cards: 0, anonymous: false, at: Date.now() });
		publishVoteTotals(facRes.doc, forged);
		await sleep(400);
		expect(latestVoteTotals(resView.doc)).toBeNull();
		expect(readRevealed(resView.doc)).toMatchObject({ round: 1 });
		// A member cannot close the vote.
		closeVote(memberFac.doc, { at: Date.now() });
		await sleep(400);
		expect(readDafoControl(facView.doc).vote?.open).toBe(true);
		expect(latestVoteTotals(resView.doc)).toBeNull();

		closeVote(fac.doc, { at: Date.now() });
		await eventually(() => expect(latestVoteTotals(resView.doc)).toMatchObject({ round: 1, voters: 3, votesCast: 8 }));
		expect(latestVoteTotals(resView.doc)!.totals).toEqual(Object.fromEntries([[c1, 3], [c2, 3], [c3, 2]].sort((a, b) => (a[0]! < b[0]! ? -1 : 1))));

		// No author trace in what is stored for the shared documents.
		const ws = await storedText(cast.docName);
		for (const id of ids) expect(ws.text.includes(id), `workspace contains ${id}`).toBe(false);
		for (const r of ws.rows) {
			const carries = Buffer.from(r.update).toString('utf8').includes('secret');
			if (carries) expect(r.userId, 'row with card text attributed to a person').toBeNull();
		}
		const fv = await storedText(facilitationDocName(E));
		for (const p of people.slice(1)) {
			expect(fv.text.includes(p.id), `facilitation doc contains ${p.name}`).toBe(false);
			expect(fv.rows.some((r) => r.userId === p.id)).toBe(false);
		}
		expect(fv.text).not.toMatch(/secret/);
		// What the server published (reveal record, vote totals) is attributed to no one, and nobody else wrote there.
		const rv = await storedText(resultsDocName(E));
		for (const id of ids) expect(rv.text.includes(id), `results doc contains ${id}`).toBe(false);
		expect(rv.rows.every((r) => r.userId === null)).toBe(true);
		const published = rv.rows.filter((r) => /dafo\/(votes\/|revealed)/.test(Buffer.from(r.update).toString('utf8')));
		expect(published.length).toBeGreaterThanOrEqual(2);
		for (const r of published) expect(r.userId).toBeNull();
		// Awareness carried nothing about cards or ballots.
		for (const a of awarenessSeen) expect(a).not.toMatch(/secret|dafo|vote/i);
		// Logs: no card text, and no DAFO log line names a person.
		expect(logs.join('\n')).not.toMatch(/secret (weakness|other)/);
		for (const line of logs.filter((l) => /dafo/i.test(l))) for (const id of ids) expect(line.includes(id)).toBe(false);
		// API responses to another user say nothing about cards.
		for (const path of [`/api/v1/engagements/${E}`, '/api/v1/engagements', `/api/v1/engagements/${E}/members`]) {
			const res = await people[3]!.api.get(path);
			expect(res.text).not.toMatch(/secret|dafoCards|publishedAs/);
		}
	});

	it('a named reveal publishes later cards with their author, once', async () => {
		const E = cast.engagementId;
		const board = open(t.wsUrl, cast.docName, { cookie: cast.observer.cookie });
		const fac = open(t.wsUrl, facilitationDocName(E), { cookie: cast.facilitator.cookie });
		const res = open(t.wsUrl, resultsDocName(E), { cookie: cast.facilitator.cookie });
		const mine = open(t.wsUrl, privateDocName(E, cast.ids.member), { cookie: cast.member.cookie });
		await Promise.all([synced(board), synced(fac), synced(res), synced(mine)]);
		const before = readCards(board.doc).length;
		savePrivateCard(mine.doc, { id: 'late1', quadrant: 'A', text: 'named threat', createdAt: 5 });
		await sleep(300);
		requestReveal(fac.doc, { anonymous: false, at: Date.now(), by: cast.ids.facilitator });
		await eventually(() => expect(readRevealed(res.doc)).toMatchObject({ round: 2, cards: 1, anonymous: false }));
		await eventually(() => expect(readCards(board.doc)).toHaveLength(before + 1));
		expect(readCards(board.doc).find((c) => c.text === 'named threat')).toMatchObject({ authorId: cast.ids.member, quadrant: 'A', createdAt: 5 });
		// A second request publishes nothing twice.
		requestReveal(fac.doc, { anonymous: false, at: Date.now(), by: cast.ids.facilitator });
		await eventually(() => expect(readRevealed(res.doc)).toMatchObject({ round: 3, cards: 0 }));
		expect(readCards(board.doc)).toHaveLength(before + 1);
	});

	it('a reveal interrupted after marking the private cards resumes under the same ids, without duplicates', async () => {
		const E = cast.engagementId;
		const board = open(t.wsUrl, cast.docName, { cookie: cast.observer.cookie });
		const fac = open(t.wsUrl, facilitationDocName(E), { cookie: cast.facilitator.cookie });
		const res = open(t.wsUrl, resultsDocName(E), { cookie: cast.facilitator.cookie });
		await Promise.all([synced(board), synced(fac), synced(res)]);
		const round = (readRevealed(res.doc)?.round ?? 0) + 1;
		const before = readCards(board.doc).length;
		// As a crashed pass would have left it: the private card marked for this round, the board not written.
		await t.app.sync.change(privateDocName(E, cast.ids.member), (doc) => {
			savePrivateCard(doc, { id: 'crash1', quadrant: 'O', text: 'resumed card', createdAt: 7 });
			markPrivateCardPublished(doc, 'crash1', 'boardcrash1', round);
			savePrivateCard(doc, { id: 'crash2', quadrant: 'F', text: 'fresh card', createdAt: 8 });
		});
		requestReveal(fac.doc, { anonymous: true, at: Date.now() });
		await eventually(() => expect(readRevealed(res.doc)).toMatchObject({ round, cards: 2 }));
		await eventually(() => expect(readCards(board.doc)).toHaveLength(before + 2));
		const resumed = readCards(board.doc).find((c) => c.text === 'resumed card');
		expect(resumed).toMatchObject({ id: 'boardcrash1', quadrant: 'O' });
		expect(resumed).not.toHaveProperty('authorId');
		expect(readCards(board.doc).filter((c) => c.text === 'fresh card')).toHaveLength(1);
	});
});
