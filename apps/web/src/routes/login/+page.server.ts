import { fail, redirect } from '@sveltejs/kit';
import { m } from '$lib/paraglide/messages.js';
import { isDomainError, runtime } from '$lib/server/core';
import { raw, text, type FieldErrors, type FormFailure } from '$lib/server/forms';
import { safeRedirect } from '$lib/server/redirect';
import { startSession } from '$lib/server/session';
import type { Actions, PageServerLoad } from './$types';

export const load: PageServerLoad = async ({ locals, url }) => {
	const redirectTo = safeRedirect(url.searchParams.get('redirectTo'));
	if (locals.user) redirect(303, redirectTo);
	const { core } = await runtime();
	if (await core.setup.needed()) redirect(303, '/setup');
	return { redirectTo };
};

function clientAddress(getClientAddress: () => string): string {
	try {
		return getClientAddress();
	} catch {
		return 'unknown';
	}
}

export const actions: Actions = {
	default: async ({ request, cookies, getClientAddress }) => {
		const fd = await request.formData();
		const email = text(fd, 'email');
		const password = raw(fd, 'password');
		const redirectTo = safeRedirect(fd.get('redirectTo'));
		const values = { email };
		if (!email || !password) {
			const errors: FieldErrors = {};
			if (!email) errors.email = m.field_required();
			if (!password) errors.password = m.field_required();
			return fail<FormFailure>(400, { values, errors });
		}

		const { core } = await runtime();
		try {
			const issued = await core.auth.login({ email, password }, clientAddress(getClientAddress));
			await startSession(cookies, issued);
		} catch (e) {
			if (isDomainError(e) && e.code === 'throttled') {
				const seconds = Number(e.details?.retryAfterSeconds ?? 60);
				return fail<FormFailure>(429, { values, message: m.login_throttled({ minutes: Math.max(1, Math.ceil(seconds / 60)) }) });
			}
			// Same answer for an unknown email and a wrong password: never reveal whether an account exists.
			if (isDomainError(e) && (e.code === 'invalid_credentials' || e.code === 'invalid_input')) {
				return fail<FormFailure>(400, { values, message: m.login_invalid() });
			}
			throw e;
		}
		redirect(303, redirectTo);
	}
};
