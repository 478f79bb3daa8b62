import { error, fail, redirect, type ActionFailure, type RequestEvent } from '@sveltejs/kit';
import type { User } from '@teixit/core';
import { roles, type Role } from '$lib/i18n';
import { m } from '$lib/paraglide/messages.js';
import { isDomainError, runtime } from '$lib/server/core';
import { memberEngagement } from '$lib/server/engagement';
import { text, type FieldErrors } from '$lib/server/forms';
import type { Actions, PageServerLoad } from './$types';

type PanelForm = 'invite' | 'invites' | 'members';
export type PanelResult = {
	form: PanelForm;
	message?: string;
	success?: boolean;
	errors?: FieldErrors;
	values?: Record<string, string>;
	/** The invitation just created: its link is shown once, with a copy button. */
	created?: { url: string; role: Role; expiresAt: string };
};

const isRole = (v: unknown): v is Role => typeof v === 'string' && (roles as readonly string[]).includes(v);

function requireUser(locals: App.Locals, url: URL): User {
	if (!locals.user) redirect(303, `/login?redirectTo=${encodeURIComponent(url.pathname)}`);
	return locals.user;
}

export const load: PageServerLoad = async ({ locals, params, url }) => {
	const { user, core, engagement } = await memberEngagement({ locals, params, url });
	const facilitator = engagement.role === 'facilitator';
	const [members, invitations] = await Promise.all([
		core.engagements.listMembers(user, engagement.id),
		facilitator ? core.invitations.list(user, engagement.id) : Promise.resolve([])
	]);
	const workspace = engagement.documents.find((d) => d.name === engagement.docName);

	return {
		engagement: {
			id: engagement.id,
			coopName: engagement.coopName,
			phase: engagement.phase,
			startDate: engagement.startDate,
			endDate: engagement.endDate,
			hourBudget: engagement.hourBudget,
			role: engagement.role as Role,
			docName: engagement.docName
		},
		readOnly: engagement.role === 'observer' || workspace?.access !== 'write',
		me: { id: user.id, name: user.name },
		members: members.map((mb) => ({
			userId: mb.userId,
			name: mb.name,
			// Emails only for facilitators, who manage membership.
			email: facilitator ? mb.email : null,
			isGuest: mb.isGuest,
			role: mb.role as Role
		})),
		invitations
	};
};

/** Runs a panel action and maps domain errors to a localised message for that panel. */
async function panelAction(event: RequestEvent, form: PanelForm, run: (user: User, fd: FormData) => Promise<PanelResult | ActionFailure<PanelResult>>) {
	const user = requireUser(event.locals, event.url);
	const fd = await event.request.formData();
	try {
		return await run(user, fd);
	} catch (e) {
		if (isDomainError(e)) {
			if (e.code === 'not_found' && form !== 'members' && form !== 'invites') error(404, { message: 'Not found' });
			const message =
				e.code === 'forbidden' ? m.error_forbidden() : e.code === 'conflict' ? m.error_last_facilitator() : m.error_generic();
			return fail<PanelResult>(e.status, { form, message });
		}
		throw e;
	}
}

export const actions: Actions = {
	createInvitation: (event) =>
		panelAction(event, 'invite', async (user, fd) => {
			const role = text(fd, 'role');
			const daysRaw = text(fd, 'expiresInDays') || '7';
			const days = Number(daysRaw);
			const errors: FieldErrors = {};
			if (!isRole(role)) errors.role = m.field_required();
			if (!Number.isInteger(days) || days < 1 || days > 90) errors.expiresInDays = m.field_days_invalid();
			if (Object.keys(errors).length > 0) {
				return fail<PanelResult>(400, { form: 'invite', errors, values: { role, expiresInDays: daysRaw }, message: m.form_has_errors() });
			}
			const { core } = await runtime();
			const inv = await core.invitations.create(user, event.params.id!, { role, expiresInDays: days });
			return { form: 'invite', success: true, values: { role, expiresInDays: daysRaw }, created: { url: inv.url, role: inv.role, expiresAt: inv.expiresAt } };
		}),

	revokeInvitation: (event) =>
		panelAction(event, 'invites', async (user, fd) => {
			const { core } = await runtime();
			await core.invitations.revoke(user, event.params.id!, text(fd, 'invitationId'));
			return { form: 'invites', success: true, message: m.inv_revoked() };
		}),

	setRole: (event) =>
		panelAction(event, 'members', async (user, fd) => {
			const role = text(fd, 'role');
			if (!isRole(role)) return fail<PanelResult>(400, { form: 'members', message: m.error_generic() });
			const { core } = await runtime();
			await core.engagements.setRole(user, event.params.id!, text(fd, 'userId'), role);
			return { form: 'members', success: true, message: m.members_role_changed() };
		}),

	removeMember: (event) =>
		panelAction(event, 'members', async (user, fd) => {
			const target = text(fd, 'userId');
			const { core } = await runtime();
			await core.engagements.removeMember(user, event.params.id!, target);
			if (target === user.id) redirect(303, '/');
			return { form: 'members', success: true, message: m.members_removed() };
		})
};
