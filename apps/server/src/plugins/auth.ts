// Resolves who is calling: the session cookie set by the login page, or a personal API token
// (Authorization: Bearer). Runs before any route, including the WebSocket upgrade.
import fp from 'fastify-plugin';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { DomainError, type User } from '@teixit/core';

export const SESSION_COOKIE = 'teixit_session';

export interface Caller {
	user: User;
	kind: 'session' | 'token';
	/** Session id (hash) or API token id: what to close when it is revoked. */
	credentialId: string;
	/** Raw session token, for logout. */
	sessionToken?: string;
}

declare module 'fastify' {
	interface FastifyRequest {
		caller: Caller | null;
	}
	interface FastifyInstance {
		requireUser(request: FastifyRequest): User;
		setSessionCookie(reply: FastifyReply, token: string, expiresAt: Date): void;
		clearSessionCookie(reply: FastifyReply): void;
	}
}

function bearer(request: FastifyRequest): string | null {
	const h = request.headers.authorization;
	if (!h) return null;
	const m = /^Bearer\s+(\S+)$/i.exec(h);
	return m ? m[1]! : null;
}

export default fp<{ secureCookies: boolean }>(
	async (app, opts) => {
		app.decorateRequest('caller', null);

		app.decorate('setSessionCookie', (reply: FastifyReply, token: string, expiresAt: Date) => {
			reply.setCookie(SESSION_COOKIE, token, { httpOnly: true, sameSite: 'lax', path: '/', secure: opts.secureCookies, expires: expiresAt });
		});
		app.decorate('clearSessionCookie', (reply: FastifyReply) => {
			reply.clearCookie(SESSION_COOKIE, { path: '/' });
		});
		app.decorate('requireUser', (request: FastifyRequest) => {
			if (!request.caller) throw new DomainError('unauthenticated', 'Sign in first');
			return request.caller.user;
		});

		app.addHook('onRequest', async (request, reply) => {
			const token = bearer(request);
			if (token) {
				const found = await app.core.auth.validateApiToken(token);
				if (found) request.caller = { user: found.user, kind: 'token', credentialId: found.tokenId };
				return;
			}
			const cookie = request.cookies[SESSION_COOKIE];
			if (!cookie) return;
			const valid = await app.core.auth.validateSession(cookie);
			if (!valid) {
				app.clearSessionCookie(reply);
				return;
			}
			request.caller = { user: valid.user, kind: 'session', credentialId: valid.session.id, sessionToken: cookie };
			if (valid.renewed) app.setSessionCookie(reply, cookie, valid.session.expiresAt);
		});
	},
	{ name: 'auth', dependencies: ['core'] }
);
