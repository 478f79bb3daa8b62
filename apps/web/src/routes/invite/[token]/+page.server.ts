import { error, fail, redirect } from '@sveltejs/kit';
import type { IssuedSession } from '@teixit/core';
import { m } from '$lib/paraglide/messages.js';
import { getLocale } from '$lib/paraglide/runtime';
import { isDomainError, runtime } from '$lib/server/core';
import { fieldErrorsFrom, hasErrors, isEmail, raw, text, type FieldErrors, type FormFailure } from '$lib/server/forms';
import { startSession } from '$lib/server/session';
import type { Actions, PageServerLoad } from './$types';

/** Invalid, expired or revoked links: 410 Gone, explained by the error page in the user's language. */
function gone(e: unknown): never {
	if (isDomainError(e) && e.code === 'invitation_invalid') {
		const reason = typeof e.details?.reason === 'string' ? e.details.reason : undefined;
		error(410, { message: 'Invitation no longer valid', code: 'invitation_invalid', reason });
	}
	throw e;
}

export const load: PageServerLoad = async ({ params, locals }) => {
	const { core } = await runtime();
	const invitation = await core.invitations.preview(params.token).catch(gone);
	const user = locals.user;
	// A guest belongs to one engagement: they can only "join" the one they are already in.
	const guestAlreadyMember = user?.isGuest ? (await core.engagements.roleOf(user.id, invitation.engagementId)) !== null : false;
	return {
		invitation: { coopName: invitation.coopName, role: invitation.role, expiresAt: invitation.expiresAt },
		guestAlreadyMember
	};
};

type InviteForm = 'account' | 'guest' | 'join';

async function enter(cookies: import('@sveltejs/kit').Cookies, issued: IssuedSession) {
	const { core } = await runtime();
	// A new person keeps the language they were reading the invitation in.
	await core.users.setLocale(issued.user.id, getLocale());
	await startSession(cookies, { ...issued, user: { ...issued.user, locale: getLocale() } });
}

export const actions: Actions = {
	join: async ({ params, locals, url }) => {
		if (!locals.user) redirect(303, `/login?redirectTo=${encodeURIComponent(url.pathname)}`);
		const { core } = await runtime();
		let engagementId: string;
		try {
			({ engagementId } = await core.invitations.accept(locals.user, params.token));
		} catch (e) {
			if (isDomainError(e) && e.code === 'forbidden') {
				return fail<FormFailure>(403, { form: 'join' as InviteForm, message: m.invite_guest_signed_in({ name: locals.user.name }) });
			}
			gone(e);
		}
		redirect(303, `/e/${engagementId}`);
	},

	account: async ({ params, request, cookies }) => {
		const fd = await request.formData();
		const input = { name: text(fd, 'name'), email: text(fd, 'email'), password: raw(fd, 'password') };
		const values = { name: input.name, email: input.email };
		const errors: FieldErrors = {};
		if (!input.name || input.name.length > 120) errors.name = m.field_name_invalid();
		if (!isEmail(input.email)) errors.email = m.field_email_invalid();
		if (input.password.length < 8 || input.password.length > 200) errors.password = m.field_password_length();
		if (hasErrors(errors)) return fail<FormFailure>(400, { form: 'account' as InviteForm, values, errors, message: m.form_has_errors() });

		const { core } = await runtime();
		let engagementId: string;
		try {
			const issued = await core.invitations.acceptWithNewAccount(params.token, input);
			engagementId = issued.engagementId;
			await enter(cookies, issued);
		} catch (e) {
			if (isDomainError(e) && e.code === 'conflict') {
				return fail<FormFailure>(409, { form: 'account' as InviteForm, values, errors: { email: m.invite_email_taken() } });
			}
			if (isDomainError(e) && e.code === 'invalid_input') {
				const errors = fieldErrorsFrom(e, { name: m.field_name_invalid, email: m.field_email_invalid, password: m.field_password_length });
				return fail<FormFailure>(400, { form: 'account' as InviteForm, values, errors, message: m.form_has_errors() });
			}
			gone(e);
		}
		redirect(303, `/e/${engagementId}`);
	},

	guest: async ({ params, request, cookies }) => {
		const fd = await request.formData();
		const name = text(fd, 'name');
		if (!name || name.length > 120) {
			return fail<FormFailure>(400, { form: 'guest' as InviteForm, values: { name }, errors: { name: m.field_name_invalid() } });
		}
		const { core } = await runtime();
		let engagementId: string;
		try {
			const issued = await core.invitations.acceptAsGuest(params.token, name);
			engagementId = issued.engagementId;
			await enter(cookies, issued);
		} catch (e) {
			if (isDomainError(e) && e.code === 'invalid_input') {
				return fail<FormFailure>(400, { form: 'guest' as InviteForm, values: { name }, errors: { name: m.field_name_invalid() } });
			}
			gone(e);
		}
		redirect(303, `/e/${engagementId}`);
	}
};
