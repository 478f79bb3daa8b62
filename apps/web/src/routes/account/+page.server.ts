import { fail, redirect } from '@sveltejs/kit';
import type { User } from '@teixit/core';
import { m } from '$lib/paraglide/messages.js';
import { getLocale, isLocale } from '$lib/paraglide/runtime';
import { isDomainError, runtime } from '$lib/server/core';
import { raw, text, type FormFailure } from '$lib/server/forms';
import { setLocaleCookie } from '$lib/server/locale';
import { startSession } from '$lib/server/session';
import type { Actions, PageServerLoad } from './$types';

type AccountForm = 'language' | 'password' | 'token' | 'tokens';
type AccountResult = FormFailure & { form: AccountForm; success?: boolean; token?: { name: string; value: string } };

/** A successful result, type-checked against AccountResult without widening it away. */
const result = (r: AccountResult): AccountResult => r;

function requireUser(locals: App.Locals): User {
	if (!locals.user) redirect(303, '/login?redirectTo=%2Faccount');
	return locals.user;
}

export const load: PageServerLoad = async ({ locals }) => {
	const user = requireUser(locals);
	const { core } = await runtime();
	const tokens = user.isGuest ? [] : await core.auth.listApiTokens(user.id);
	return {
		profile: { name: user.name, email: user.email, isGuest: user.isGuest, locale: user.locale ?? getLocale() },
		tokens: tokens.map((t) => ({ id: t.id, name: t.name, createdAt: t.createdAt.toISOString(), lastUsedAt: t.lastUsedAt?.toISOString() ?? null }))
	};
};

export const actions: Actions = {
	language: async ({ request, locals, cookies }) => {
		const user = requireUser(locals);
		const locale = text(await request.formData(), 'locale');
		if (!isLocale(locale)) return fail<AccountResult>(400, { form: 'language', message: m.error_generic() });
		const { core } = await runtime();
		await core.users.setLocale(user.id, locale);
		setLocaleCookie(cookies, locale);
		// Reload so every message re-renders in the new language.
		redirect(303, '/account?saved=language');
	},

	password: async ({ request, locals, cookies }) => {
		const user = requireUser(locals);
		if (user.isGuest) return fail<AccountResult>(403, { form: 'password', message: m.error_forbidden() });
		const fd = await request.formData();
		const current = raw(fd, 'current');
		const next = raw(fd, 'next');
		const errors: Record<string, string> = {};
		if (!current) errors.current = m.field_required();
		if (next.length < 8 || next.length > 200) errors.next = m.field_password_length();
		if (Object.keys(errors).length > 0) return fail<AccountResult>(400, { form: 'password', errors, message: m.form_has_errors() });

		const { core } = await runtime();
		try {
			// Ends every session of the user and issues a fresh one for this browser.
			const issued = await core.auth.changePassword(user.id, current, next);
			await startSession(cookies, issued);
		} catch (e) {
			if (isDomainError(e) && e.code === 'invalid_credentials') {
				return fail<AccountResult>(400, { form: 'password', errors: { current: m.account_password_wrong() } });
			}
			if (isDomainError(e) && e.code === 'invalid_input') {
				return fail<AccountResult>(400, { form: 'password', errors: { next: m.field_password_length() } });
			}
			throw e;
		}
		return result({ form: 'password', success: true, message: m.account_password_changed() });
	},

	createToken: async ({ request, locals }) => {
		const user = requireUser(locals);
		if (user.isGuest) return fail<AccountResult>(403, { form: 'token', message: m.error_forbidden() });
		const name = text(await request.formData(), 'name');
		if (!name || name.length > 100) {
			return fail<AccountResult>(400, { form: 'token', values: { name }, errors: { name: name ? m.field_text_too_long() : m.field_required() } });
		}
		const { core } = await runtime();
		const created = await core.auth.createApiToken(user.id, name);
		// Shown exactly once, in this response.
		return result({ form: 'token', success: true, token: { name: created.name, value: created.token } });
	},

	revokeToken: async ({ request, locals }) => {
		const user = requireUser(locals);
		const id = text(await request.formData(), 'tokenId');
		const { core } = await runtime();
		try {
			await core.auth.revokeApiToken(user.id, id);
		} catch (e) {
			if (isDomainError(e) && e.code === 'not_found') return fail<AccountResult>(404, { form: 'tokens', message: m.error_generic() });
			throw e;
		}
		return result({ form: 'tokens', success: true, message: m.tokens_revoked() });
	}
};
