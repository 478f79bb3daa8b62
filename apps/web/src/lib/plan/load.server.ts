// Shared server load of the plan and hypotheses pages: who I am in the engagement, the workspace document
// (write access as the server grants it), the people (owners must be members) and the workshop sessions
// (for "review last session's actions").
import { error } from '@sveltejs/kit';
import type { Role } from '$lib/i18n';
import { memberEngagement } from '$lib/server/engagement';
import type { PlanPageData } from './types';

export async function loadPlanPage({ locals, params, url }: { locals: App.Locals; params: { id: string }; url: URL }): Promise<PlanPageData> {
	const { user, core, engagement } = await memberEngagement({ locals, params, url });
	const workspace = engagement.documents.find((d) => d.kind === 'workspace');
	if (!workspace) error(404, { message: 'Not found' });
	const [members, sessions] = await Promise.all([core.engagements.listMembers(user, engagement.id), core.sessions.list(user, engagement.id)]);
	return {
		engagement: { id: engagement.id, coopName: engagement.coopName, role: engagement.role as Role },
		docName: workspace.name,
		canWrite: workspace.access === 'write',
		me: { id: user.id, name: user.name },
		members: members.map((mb) => ({ userId: mb.userId, name: mb.name, role: mb.role as Role })),
		sessions: sessions.sessions.map((s) => ({ id: s.id, type: s.type, startedAt: s.startedAt, endedAt: s.endedAt })),
		// Session details (attendees, notes) only for facilitators, like the diagnosis page.
		currentSession: engagement.role === 'facilitator' ? (sessions.sessions.find((s) => s.endedAt === null) ?? null) : null,
		budget: engagement.role === 'facilitator' ? sessions.budget : null
	};
}
