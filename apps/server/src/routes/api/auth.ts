import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { DomainError, LoginInput, PasswordSchema, SetupInput, LocaleSchema } from '@teixit/core';
import { Me, errors } from './schemas.ts';

const authRoutes: FastifyPluginAsyncTypebox = async (app) => {
	app.post(
		'/auth/login',
		{
			schema: { tags: ['auth'], summary: 'Sign in; sets the session cookie', body: LoginInput, response: { 204: Type.Null(), ...errors(400, 401, 429) } },
			config: { rateLimit: { max: 30, timeWindow: '1 minute' } }
		},
		async (request, reply) => {
			const issued = await app.core.auth.login(request.body, request.ip);
			app.setSessionCookie(reply, issued.token, issued.session.expiresAt);
			return reply.status(204).send(null);
		}
	);

	app.post('/auth/logout', { schema: { tags: ['auth'], summary: 'End the current session', response: { 204: Type.Null() } } }, async (request, reply) => {
		if (request.caller?.sessionToken) await app.core.auth.logout(request.caller.sessionToken);
		app.clearSessionCookie(reply);
		return reply.status(204).send(null);
	});

	app.get(
		'/time',
		{ schema: { tags: ['meta'], summary: 'Server clock (ms since epoch), for shared timers', response: { 200: Type.Object({ now: Type.Number() }) } } },
		async (_request, reply) => {
			reply.header('cache-control', 'no-store');
			return { now: Date.now() };
		}
	);

	app.get('/setup', { schema: { tags: ['auth'], summary: 'Whether first-run setup is still needed', response: { 200: Type.Object({ needed: Type.Boolean() }) } } }, async () => ({
		needed: await app.core.setup.needed()
	}));

	app.post(
		'/setup',
		{
			schema: { tags: ['auth'], summary: 'Create the first administrator (only while no user exists)', body: SetupInput, response: { 201: Me, ...errors(400, 409) } },
			config: { rateLimit: { max: 10, timeWindow: '1 minute' } }
		},
		async (request, reply) => {
			const issued = await app.core.setup.createFirstAdmin(request.body);
			app.setSessionCookie(reply, issued.token, issued.session.expiresAt);
			return reply.status(201).send(issued.user);
		}
	);

	app.get('/me', { schema: { tags: ['me'], summary: 'The signed-in user', response: { 200: Me, ...errors(401) } } }, async (request) => app.requireUser(request));

	app.patch(
		'/me',
		{ schema: { tags: ['me'], summary: 'Update preferences', body: Type.Object({ locale: LocaleSchema }, { additionalProperties: false }), response: { 200: Me, ...errors(400, 401) } } },
		async (request) => {
			const user = app.requireUser(request);
			await app.core.users.setLocale(user.id, request.body.locale);
			return { ...user, locale: request.body.locale };
		}
	);

	app.post(
		'/me/password',
		{
			schema: {
				tags: ['me'],
				summary: 'Change password; ends every other session',
				body: Type.Object({ currentPassword: Type.String({ maxLength: 200 }), newPassword: PasswordSchema }, { additionalProperties: false }),
				response: { 204: Type.Null(), ...errors(400, 401) }
			}
		},
		async (request, reply) => {
			const user = app.requireUser(request);
			const issued = await app.core.auth.changePassword(user.id, request.body.currentPassword, request.body.newPassword);
			if (request.caller?.kind === 'session') app.setSessionCookie(reply, issued.token, issued.session.expiresAt);
			return reply.status(204).send(null);
		}
	);

	app.post(
		'/tokens',
		{
			schema: {
				tags: ['me'],
				summary: 'Create a personal API token (shown once)',
				body: Type.Optional(Type.Object({ name: Type.Optional(Type.String({ minLength: 1, maxLength: 100 })) }, { additionalProperties: false })),
				response: { 201: Type.Object({ id: Type.String(), name: Type.String(), token: Type.String() }), ...errors(400, 401, 403) }
			}
		},
		async (request, reply) => {
			const user = app.requireUser(request);
			if (user.isGuest) throw new DomainError('forbidden', 'Guests cannot create API tokens');
			return reply.status(201).send(await app.core.auth.createApiToken(user.id, request.body?.name ?? 'API token'));
		}
	);

	app.get(
		'/tokens',
		{
			schema: {
				tags: ['me'],
				summary: 'My active API tokens',
				response: { 200: Type.Array(Type.Object({ id: Type.String(), name: Type.String(), createdAt: Type.String(), lastUsedAt: Type.Union([Type.String(), Type.Null()]) })), ...errors(401) }
			}
		},
		async (request) => {
			const user = app.requireUser(request);
			return (await app.core.auth.listApiTokens(user.id)).map((t) => ({ ...t, createdAt: t.createdAt.toISOString(), lastUsedAt: t.lastUsedAt?.toISOString() ?? null }));
		}
	);

	app.delete('/tokens/:id', { schema: { tags: ['me'], summary: 'Revoke an API token', params: Type.Object({ id: Type.String({ maxLength: 64 }) }), response: { 204: Type.Null(), ...errors(401, 404) } } }, async (request, reply) => {
		const user = app.requireUser(request);
		await app.core.auth.revokeApiToken(user.id, request.params.id);
		return reply.status(204).send(null);
	});
};

export default authRoutes;
