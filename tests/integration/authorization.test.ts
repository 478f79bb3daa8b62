// Every API route and the WebSocket, tried as anonymous, outsider, observer and member:
// each refusal has the right status and changes nothing.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { DEFAULT_TEMPLATE_ID } from '@teixit/model';
import { auditLog, invitations, memberships, engagements, apiTokens, diagnosisTemplateVersions } from '@teixit/db';
import { startApp, type TestApp } from '../utils/app.ts';
import { castOf, type Cast } from '../utils/people.ts';
import type { ApiClient } from '../utils/http.ts';

let t: TestApp;
let cast: Cast;
let templateId: string;

beforeAll(async () => {
	t = await startApp();
	cast = await castOf(t);
	const copy = await cast.facilitator.post(`/api/v1/organisations/${cast.organisationId}/templates`, {});
	templateId = copy.json.template.id;
});
afterAll(async () => t?.close());

type Who = 'anonymous' | 'outsider' | 'observer' | 'member';
interface RouteCase {
	method: string;
	path: () => string;
	body?: unknown;
	/** Expected status per actor; actors not listed must be allowed (2xx). */
	expect: Partial<Record<Who, number>>;
}

const eng = () => cast.engagementId;
const org = () => `/api/v1/organisations/${cast.organisationId}`;
// Engagement members who are not members of the facilitator organisation see none of its templates.
const notInOrg = { anonymous: 401, outsider: 404, observer: 404, member: 404 } as const;
const routes: RouteCase[] = [
	{ method: 'GET', path: () => '/api/v1/me', expect: { anonymous: 401 } },
	{ method: 'PATCH', path: () => '/api/v1/me', body: { locale: 'es' }, expect: { anonymous: 401 } },
	{ method: 'POST', path: () => '/api/v1/me/password', body: { currentPassword: 'nope-nope', newPassword: 'whatever-123' }, expect: { anonymous: 401, outsider: 401, observer: 401, member: 401 } },
	{ method: 'GET', path: () => '/api/v1/tokens', expect: { anonymous: 401 } },
	{ method: 'POST', path: () => '/api/v1/tokens', body: {}, expect: { anonymous: 401 } },
	{ method: 'DELETE', path: () => '/api/v1/tokens/unknownid', expect: { anonymous: 401, outsider: 404, observer: 404, member: 404 } },
	{ method: 'POST', path: () => '/api/v1/setup', body: { email: 'e@example.org', name: 'E', password: 'password-1', organisationName: 'O' }, expect: { anonymous: 409, outsider: 409, observer: 409, member: 409 } },
	{ method: 'POST', path: () => '/api/v1/engagements', body: { coopName: 'Nope' }, expect: { anonymous: 401, outsider: 403, observer: 403, member: 403 } },
	{ method: 'GET', path: () => '/api/v1/engagements', expect: { anonymous: 401 } },
	{ method: 'GET', path: () => `/api/v1/engagements/${eng()}`, expect: { anonymous: 401, outsider: 404 } },
	{ method: 'GET', path: () => `/api/v1/engagements/${eng()}/members`, expect: { anonymous: 401, outsider: 404 } },
	{ method: 'PATCH', path: () => `/api/v1/engagements/${eng()}/members/${cast.ids.member}`, body: { role: 'facilitator' }, expect: { anonymous: 401, outsider: 404, observer: 403, member: 403 } },
	{ method: 'DELETE', path: () => `/api/v1/engagements/${eng()}/members/${cast.ids.facilitator}`, expect: { anonymous: 401, outsider: 404, observer: 403, member: 403 } },
	{ method: 'POST', path: () => `/api/v1/engagements/${eng()}/invitations`, body: { role: 'facilitator' }, expect: { anonymous: 401, outsider: 404, observer: 403, member: 403 } },
	{ method: 'GET', path: () => `/api/v1/engagements/${eng()}/invitations`, expect: { anonymous: 401, outsider: 404, observer: 403, member: 403 } },
	{ method: 'DELETE', path: () => `/api/v1/engagements/${eng()}/invitations/whatever`, expect: { anonymous: 401, outsider: 404, observer: 403, member: 403 } },
	{ method: 'GET', path: () => `/api/v1/engagements/${eng()}/sessions`, expect: { anonymous: 401, outsider: 404 } },
	{ method: 'POST', path: () => `/api/v1/engagements/${eng()}/sessions`, body: { type: 'diagnosis' }, expect: { anonymous: 401, outsider: 404, observer: 403, member: 403 } },
	{ method: 'POST', path: () => `/api/v1/engagements/${eng()}/sessions/none/end`, body: {}, expect: { anonymous: 401, outsider: 404, observer: 403, member: 403 } },
	{ method: 'GET', path: () => '/api/v1/organisations', expect: { anonymous: 401 } },
	{ method: 'GET', path: () => `${org()}/templates`, expect: notInOrg },
	{ method: 'POST', path: () => `${org()}/templates`, body: {}, expect: notInOrg },
	{ method: 'GET', path: () => `${org()}/templates/${templateId}/versions/1`, expect: notInOrg },
	{ method: 'POST', path: () => `${org()}/templates/${templateId}/versions`, body: { baseVersion: 1, content: { name: { ca: 'a', es: 'a', en: 'a' }, dimensions: [] } }, expect: notInOrg },
	{ method: 'GET', path: () => `/api/v1/engagements/${eng()}/templates`, expect: { anonymous: 401, outsider: 404, observer: 403, member: 403 } },
	{ method: 'POST', path: () => `/api/v1/engagements/${eng()}/template-uses`, body: { id: DEFAULT_TEMPLATE_ID, version: 1 }, expect: { anonymous: 401, outsider: 404, observer: 403, member: 403 } },
	{ method: 'POST', path: () => '/api/v1/invitations/accept', body: { token: 'forgedforgedforged' }, expect: { anonymous: 401, outsider: 410, observer: 410, member: 410 } }
];

