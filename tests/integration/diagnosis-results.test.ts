// Published results are server-authored only: the results document is read-only for every role, so a
// facilitator's client cannot forge aggregates or readiness; figures written into the facilitation
// document (as older clients could) are ignored and removed by its v2 migration; an engagement from
// before the results document gets every revealed round recomputed from the private documents.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { and, eq } from 'drizzle-orm';
import { docUpdates } from '@teixit/db';
import { facilitationDocName, privateDocName, resultsDocName, workspaceDocName } from '@teixit/core';
import {
	DEFAULT_TEMPLATE,
	MIGRATIONS,
	aggregateItem,
	createRun,
	migrate,
	publishAggregates,
	readMeta,
	readPublished,
	readReadiness,
	setReadiness,
	setResponse,
	setReveal,
	startRun
} from '@teixit/model';
import { startApp, type TestApp } from '../utils/app.ts';
import { castOf, type Cast } from '../utils/people.ts';
import { connect, synced, type Client } from '../utils/yclient.ts';
import { eventually } from '../utils/wait.ts';

let t: TestApp;
let cast: Cast;
const clients: Client[] = [];
const open = (...a: Parameters<typeof connect>) => {
	const c = connect(...a);
	clients.push(c);
	return c;
};
beforeAll(async () => {
	t = await startApp();
	cast = await castOf(t);
});
afterAll(async () => {
	for (const c of clients.splice(0)) c.destroy();
	await t?.close();
});

const forged = aggregateItem('D1.1', [{ score: 5 }, { score: 5 }, { score: 5 }, { score: 5 }]);

describe('server-authored results', () => {
	it('every role may read the results document, nobody may write it (engagement payload)', async () => {
		for (const who of ['facilitator', 'member', 'observer'] as const) {
			const e = await cast[who].get(`/api/v1/engagements/${cast.engagementId}`);
			expect(e.json.documents.find((d: { kind: string }) => d.kind === 'results'), who).toEqual({ name: resultsDocName(cast.engagementId), kind: 'results', access: 'read' });
		}
	});

	it("refuses a facilitator's forged aggregates and readiness; the team only ever sees what the server computed", async () => {
		const E = cast.engagementId;
		const ws = open(t.wsUrl, cast.docName, { cookie: cast.facilitator.cookie });
		const fac = open(t.wsUrl, facilitationDocName(E), { cookie: cast.facilitator.cookie });
		const forger = open(t.wsUrl, resultsDocName(E), { cookie: cast.facilitator.cookie });
		const member = open(t.wsUrl, resultsDocName(E), { cookie: cast.member.cookie });
		await Promise.all([synced(ws), synced(fac), synced(forger), synced(member)]);
		createRun(ws.doc, { id: 'T0', label: 'T0', template: DEFAULT_TEMPLATE, startedAt: Date.now() });
		startRun(fac.doc, { runId: 'T0', at: Date.now(), by: cast.ids.facilitator });
		await eventually(() => expect(readReadiness(member.doc, 'T0', 1)).toEqual({ ready: 0, total: 1 }));

		// The forger writes figures into its replica of the results document: the server never applies them.
		publishAggregates(forger.doc, { runId: 'T0', round: 1, items: [forged] });
		setReadiness(forger.doc, { runId: 'T0', round: 1, ready: 1, total: 1 });
		// ...nor the same figures in the facilitation document, which facilitators may write (older layout).
		publishAggregates(fac.doc, { runId: 'T0', round: 1, items: [forged] });

		await new Promise((r) => setTimeout(r, 500));
		expect(readPublished(member.doc, 'T0', 1)).toEqual([]);
		expect(readReadiness(member.doc, 'T0', 1)).toEqual({ ready: 0, total: 1 });
		const stored = await t.app.sync.read(resultsDocName(E), (doc) => ({ published: readPublished(doc, 'T0', 1), readiness: readReadiness(doc, 'T0', 1) }));
		expect(stored).toEqual({ published: [], readiness: { ready: 0, total: 1 } });
		const rows = await t.database.db.select().from(docUpdates).where(and(eq(docUpdates.docName, resultsDocName(E)), eq(docUpdates.userId, cast.ids.facilitator)));
		expect(rows).toEqual([]);

		// The real figures, after the reveal, come from the member's private answer only.
		const mine = open(t.wsUrl, privateDocName(E, cast.ids.member), { cookie: cast.member.cookie });
		await synced(mine);
		setResponse(mine.doc, { runId: 'T0', round: 1, itemKey: 'D1.1' }, { score: 2 });
		setReveal(fac.doc, { runId: 'T0', round: 1, revealed: true, at: Date.now(), by: cast.ids.facilitator });
		await eventually(() => expect(readPublished(member.doc, 'T0', 1).find((a) => a.itemKey === 'D1.1')).toMatchObject({ nValid: 1 }));
		expect(readPublished(member.doc, 'T0', 1).find((a) => a.itemKey === 'D1.1')!.nValid).not.toBe(forged.nValid);
	});

	it('an engagement from before the results document: facilitation figures are removed on load, results are recomputed from the private documents', async () => {
		// A fresh engagement whose facilitation document is stored in the old (v1) layout, as an old server
		// left it: a revealed round and (forged) figures in `published`; no results document at all.
		const eng = await cast.facilitator.post('/api/v1/engagements', { coopName: 'Antiga SCCL' });
		const E = eng.json.id as string;
		const inv = await cast.facilitator.post(`/api/v1/engagements/${E}/invitations`, { role: 'member' });
		await cast.member.post('/api/v1/invitations/accept', { token: inv.json.token });
		const old = new Y.Doc();
		migrate(old, 'facilitation', { migrations: MIGRATIONS.facilitation.slice(0, 1) });
		startRun(old, { runId: 'T9', at: 1 });
		setReveal(old, { runId: 'T9', round: 1, revealed: true, at: 2 });
		publishAggregates(old, { runId: 'T9', round: 1, items: [forged] });
		await t.database.db.insert(docUpdates).values({ docName: facilitationDocName(E), seq: 1, update: Y.encodeStateAsUpdate(old), userId: null });
		await t.app.sync.change(workspaceDocName(E), (doc) => void createRun(doc, { id: 'T9', label: 'T9', template: DEFAULT_TEMPLATE, startedAt: 2 }), { userId: null });
		await t.app.sync.change(privateDocName(E, cast.ids.member), (doc) => setResponse(doc, { runId: 'T9', round: 1, itemKey: 'D1.2' }, { score: 3 }), { userId: null });

		const fac = open(t.wsUrl, facilitationDocName(E), { cookie: cast.member.cookie });
		const res = open(t.wsUrl, resultsDocName(E), { cookie: cast.member.cookie });
		await Promise.all([synced(fac), synced(res)]);
		await eventually(() => expect(readMeta(fac.doc).applied).toContain('facilitation/002-results-moved'));
		expect(readPublished(fac.doc, 'T9', 1)).toEqual([]);
		await eventually(() => expect(readPublished(res.doc, 'T9', 1).find((a) => a.itemKey === 'D1.2')).toMatchObject({ nValid: 1, mean: 3 }));
		expect(readPublished(res.doc, 'T9', 1).find((a) => a.itemKey === 'D1.1')).toMatchObject({ nValid: 0 });
	});
});
