import { redirect } from '@sveltejs/kit';
import { runtime } from '$lib/server/core';
import { SESSION_COOKIE, deleteSessionCookie } from '$lib/server/session';
import type { Actions, PageServerLoad } from './$types';

export const load: PageServerLoad = () => redirect(303, '/');

export const actions: Actions = {
	default: async ({ cookies }) => {
		const token = cookies.get(SESSION_COOKIE);
		if (token) {
			const { core } = await runtime();
			await core.auth.logout(token);
		}
		await deleteSessionCookie(cookies);
		redirect(303, '/login');
	}
};
