// History pages of one engagement: who I am there and whether I may write each document. The history
// itself is fetched by the browser from /api/v1 (same rules, enforced by the server).
import { memberEngagement } from '$lib/server/engagement';
import type { LayoutServerLoad } from './$types';

export const load: LayoutServerLoad = async ({ locals, params, url }) => {
	const { engagement } = await memberEngagement({ locals, params, url });
	const access = (kind: string) => engagement.documents.find((d) => d.kind === kind)?.access === 'write';
	return {
		engagement: { id: engagement.id, coopName: engagement.coopName, role: engagement.role },
		canWrite: { workspace: access('workspace'), facilitation: access('facilitation') }
	};
};
