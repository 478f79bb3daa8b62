import { fail, redirect } from '@sveltejs/kit';
import { m } from '$lib/paraglide/messages.js';
import { getLocale } from '$lib/paraglide/runtime';
import { isDomainError, runtime } from '$lib/server/core';
import { fieldErrorsFrom, hasErrors, isEmail, raw, text, type FieldErrors, type FormFailure } from '$lib/server/forms';
import { startSession } from '$lib/server/session';
import type { Actions, PageServerLoad } from './$types';

export const load: PageServerLoad = async () => {
	const { core } = await runtime();
	if (!(await core.setup.needed())) redirect(303, '/login');
	return {};
};

export const actions: Actions = {
	default: async ({ request, cookies }) => {
		const fd = await request.formData();
		const input = { organisationName: text(fd, 'organisationName'), name: text(fd, 'name'), email: text(fd, 'email'), password: raw(fd, 'password') };
		const values = { organisationName: input.organisationName, name: input.name, email: input.email };
		const errors: FieldErrors = {};
		if (!input.organisationName) errors.organisationName = m.field_required();
		else if (input.organisationName.length > 200) errors.organisationName = m.field_text_too_long();
		if (!input.name || input.name.length > 120) errors.name = m.field_name_invalid();
		if (!isEmail(input.email)) errors.email = m.field_email_invalid();
		if (input.password.length < 8 || input.password.length > 200) errors.password = m.field_password_length();
		if (hasErrors(errors)) return fail<FormFailure>(400, { values, errors, message: m.form_has_errors() });

		const { core } = await runtime();
		try {
			const issued = await core.setup.createFirstAdmin(input);
			await core.users.setLocale(issued.user.id, getLocale());
			await startSession(cookies, issued);
		} catch (e) {
			if (isDomainError(e) && e.code === 'setup_done') redirect(303, '/login');
			if (isDomainError(e) && e.code === 'invalid_input') {
				const errors = fieldErrorsFrom(e, {
					organisationName: m.field_required,
					name: m.field_name_invalid,
					email: m.field_email_invalid,
					password: m.field_password_length
				});
				return fail<FormFailure>(400, { values, errors, message: m.form_has_errors() });
			}
			throw e;
		}
		redirect(303, '/');
	}
};
