// The engagement's audit page: facilitators only, like GET /api/v1/engagements/:id/audit (members and
// observers are refused with 403; non-members already got 404 from the history layout).
import { error } from '@sveltejs/kit';
import type { PageServerLoad } from './$types';

export const load: PageServerLoad = async ({ parent }) => {
	const { engagement } = await parent();
	if (engagement.role !== 'facilitator') error(403, { message: 'Only facilitators see the audit' });
	return {};
};
