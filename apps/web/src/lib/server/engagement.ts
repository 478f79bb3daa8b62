// The engagement an engagement page is about, for its signed-in member: anonymous visitors go to the login
// (and come back), non-members get 404, never 403, so an engagement's existence does not leak.
import { error, redirect } from '@sveltejs/kit';
import { isDomainError, runtime } from './core';

export async function memberEngagement({ locals, params, url }: { locals: App.Locals; params: { id: string }; url: URL }) {
	const user = locals.user;
	if (!user) redirect(303, `/login?redirectTo=${encodeURIComponent(url.pathname + url.search)}`);
	const { core } = await runtime();
	try {
		return { user, core, engagement: await core.engagements.get(user, params.id) };
	} catch (e) {
		if (isDomainError(e) && (e.code === 'not_found' || e.code === 'forbidden')) error(404, { message: 'Not found' });
		throw e;
	}
}
