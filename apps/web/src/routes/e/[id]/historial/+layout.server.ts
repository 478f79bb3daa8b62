// History pages of one engagement: who I am there and whether I may write each document. The history
// itself is fetched by the browser from /api/v1 (same rules, enforced by the server).
import { error, redirect } from '@sveltejs/kit';
import { isDomainError, runtime } from '$lib/server/core';
import type { LayoutServerLoad } from './$types';

export const load: LayoutServerLoad = async ({ locals, params, url }) => {
	const user = locals.user;
	if (!user) redirect(303, `/login?redirectTo=${encodeURIComponent(url.pathname + url.search)}`);
	const { core } = await runtime();
	let engagement;
	try {
		engagement = await core.engagements.get(user, params.id);
	} catch (e) {
		if (isDomainError(e) && (e.code === 'not_found' || e.code === 'forbidden')) error(404, { message: 'Not found' });
		throw e;
	}
	const access = (kind: string) => engagement.documents.find((d) => d.kind === kind)?.access === 'write';
	return {
		engagement: { id: engagement.id, coopName: engagement.coopName, role: engagement.role },
		canWrite: { workspace: access('workspace'), facilitation: access('facilitation') }
	};
};
