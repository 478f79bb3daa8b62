// The DAFO/CAME board of one engagement: who I am there, which documents I may open (and how), and the
// people (author names on named cards; action owners) and, for facilitators, the running workshop session
// and hour budget.
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
	const [members, sessions] = await Promise.all([
		core.engagements.listMembers(user, engagement.id),
		role === 'facilitator' ? core.sessions.list(user, engagement.id) : Promise.resolve(null)
	]);
	return {
		engagement: { id: engagement.id, coopName: engagement.coopName, role },
		docs: { workspace: workspace.name, facilitation: facilitation.name, results: results.name, private: mine?.access === 'write' ? mine.name : null },
		access: { workspace: workspace.access === 'write', facilitation: facilitation.access === 'write' },
		me: { id: user.id, name: user.name },
		members: members.map((mb) => ({ userId: mb.userId, name: mb.name, role: mb.role as Role })),
		sessions: sessions ? { current: sessions.sessions.find((s) => s.endedAt === null) ?? null, budget: sessions.budget } : null
	};
};
