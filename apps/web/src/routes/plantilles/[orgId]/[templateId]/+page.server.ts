// One template of an organisation: the latest version in the editor (or an older one, read only).
import { error, redirect } from '@sveltejs/kit';
import { isDomainError, runtime } from '$lib/server/core';
import type { PageServerLoad } from './$types';

export const load: PageServerLoad = async ({ locals, params, url }) => {
	const user = locals.user;
	if (!user) redirect(303, `/login?redirectTo=${encodeURIComponent(url.pathname + url.search)}`);
	const { core } = await runtime();
	const org = (await core.templates.organisationsFor(user)).find((o) => o.id === params.orgId);
	if (!org) error(404, { message: 'Not found' });
	const summary = (await core.templates.list(user, org.id)).find((t) => t.id === params.templateId && !t.builtIn);
	if (!summary) error(404, { message: 'Not found' });
	const asked = Number(url.searchParams.get('v'));
	const version = Number.isInteger(asked) && asked >= 1 ? asked : summary.latestVersion;
	try {
		const detail = await core.templates.get(user, org.id, summary.id, version);
		return { org, summary, detail, editable: org.canEdit && version === summary.latestVersion };
	} catch (e) {
		if (isDomainError(e) && e.code === 'not_found') error(404, { message: 'Not found' });
		throw e;
	}
};
