// Workshop sessions: facilitator-only start/end, attendance from server-side presence, hours against
// the budget, and a checkpoint of the workspace at the end.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { docVersions } from '@teixit/db';
import { eq } from 'drizzle-orm';
import { hourBudget, quarterHours } from '@teixit/core';
import { startApp, type TestApp } from '../utils/app.ts';
import { castOf, type Cast } from '../utils/people.ts';
import { connect, synced } from '../utils/yclient.ts';

let t: TestApp;
let cast: Cast;
beforeAll(async () => {
	t = await startApp();
	cast = await castOf(t);
});
afterAll(async () => t?.close());

describe('hour rules', () => {
	it('rounds up to quarter hours, at least one quarter', () => {
		expect(quarterHours(1)).toBe(0.25);
		expect(quarterHours(15 * 60_000)).toBe(0.25);
		expect(quarterHours(15 * 60_000 + 1)).toBe(0.5);
		expect(quarterHours(2 * 3_600_000)).toBe(2);
	});

	it('computes use, elapsed share, burn and alerts', () => {
		const s = (chargedH: number, chargeable = true) => ({ chargedH, chargeable }) as never;
		const b = hourBudget(90, [s(40), s(30), s(10, false)], '2026-01-01', '2027-01-01', Date.parse('2026-07-02T12:00:00Z'));
		expect(b.usedH).toBe(70);
		expect(b.remainingH).toBe(20);
		expect(b.pctUsed).toBeCloseTo(77.78, 1);
		expect(b.pctElapsed).toBeCloseTo(50, 0);
		expect(b.burn).toBeCloseTo(1.55, 1);
		expect(b.alerts).toEqual([75]);
	});
});

describe('sessions API', () => {
	it('lets only facilitators start, refuses a second running session, and records attendance from presence', async () => {
		const E = cast.engagementId;
		expect((await cast.member.post(`/api/v1/engagements/${E}/sessions`, { type: 'diagnosis' })).status).toBe(403);
		expect((await cast.facilitator.post(`/api/v1/engagements/${E}/sessions`, { type: 'nonsense' })).status).toBe(400);
		const started = await cast.facilitator.post(`/api/v1/engagements/${E}/sessions`, { type: 'diagnosis', modality: 'hibrida' });
		expect(started.status).toBe(201);
		expect((await cast.facilitator.post(`/api/v1/engagements/${E}/sessions`, { type: 'diagnosis' })).status).toBe(409);

		const member = connect(t.wsUrl, cast.docName, { cookie: cast.member.cookie });
		const observer = connect(t.wsUrl, cast.docName, { cookie: cast.observer.cookie });
		await Promise.all([synced(member), synced(observer)]);
		member.doc.getText('notes').insert(0, 'Sessió 1');
		member.destroy(); // left before the end: still attended

		expect((await cast.member.post(`/api/v1/engagements/${E}/sessions/${started.json.id}/end`, {})).status).toBe(403);
		const ended = await cast.facilitator.post(`/api/v1/engagements/${E}/sessions/${started.json.id}/end`, {});
		expect(ended.status).toBe(200);
		expect(ended.json.attendeeIds).toEqual([cast.ids.member, cast.ids.observer].sort());
		expect(ended.json.durationH).toBe(0.25);
		expect(ended.json.chargedH).toBe(0.25);
		observer.destroy();

		const versions = await t.database.db.select().from(docVersions).where(eq(docVersions.docName, cast.docName));
		expect(versions).toHaveLength(1);
		expect(versions[0]).toMatchObject({ kind: 'session', label: `session:${started.json.id}`, authorId: cast.ids.facilitator });
		const Y = await import('yjs');
		const d = new Y.Doc();
		Y.applyUpdate(d, versions[0]!.state);
		expect(d.getText('notes').toString()).toBe('Sessió 1');

		const list = await cast.observer.get(`/api/v1/engagements/${E}/sessions`);
		expect(list.status).toBe(200);
		expect(list.json.budget).toMatchObject({ budgetH: 90, usedH: 0.25, remainingH: 89.75 });
		expect((await cast.outsider.get(`/api/v1/engagements/${E}/sessions`)).status).toBe(404);
	});
});
