// Sets up the cast of an authorization scenario: an admin facilitator, a member, an observer and an
// outsider, each with a signed-in API client, around one engagement.
import { createCore } from '@teixit/core';
import type { TestApp } from './app.ts';
import { ApiClient } from './http.ts';

export interface Cast {
	engagementId: string;
	/** The facilitator organisation created at setup (the engagement belongs to it). */
	organisationId: string;
	docName: string;
	facilitator: ApiClient;
	member: ApiClient;
	observer: ApiClient;
	outsider: ApiClient;
	anonymous: ApiClient;
	ids: Record<'facilitator' | 'member' | 'observer' | 'outsider', string>;
}

export async function castOf(t: TestApp): Promise<Cast> {
	const core = createCore({ db: t.database.db, publicOrigin: t.url });
	const facilitator = new ApiClient(t.url);
	const setup = await facilitator.post('/api/v1/setup', { email: 'fac@example.org', name: 'Fàtima', password: 'facilitator-pw', organisationName: 'Calidoscoop' });
	if (setup.status !== 201) throw new Error(`setup failed: ${setup.text}`);
	const eng = await facilitator.post('/api/v1/engagements', { coopName: 'Ilabso' });
	const ids = { facilitator: setup.json.id } as Cast['ids'];
	const clients: Record<string, ApiClient> = {};
	for (const role of ['member', 'observer', 'outsider'] as const) {
		const user = await core.users.create({ email: `${role}@example.org`, name: role, password: `${role}-password` });
		ids[role] = user.id;
		const c = new ApiClient(t.url);
		await c.post('/api/v1/auth/login', { email: `${role}@example.org`, password: `${role}-password` });
		if (role !== 'outsider') {
			const inv = await facilitator.post(`/api/v1/engagements/${eng.json.id}/invitations`, { role });
			await c.post('/api/v1/invitations/accept', { token: inv.json.token });
		}
		clients[role] = c;
	}
	return {
		engagementId: eng.json.id,
		organisationId: eng.json.organisationId,
		docName: eng.json.docName,
		facilitator,
		member: clients.member!,
		observer: clients.observer!,
		outsider: clients.outsider!,
		anonymous: new ApiClient(t.url),
		ids
	};
}
