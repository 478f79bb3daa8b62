// The JSON API of DESIGN.md §6, through a real server over HTTP, on the per-file test database.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startApp, type TestApp } from '../utils/app.ts';
import { ApiClient } from '../utils/http.ts';

let t: TestApp;
let admin: ApiClient;

beforeAll(async () => {
	t = await startApp();
	admin = new ApiClient(t.url);
});
afterAll(async () => t?.close());

describe('setup and sign-in', () => {
	it('needs setup on an empty database and creates the first admin once', async () => {
		expect((await admin.get('/api/v1/setup')).json).toEqual({ needed: true });
		const res = await admin.post('/api/v1/setup', { email: 'Anna@Example.org', name: 'Anna', password: 'correct horse', organisationName: 'Calidoscoop' });
		expect(res.status).toBe(201);
		expect(res.json).toMatchObject({ email: 'anna@example.org', isAdmin: true });
		expect(admin.cookie).toMatch(/^teixit_session=/);
		const again = await new ApiClient(t.url).post('/api/v1/setup', { email: 'x@example.org', name: 'X', password: 'whatever12', organisationName: 'Y' });
		expect(again.status).toBe(409);
		expect(again.json.error.code).toBe('setup_done');
	});

	it('sets an httpOnly SameSite=Lax cookie on login and never stores the token', async () => {
		const c = new ApiClient(t.url);
		const res = await c.post('/api/v1/auth/login', { email: 'anna@example.org', password: 'correct horse' });
		expect(res.status).toBe(204);
		const raw = res.headers.getSetCookie().join('\n');
		expect(raw).toMatch(/HttpOnly/i);
		expect(raw).toMatch(/SameSite=Lax/i);
		const token = c.cookie!.split('=')[1]!;
		const { sessions } = await import('@teixit/db');
		const rows = await t.database.db.select().from(sessions);
		expect(rows.some((r) => r.id === token)).toBe(false);
		expect(rows.every((r) => /^[0-9a-f]{64}$/.test(r.id))).toBe(true);
		expect((await c.get('/api/v1/me')).json).toMatchObject({ email: 'anna@example.org', name: 'Anna' });
		expect((await c.post('/api/v1/auth/logout')).status).toBe(204);
		expect((await c.get('/api/v1/me')).status).toBe(401);
	});

	it('gives the same answer for a wrong password and an unknown email', async () => {
		const a = await new ApiClient(t.url).post('/api/v1/auth/login', { email: 'anna@example.org', password: 'wrong password' });
		const b = await new ApiClient(t.url).post('/api/v1/auth/login', { email: 'nobody@example.org', password: 'wrong password' });
		expect(a.status).toBe(401);
		expect(b.status).toBe(401);
		expect(a.json).toEqual(b.json);
	});

	it('throttles repeated failures for an account', async () => {
		const c = new ApiClient(t.url);
		const statuses: number[] = [];
		for (let i = 0; i < 7; i++) statuses.push((await c.post('/api/v1/auth/login', { email: 'victim@example.org', password: `guess-${i}` })).status);
		expect(statuses.slice(0, 5)).toEqual([401, 401, 401, 401, 401]);
		expect(statuses[5]).toBe(429);
		const res = await c.post('/api/v1/auth/login', { email: 'victim@example.org', password: 'x' });
		expect(res.headers.get('retry-after')).toMatch(/^\d+$/);
	});

	it('rejects forged and expired cookies, and clears them', async () => {
		const c = new ApiClient(t.url);
		c.cookie = 'teixit_session=forgedforgedforgedforgedforged';
		const res = await c.get('/api/v1/me');
		expect(res.status).toBe(401);
		expect(res.json.error.code).toBe('unauthenticated');
		expect(res.headers.getSetCookie().join()).toMatch(/teixit_session=;/);
	});

	it('changing the password ends other sessions', async () => {
		const a = new ApiClient(t.url);
		const b = new ApiClient(t.url);
		await a.post('/api/v1/auth/login', { email: 'anna@example.org', password: 'correct horse' });
		await b.post('/api/v1/auth/login', { email: 'anna@example.org', password: 'correct horse' });
		expect((await a.post('/api/v1/me/password', { currentPassword: 'correct horse', newPassword: 'battery staple' })).status).toBe(204);
		expect((await b.get('/api/v1/me')).status).toBe(401);
		expect((await a.get('/api/v1/me')).status).toBe(200);
		expect((await a.post('/api/v1/me/password', { currentPassword: 'battery staple', newPassword: 'correct horse' })).status).toBe(204);
		admin = a;
	});
});

