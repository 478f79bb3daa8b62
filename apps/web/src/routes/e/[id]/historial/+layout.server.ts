// History pages of one engagement: who I am there, whether I may write each document, and what a version
// page needs to render the live pages' own components over a version (document names, people's names).
// The history itself is fetched by the browser from /api/v1 (same rules, enforced by the server).
import type { Role } from '$lib/i18n';
import { memberEngagement } from '$lib/server/engagement';
import type { LayoutServerLoad } from './$types';

export const load: LayoutServerLoad = async ({ locals, params, url }) => {
	const { user, core, engagement } = await memberEngagement({ locals, params, url });
	const doc = (kind: string) => engagement.documents.find((d) => d.kind === kind);
	const access = (kind: string) => doc(kind)?.access === 'write';
	const members = await core.engagements.listMembers(user, engagement.id);
	return {
		engagement: { id: engagement.id, coopName: engagement.coopName, role: engagement.role as Role },
		canWrite: { workspace: access('workspace'), facilitation: access('facilitation') },
		me: { id: user.id, name: user.name },
		members: members.map((mb) => ({ userId: mb.userId, name: mb.name, role: mb.role as Role })),
		// Never the private document: a version has none.
		docs: { workspace: doc('workspace')?.name ?? `${engagement.id}.workspace`, facilitation: doc('facilitation')?.name ?? `${engagement.id}.facilitation`, results: doc('results')?.name ?? `${engagement.id}.results`, private: null }
	};
};
