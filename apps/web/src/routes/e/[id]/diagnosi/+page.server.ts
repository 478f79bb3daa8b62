// The live diagnosis of one engagement: who I am there, which documents I may open (and how), the people
// (for names next to agreed scores), and, for facilitators, the running workshop session and hour budget.
import { error } from '@sveltejs/kit';
import type { Role } from '$lib/i18n';
import { memberEngagement } from '$lib/server/engagement';
import type { PageServerLoad } from './$types';

export const load: PageServerLoad = async ({ locals, params, url }) => {
	const { user, core, engagement } = await memberEngagement({ locals, params, url });
	const role = engagement.role as Role;
	const doc = (kind: string) => engagement.documents.find((d) => d.kind === kind);
	const workspace = doc('workspace');
	const facilitation = doc('facilitation');
	const results = doc('results');
	const mine = doc('private');
	if (!workspace || !facilitation || !results) error(404, { message: 'Not found' });

	const facilitator = role === 'facilitator';
	const [members, sessions, templates, organisations] = await Promise.all([
		core.engagements.listMembers(user, engagement.id),
		facilitator ? core.sessions.list(user, engagement.id) : Promise.resolve(null),
		facilitator ? core.templates.forEngagement(user, engagement.id) : Promise.resolve([]),
		facilitator ? core.templates.organisationsFor(user) : Promise.resolve([])
	]);

	return {
		engagement: { id: engagement.id, coopName: engagement.coopName, role },
		docs: { workspace: workspace.name, facilitation: facilitation.name, results: results.name, private: mine?.access === 'write' ? mine.name : null },
		access: { workspace: workspace.access === 'write', facilitation: facilitation.access === 'write' },
		me: { id: user.id, name: user.name },
		// Template versions a new run can start on, and where to manage them (organisation members only).
		templates: templates.map((t) => ({ id: t.id, builtIn: t.builtIn, name: t.name, latestVersion: t.latestVersion, versions: t.versions.map((v) => ({ version: v.version })) })),
		templatesOrg: organisations.some((o) => o.id === engagement.organisationId) ? engagement.organisationId : null,
		members: members.map((mb) => ({ userId: mb.userId, name: mb.name, role: mb.role as Role })),
		sessions: sessions
			? {
					current: sessions.sessions.find((s) => s.endedAt === null) ?? null,
					budget: sessions.budget
				}
			: null
	};
};