describe('engagements and invitations', () => {
	let engagementId: string;

	it('creates an engagement with 12-month and 90-hour defaults', async () => {
		const res = await admin.post('/api/v1/engagements', { coopName: 'Opcions', startDate: '2026-02-01' });
		expect(res.status).toBe(201);
		expect(res.json).toMatchObject({ coopName: 'Opcions', startDate: '2026-02-01', endDate: '2027-02-01', hourBudget: 90, defaultLocale: 'ca', role: 'facilitator' });
		expect(res.json.docName).toBe(`${res.json.id}.workspace`);
		expect(res.json.documents).toContainEqual({ name: res.json.docName, kind: 'workspace', access: 'write' });
		engagementId = res.json.id;
		expect((await admin.get('/api/v1/engagements')).json.map((e: { id: string }) => e.id)).toContain(engagementId);
	});

	it('rejects bad engagement input with a clear error and creates nothing', async () => {
		const before = (await admin.get('/api/v1/engagements')).json.length;
		for (const body of [{ coopName: '' }, { coopName: 'X', startDate: '2026-13-45' }, { coopName: 'X', hourBudget: -3 }, { coopName: 'X', locale: 'fr' }, { coopName: 'X', extra: 1 }]) {
			const res = await admin.post('/api/v1/engagements', body);
			expect(res.status, JSON.stringify(body)).toBe(400);
			expect(res.json.error.code).toBe('invalid_input');
		}
		expect((await admin.get('/api/v1/engagements')).json.length).toBe(before);
	});

	it('invites a member by link, who then sees only that engagement', async () => {
		const other = await admin.post('/api/v1/engagements', { coopName: 'L’Apòstrof' });
		const inv = await admin.post(`/api/v1/engagements/${engagementId}/invitations`, { role: 'member' });
		expect(inv.status).toBe(201);
		expect(inv.json.url).toBe(`http://127.0.0.1/invite/${inv.json.token}`);
		expect((await new ApiClient(t.url).get(`/api/v1/invitations/${inv.json.token}`)).json).toMatchObject({ coopName: 'Opcions', role: 'member' });

		const { createCore } = await import('@teixit/core');
		const core = createCore({ db: t.database.db, publicOrigin: 'http://x' });
		await core.users.create({ email: 'marta@example.org', name: 'Marta', password: 'marta-password' });
		const marta = new ApiClient(t.url);
		await marta.post('/api/v1/auth/login', { email: 'marta@example.org', password: 'marta-password' });
		const acc = await marta.post('/api/v1/invitations/accept', { token: inv.json.token });
		expect(acc.status).toBe(200);
		expect(acc.json).toEqual({ engagementId, role: 'member' });
		expect((await marta.get('/api/v1/engagements')).json.map((e: { id: string }) => e.id)).toEqual([engagementId]);
		expect((await marta.get(`/api/v1/engagements/${other.json.id}`)).status).toBe(404);
		expect((await marta.get(`/api/v1/engagements/${engagementId}`)).json.role).toBe('member');
	});

	it('refuses revoked, expired and forged invitation tokens with 410', async () => {
		const inv = await admin.post(`/api/v1/engagements/${engagementId}/invitations`, { role: 'observer', expiresInDays: 1 });
		expect((await admin.del(`/api/v1/engagements/${engagementId}/invitations/${inv.json.id}`)).status).toBe(204);
		const c = new ApiClient(t.url);
		const revoked = await c.get(`/api/v1/invitations/${inv.json.token}`);
		expect(revoked.status).toBe(410);
		expect(revoked.json.error.message).toMatch(/revoked/);
		expect((await c.get('/api/v1/invitations/forgedtokenforgedtoken')).status).toBe(410);
		const { invitations } = await import('@teixit/db');
		const { eq } = await import('drizzle-orm');
		const inv2 = await admin.post(`/api/v1/engagements/${engagementId}/invitations`, { role: 'observer' });
		await t.database.db.update(invitations).set({ expiresAt: new Date(Date.now() - 1000) }).where(eq(invitations.id, inv2.json.id));
		const expired = await c.get(`/api/v1/invitations/${inv2.json.token}`);
		expect(expired.status).toBe(410);
		expect(expired.json.error.message).toMatch(/expired/);
	});

	it('personal API tokens authenticate until revoked', async () => {
		const created = await admin.post('/api/v1/tokens', { name: 'scripts' });
		expect(created.status).toBe(201);
		expect(created.json.token).toMatch(/^tx_/);
		const bot = new ApiClient(t.url, created.json.token);
		expect((await bot.get('/api/v1/me')).json.email).toBe('anna@example.org');
		expect((await admin.del(`/api/v1/tokens/${created.json.id}`)).status).toBe(204);
		expect((await bot.get('/api/v1/me')).status).toBe(401);
	});
});

describe('bad input', () => {
	it('answers malformed JSON with 400 bad_json', async () => {
		const res = await admin.request('POST', '/api/v1/engagements', '{"coopName": ', { 'content-type': 'application/json' });
		expect(res.status).toBe(400);
		expect(res.json.error.code).toBe('bad_json');
	});

	it('answers oversize bodies with 413', async () => {
		const res = await admin.request('POST', '/api/v1/engagements', JSON.stringify({ coopName: 'x'.repeat(2 * 1024 * 1024) }));
		expect(res.status).toBe(413);
		expect(res.json.error.code).toBe('payload_too_large');
	});

	it('answers unknown API routes with a JSON 404', async () => {
		const res = await admin.get('/api/v1/nothing-here');
		expect(res.status).toBe(404);
		expect(res.json.error.code).toBe('not_found');
	});

	it('refuses cross-origin cookie-authenticated writes', async () => {
		const res = await admin.request('POST', '/api/v1/engagements', { coopName: 'Evil' }, { origin: 'https://evil.example' });
		expect(res.status).toBe(403);
	});

	it('serves health, readiness, metrics and the OpenAPI description', async () => {
		expect((await admin.get('/healthz')).status).toBe(200);
		expect((await admin.get('/readyz')).json.status).toBe('ready');
		const metrics = await admin.get('/metrics');
		expect(metrics.text).toMatch(/teixit_sync_connections/);
		const spec = await admin.get('/api/docs/json');
		expect(spec.status).toBe(200);
		expect(Object.keys(spec.json.paths)).toEqual(expect.arrayContaining(['/api/v1/auth/login', '/api/v1/engagements', '/api/v1/engagements/{id}/invitations', '/api/v1/invitations/accept', '/api/v1/tokens']));
	});
});
