// Private diagnosis input: readiness counts and aggregates reach the team; individual scores and who
// gave them never leave the private documents (not in shared docs, their history rows, or refusals).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { docUpdates } from '@teixit/db';
import { eq } from 'drizzle-orm';
import { facilitationDocName, privateDocName, resultsDocName } from '@teixit/core';
import { createCore } from '@teixit/core';
import { DEFAULT_TEMPLATE, createRun, readPublished, readReadiness, setReady, setResponse, setReveal, startRun } from '@teixit/model';
import { startApp, type TestApp } from '../utils/app.ts';
import { castOf, type Cast } from '../utils/people.ts';
import { ApiClient } from '../utils/http.ts';
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
	for (const c of clients) c.destroy();
	await t?.close();
});

describe('participatory diagnosis: privacy of individual scores', () => {
	it('publishes readiness without names, and author-free aggregates only after the reveal', async () => {
		const E = cast.engagementId;
		// Two more members, so three people score.
		const core = createCore({ db: t.database.db, publicOrigin: t.url });
		const members: { id: string; api: ApiClient }[] = [{ id: cast.ids.member, api: cast.member }];
		for (const name of ['Pau', 'Laia']) {
			const u = await core.users.create({ email: `${name.toLowerCase()}@example.org`, name, password: `${name}-password` });
			const api = new ApiClient(t.url);
			await api.post('/api/v1/auth/login', { email: `${name.toLowerCase()}@example.org`, password: `${name}-password` });
			const inv = await cast.facilitator.post(`/api/v1/engagements/${E}/invitations`, { role: 'member' });
			await api.post('/api/v1/invitations/accept', { token: inv.json.token });
			members.push({ id: u.id, api });
		}

		const ws = open(t.wsUrl, cast.docName, { cookie: cast.facilitator.cookie });
		const fac = open(t.wsUrl, facilitationDocName(E), { cookie: cast.facilitator.cookie });
		const seen = open(t.wsUrl, resultsDocName(E), { cookie: cast.observer.cookie });
		await Promise.all([synced(ws), synced(fac), synced(seen)]);
		createRun(ws.doc, { id: 'T0', label: 'T0', template: DEFAULT_TEMPLATE, startedAt: Date.now() });
		startRun(fac.doc, { runId: 'T0', at: Date.now(), by: cast.ids.facilitator });

		const scores = [1, 2, 5] as const;
		for (const [i, m] of members.entries()) {
			const mine = open(t.wsUrl, privateDocName(E, m.id), { cookie: m.api.cookie });
			await synced(mine);
			setResponse(mine.doc, { runId: 'T0', round: 1, itemKey: 'D1.1' }, { score: scores[i]!, importance: 3 });
			setResponse(mine.doc, { runId: 'T0', round: 1, itemKey: 'D1.2' }, { score: null, dontKnow: true });
			setReady(mine.doc, { runId: 'T0', round: 1, ready: true });
			await eventually(() => expect(readReadiness(seen.doc, 'T0', 1)).toEqual({ ready: i + 1, total: 3 }));
		}
		// Nothing is published before the reveal.
		expect(readPublished(seen.doc, 'T0', 1)).toEqual([]);

		setReveal(fac.doc, { runId: 'T0', round: 1, revealed: true, at: Date.now(), by: cast.ids.facilitator });
		await eventually(() => expect(readPublished(seen.doc, 'T0', 1).length).toBeGreaterThan(0));
		const d11 = readPublished(seen.doc, 'T0', 1).find((a) => a.itemKey === 'D1.1')!;
		expect(d11).toMatchObject({ nValid: 3, nDontKnow: 0, mean: 8 / 3, median: 2, min: 1, max: 5, importanceMean: 3 });
		const d12 = readPublished(seen.doc, 'T0', 1).find((a) => a.itemKey === 'D1.2')!;
		expect(d12).toMatchObject({ nValid: 0, nDontKnow: 3 });

		// No respondent id anywhere in the shared documents' stored updates or their attribution.
		for (const name of [facilitationDocName(E), resultsDocName(E), cast.docName]) {
			const rows = await t.database.db.select().from(docUpdates).where(eq(docUpdates.docName, name));
			const state = new Y.Doc();
			for (const r of rows) Y.applyUpdate(state, r.update);
			const json = JSON.stringify(state.toJSON()) + rows.map((r) => Buffer.from(r.update).toString('latin1')).join('');
			for (const m of members) {
				expect(json.includes(m.id), `${name} contains member id`).toBe(false);
				expect(rows.some((r) => r.userId === m.id), `${name} row attributed to a member`).toBe(false);
			}
		}
	});

	it('refuses anyone but the owner on a private document, the facilitator included', async () => {
		const res = await new Promise<number>((resolve) => {
			const c = open(t.wsUrl, privateDocName(cast.engagementId, cast.ids.member), { cookie: cast.facilitator.cookie });
			c.provider.on('connection-error', () => resolve(-1));
			c.provider.on('connection-close', (e: CloseEvent | null) => resolve(e?.code ?? 0));
			setTimeout(() => resolve(0), 3000);
		});
		expect(res).not.toBe(0);
		// And over HTTP: no API exposes private documents.
		const spec = await cast.facilitator.get('/api/docs/json');
		expect(JSON.stringify(Object.keys(spec.json.paths))).not.toMatch(/private|responses|scores/);
	});
});
