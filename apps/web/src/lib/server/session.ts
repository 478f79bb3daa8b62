// The session cookie: an opaque random token (only its hash is stored by core), httpOnly, SameSite=Lax.
import type { Cookies } from '@sveltejs/kit';
import type { IssuedSession } from '@teixit/core';
import { runtime } from './core';
import { setLocaleCookie } from './locale';

export const SESSION_COOKIE = 'teixit_session';

export async function setSessionCookie(cookies: Cookies, token: string, expiresAt: Date) {
	const { secureCookies } = await runtime();
	cookies.set(SESSION_COOKIE, token, { httpOnly: true, sameSite: 'lax', path: '/', secure: secureCookies, expires: expiresAt });
}

export async function deleteSessionCookie(cookies: Cookies) {
	const { secureCookies } = await runtime();
	cookies.delete(SESSION_COOKIE, { httpOnly: true, sameSite: 'lax', path: '/', secure: secureCookies });
}

/** After login, setup, password change or accepting an invitation: set the cookie, and the user's saved language. */
export async function startSession(cookies: Cookies, issued: IssuedSession) {
	await setSessionCookie(cookies, issued.token, issued.session.expiresAt);
	if (issued.user.locale) setLocaleCookie(cookies, issued.user.locale);
}
