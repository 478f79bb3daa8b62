// An organisation's diagnosis templates: the built-in default and the organisation's own copies, each
// with its versions. Copying is a form action, so it works before the page's JavaScript loads.
import { error, fail, redirect } from '@sveltejs/kit';
import { m } from '$lib/paraglide/messages.js';
import { isDomainError, runtime } from '$lib/server/core';
import type { Actions, PageServerLoad } from './$types';

export const load: PageServerLoad = async ({ locals, params, url }) => {
	const user = locals.user;
	if (!user) redirect(303, `/login?redirectTo=${encodeURIComponent(url.pathname)}`);
	const { core } = await runtime();
	const org = (await core.templates.organisationsFor(user)).find((o) => o.id === params.orgId);
	if (!org) error(404, { message: 'Not found' });
	const templates = await core.templates.list(user, org.id);
	return { org, templates };
};

export const actions: Actions = {
	copy: async ({ locals, params, request }) => {
		const user = locals.user;
		if (!user) redirect(303, '/login');
		const fd = await request.formData();
		const from = { id: String(fd.get('id') ?? ''), version: Number(fd.get('version')) };
		const { core } = await runtime();
		let id: string;
		try {
			id = (await core.templates.create(user, params.orgId, { from })).template.id;
		} catch (e) {
			if (isDomainError(e) && e.code === 'forbidden') return fail(403, { message: m.tpl_read_only() });
			if (isDomainError(e) && (e.code === 'not_found' || e.code === 'invalid_input')) return fail(e.status, { message: m.error_generic() });
			throw e;
		}
		redirect(303, `/plantilles/${params.orgId}/${id}`);
	}
};
