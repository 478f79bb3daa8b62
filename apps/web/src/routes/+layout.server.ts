import type { LayoutServerLoad } from './$types';

export const load: LayoutServerLoad = ({ locals }) => {
	const u = locals.user;
	return { user: u ? { id: u.id, name: u.name, email: u.email, isGuest: u.isGuest, isAdmin: u.isAdmin } : null };
};
