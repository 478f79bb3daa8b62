import { fail, redirect } from '@sveltejs/kit';
import { m } from '$lib/paraglide/messages.js';
import { getLocale, isLocale } from '$lib/paraglide/runtime';
import { coreModule, isDomainError, runtime } from '$lib/server/core';
import { fieldErrorsFrom, hasErrors, text, type FieldErrors, type FormFailure } from '$lib/server/forms';
import type { Actions, PageServerLoad } from './$types';

const isoDate = /^\d{4}-\d{2}-\d{2}$/;
const realDate = (s: string) => isoDate.test(s) && !Number.isNaN(Date.parse(`${s}T00:00:00Z`)) && new Date(`${s}T00:00:00Z`).toISOString().startsWith(s);

export const load: PageServerLoad = async ({ locals }) => {
	const { core } = await runtime();
	const user = locals.user;
	if (!user) redirect(303, (await core.setup.needed()) ? '/setup' : '/login');

	const [engagements, canCreate, organisations] = await Promise.all([core.engagements.listFor(user), core.engagements.canCreate(user), core.templates.organisationsFor(user)]);
	let defaults = null;
	if (canCreate) {
		const { plusTwelveMonths } = await coreModule();
		const today = new Date().toISOString().slice(0, 10);
		defaults = { startDate: today, endDate: plusTwelveMonths(today), hourBudget: 90, locale: getLocale() };
	}
	return {
		engagements: engagements.map((e) => ({ id: e.id, coopName: e.coopName, role: e.role, phase: e.phase, startDate: e.startDate, endDate: e.endDate })),
		canCreate,
		defaults,
		organisations
	};
};

export const actions: Actions = {
	create: async ({ request, locals }) => {
		const user = locals.user;
		if (!user) redirect(303, '/login');
		const fd = await request.formData();
		const values = {
			coopName: text(fd, 'coopName'),
			startDate: text(fd, 'startDate'),
			endDate: text(fd, 'endDate'),
			hourBudget: text(fd, 'hourBudget'),
			locale: text(fd, 'locale')
		};
		const errors: FieldErrors = {};
		if (!values.coopName) errors.coopName = m.field_required();
		else if (values.coopName.length > 200) errors.coopName = m.field_text_too_long();
		if (values.startDate && !realDate(values.startDate)) errors.startDate = m.field_date_invalid();
		if (values.endDate && !realDate(values.endDate)) errors.endDate = m.field_date_invalid();
		else if (values.endDate && values.startDate && !errors.startDate && values.endDate <= values.startDate) errors.endDate = m.field_end_before_start();
		const hours = values.hourBudget ? Number(values.hourBudget) : 90;
		if (!Number.isFinite(hours) || hours < 1 || hours > 10000) errors.hourBudget = m.field_hours_invalid();
		if (hasErrors(errors)) return fail<FormFailure>(400, { values, errors, message: m.form_has_errors() });

		const { core } = await runtime();
		let id: string;
		try {
			const created = await core.engagements.create(user, {
				coopName: values.coopName,
				...(values.startDate && { startDate: values.startDate }),
				...(values.endDate && { endDate: values.endDate }),
				hourBudget: hours,
				locale: isLocale(values.locale) ? values.locale : getLocale()
			});
			id = created.id;
		} catch (e) {
			if (isDomainError(e) && e.code === 'forbidden') return fail<FormFailure>(403, { values, message: m.error_forbidden() });
			if (isDomainError(e) && e.code === 'invalid_input') {
				const errors = fieldErrorsFrom(e, {
					coopName: m.field_required,
					startDate: m.field_date_invalid,
					endDate: m.field_end_before_start,
					hourBudget: m.field_hours_invalid
				});
				return fail<FormFailure>(400, { values, errors, message: hasErrors(errors) ? m.form_has_errors() : m.field_end_before_start() });
			}
			throw e;
		}
		redirect(303, `/e/${id}`);
	}
};
