import { error, redirect } from '@sveltejs/kit';
import { isLocale } from '$lib/paraglide/runtime';
import { runtime } from '$lib/server/core';
import { setLocaleCookie } from '$lib/server/locale';
import { safeRedirect } from '$lib/server/redirect';
import type { RequestHandler } from './$types';

/** The header's language switcher: remember the choice (cookie; and the account, when signed in) and go back. */
export const POST: RequestHandler = async ({ request, cookies, locals }) => {
	const fd = await request.formData();
	const locale = fd.get('locale');
	if (!isLocale(locale)) error(400, { message: 'Unknown language' });
	setLocaleCookie(cookies, locale);
	if (locals.user) {
		const { core } = await runtime();
		await core.users.setLocale(locals.user.id, locale);
	}
	redirect(303, safeRedirect(fd.get('redirectTo')));
};
