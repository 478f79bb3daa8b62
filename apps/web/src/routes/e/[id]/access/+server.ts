import { error, json } from '@sveltejs/kit';
import { isDomainError, runtime } from '$lib/server/core';
import type { RequestHandler } from './$types';

/**
 * The caller's current role and access to the workspace document. The workspace asks after the sync server
 * closed its connection as "forbidden": a role change or a password change elsewhere also closes live
 * connections, and then the page reconnects instead of claiming that access is gone.
 */
export const GET: RequestHandler = async ({ locals, params, setHeaders }) => {
	setHeaders({ 'cache-control': 'no-store' });
	if (!locals.user) error(401, { message: 'Not signed in' });
	const { core } = await runtime();
	try {
		const e = await core.engagements.get(locals.user, params.id);
		const doc = e.documents.find((d) => d.name === e.docName);
		return json({ role: e.role, readOnly: e.role === 'observer' || doc?.access !== 'write' });
	} catch (err) {
		if (isDomainError(err) && (err.code === 'not_found' || err.code === 'forbidden')) error(404, { message: 'Not found' });
		throw err;
	}
};
