import type { Handle, HandleServerError } from '@sveltejs/kit';
import { sequence } from '@sveltejs/kit/hooks';
import { paraglideMiddleware } from '$lib/paraglide/server';
import { runtime } from '$lib/server/core';
import { localeFromCookie, setLocaleCookie, withLocaleCookie } from '$lib/server/locale';
import { SESSION_COOKIE, deleteSessionCookie, setSessionCookie } from '$lib/server/session';

/** Who is asking: fills `locals.user` / `locals.session` from the session cookie, sliding its expiry. */
const handleSession: Handle = async ({ event, resolve }) => {
	event.locals.user = null;
	event.locals.session = null;
	const token = event.cookies.get(SESSION_COOKIE);
	if (!token) return resolve(event);

	const { core } = await runtime();
	const result = await core.auth.validateSession(token);
	if (!result) {
		await deleteSessionCookie(event.cookies);
		return resolve(event);
	}
	if (result.renewed) await setSessionCookie(event.cookies, token, result.session.expiresAt);
	event.locals.user = result.user;
	event.locals.session = result.session;
	return resolve(event);
};

/**
 * Language: cookie → Accept-Language → Catalan (Paraglide's strategy). A signed-in user's saved language
 * overrides the cookie and is written back to it, so the client runtime agrees with the server.
 */
const handleLocale: Handle = ({ event, resolve }) => {
	const saved = event.locals.user?.locale ?? undefined;
	const cookie = localeFromCookie(event.cookies);
	const request = saved && saved !== cookie ? withLocaleCookie(event.request, saved) : event.request;
	if (saved && saved !== cookie) setLocaleCookie(event.cookies, saved);

	return paraglideMiddleware(request, ({ request: localised, locale }) => {
		event.request = localised;
		// Keep the client runtime and the server in step even before anyone picked a language.
		if (!saved && cookie !== locale) setLocaleCookie(event.cookies, locale);
		return resolve(event, {
			transformPageChunk: ({ html }) => html.replace('%paraglide.lang%', locale)
		});
	});
};

/** Conservative defaults for every page; invitation tokens live in URLs, so never leak them as referrers. */
const handleHeaders: Handle = async ({ event, resolve }) => {
	const response = await resolve(event);
	response.headers.set('X-Content-Type-Options', 'nosniff');
	// 'same-origin', not 'no-referrer': browsers send `Origin: null` on form posts under no-referrer, which fails CSRF checks.
	response.headers.set('Referrer-Policy', 'same-origin');
	if (event.locals.user) response.headers.set('Cache-Control', 'private, no-store');
	return response;
};

export const handle = sequence(handleHeaders, handleSession, handleLocale);

export const handleError: HandleServerError = ({ error, event, status }) => {
	if (status >= 500) console.error(`[web] ${event.request.method} ${event.url.pathname}`, error);
	return { message: status === 404 ? 'Not found' : 'Internal error' };
};