async function snapshot() {
	const db = t.database.db;
	return {
		engagements: (await db.select().from(engagements)).length,
		memberships: JSON.stringify((await db.select().from(memberships)).map((m) => [m.engagementId, m.userId, m.role]).sort()),
		invitations: JSON.stringify((await db.select().from(invitations)).map((i) => [i.id, i.revokedAt?.getTime() ?? null]).sort()),
		tokens: (await db.select().from(apiTokens)).length,
		templateVersions: JSON.stringify((await db.select().from(diagnosisTemplateVersions)).map((v) => [v.templateId, v.version, v.firstUsedAt?.getTime() ?? null]).sort()),
		audit: (await db.select().from(auditLog)).length
	};
}

describe('API authorization matrix', () => {
	for (const who of ['anonymous', 'outsider', 'observer', 'member'] as const) {
		it(`refuses ${who} on every route it may not use, changing nothing`, async () => {
			const client: ApiClient = cast[who];
			for (const r of routes) {
				const expected = r.expect[who];
				if (expected === undefined) continue;
				const before = await snapshot();
				const res = await client.request(r.method, r.path(), r.body);
				expect(res.status, `${who} ${r.method} ${r.path()}`).toBe(expected);
				expect(res.json?.error?.code, `${who} ${r.method} ${r.path()} error body`).toEqual(expect.any(String));
				expect(await snapshot(), `${who} ${r.method} ${r.path()} changed data`).toEqual(before);
			}
		});
	}

	it('lets each allowed actor through (the matrix is not vacuous)', async () => {
		for (const who of ['outsider', 'observer', 'member'] as const) {
			for (const r of routes) {
				if (r.expect[who] !== undefined || r.method !== 'GET') continue;
				const res = await cast[who].request(r.method, r.path());
				expect(res.status, `${who} ${r.method} ${r.path()}`).toBe(200);
			}
		}
	});
});

function upgradeStatus(url: string, cookie?: string | null): Promise<number> {
	return new Promise((resolve, reject) => {
		const ws = new WebSocket(url, { headers: cookie ? { cookie } : {} });
		ws.on('unexpected-response', (_req, res) => {
			resolve(res.statusCode ?? 0);
			ws.terminate();
		});
		ws.on('open', () => {
			resolve(101);
			ws.close();
		});
		ws.on('error', (err) => {
			if (!String(err.message).includes('Unexpected server response')) reject(err);
		});
	});
}

describe('WebSocket authorization at upgrade', () => {
	it('refuses anonymous (401), outsiders (404), unknown doc names (404) and other people’s private docs (404)', async () => {
		const ws = `${t.wsUrl}/${cast.docName}`;
		expect(await upgradeStatus(ws)).toBe(401);
		expect(await upgradeStatus(ws, 'teixit_session=forged')).toBe(401);
		expect(await upgradeStatus(ws, cast.outsider.cookie)).toBe(404);
		expect(await upgradeStatus(`${t.wsUrl}/not-a-doc`, cast.member.cookie)).toBe(404);
		expect(await upgradeStatus(`${t.wsUrl}/${eng()}.private.${cast.ids.facilitator}`, cast.member.cookie)).toBe(404);
		expect(await upgradeStatus(`${t.wsUrl}/${eng()}.private.${cast.ids.observer}`, cast.observer.cookie)).toBe(404);
	});

	it('lets members, observers and owners of private docs upgrade', async () => {
		expect(await upgradeStatus(`${t.wsUrl}/${cast.docName}`, cast.member.cookie)).toBe(101);
		expect(await upgradeStatus(`${t.wsUrl}/${cast.docName}`, cast.observer.cookie)).toBe(101);
		expect(await upgradeStatus(`${t.wsUrl}/${eng()}.private.${cast.ids.member}`, cast.member.cookie)).toBe(101);
	});
});
