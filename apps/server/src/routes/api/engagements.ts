import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { CreateEngagementInput, CreateInvitationInput, RoleSchema } from '@teixit/core';
import { Engagement, IdParam, Invitation, InvitationSummary, Member, errors } from './schemas.ts';

const engagementRoutes: FastifyPluginAsyncTypebox = async (app) => {
	app.post(
		'/engagements',
		{ schema: { tags: ['engagements'], summary: 'Create an engagement; the creator becomes its facilitator', body: CreateEngagementInput, response: { 201: Engagement, ...errors(400, 401, 403) } } },
		async (request, reply) => reply.status(201).send(await app.core.engagements.create(app.requireUser(request), request.body))
	);

	app.get('/engagements', { schema: { tags: ['engagements'], summary: 'Engagements I belong to', response: { 200: Type.Array(Engagement), ...errors(401) } } }, async (request) =>
		app.core.engagements.listFor(app.requireUser(request))
	);

	app.get('/engagements/:id', { schema: { tags: ['engagements'], summary: 'One engagement (404 unless I am a member)', params: IdParam, response: { 200: Engagement, ...errors(401, 404) } } }, async (request) =>
		app.core.engagements.get(app.requireUser(request), request.params.id)
	);

	app.get('/engagements/:id/members', { schema: { tags: ['members'], summary: 'Members and roles', params: IdParam, response: { 200: Type.Array(Member), ...errors(401, 404) } } }, async (request) =>
		(await app.core.engagements.listMembers(app.requireUser(request), request.params.id)).map((m) => ({ ...m, joinedAt: m.joinedAt.toISOString() }))
	);

	const MemberParams = Type.Object({ id: Type.String({ maxLength: 64 }), userId: Type.String({ maxLength: 64 }) });

	app.patch(
		'/engagements/:id/members/:userId',
		{
			schema: {
				tags: ['members'],
				summary: "Change a member's role (closes their live connections)",
				params: MemberParams,
				body: Type.Object({ role: RoleSchema }, { additionalProperties: false }),
				response: { 204: Type.Null(), ...errors(400, 401, 403, 404, 409) }
			}
		},
		async (request, reply) => {
			await app.core.engagements.setRole(app.requireUser(request), request.params.id, request.params.userId, request.body.role);
			return reply.status(204).send(null);
		}
	);

	app.delete(
		'/engagements/:id/members/:userId',
		{ schema: { tags: ['members'], summary: 'Remove a member (closes their live connections)', params: MemberParams, response: { 204: Type.Null(), ...errors(401, 403, 404, 409) } } },
		async (request, reply) => {
			await app.core.engagements.removeMember(app.requireUser(request), request.params.id, request.params.userId);
			return reply.status(204).send(null);
		}
	);

	app.post(
		'/engagements/:id/invitations',
		{ schema: { tags: ['invitations'], summary: 'Create an invitation link with a role', params: IdParam, body: CreateInvitationInput, response: { 201: Invitation, ...errors(400, 401, 403, 404) } } },
		async (request, reply) => reply.status(201).send(await app.core.invitations.create(app.requireUser(request), request.params.id, request.body))
	);

	app.get(
		'/engagements/:id/invitations',
		{ schema: { tags: ['invitations'], summary: 'Invitation links of an engagement', params: IdParam, response: { 200: Type.Array(InvitationSummary), ...errors(401, 403, 404) } } },
		async (request) => app.core.invitations.list(app.requireUser(request), request.params.id)
	);

	app.delete(
		'/engagements/:id/invitations/:invitationId',
		{
			schema: {
				tags: ['invitations'],
				summary: 'Revoke an invitation link',
				params: Type.Object({ id: Type.String({ maxLength: 64 }), invitationId: Type.String({ maxLength: 64 }) }),
				response: { 204: Type.Null(), ...errors(401, 403, 404) }
			}
		},
		async (request, reply) => {
			await app.core.invitations.revoke(app.requireUser(request), request.params.id, request.params.invitationId);
			return reply.status(204).send(null);
		}
	);

	const TokenBody = Type.Object({ token: Type.String({ minLength: 1, maxLength: 128 }) }, { additionalProperties: false });

	app.get(
		'/invitations/:token',
		{
			schema: {
				tags: ['invitations'],
				summary: 'What an invitation link is for (public)',
				params: TokenBody,
				response: { 200: Type.Object({ engagementId: Type.String(), coopName: Type.String(), role: Type.String(), expiresAt: Type.String() }), ...errors(410) }
			},
			config: { rateLimit: { max: 60, timeWindow: '1 minute' } }
		},
		async (request) => app.core.invitations.preview(request.params.token)
	);

	app.post(
		'/invitations/accept',
		{
			schema: { tags: ['invitations'], summary: 'Accept an invitation as the signed-in user', body: TokenBody, response: { 200: Type.Object({ engagementId: Type.String(), role: Type.String() }), ...errors(400, 401, 403, 410) } },
			config: { rateLimit: { max: 30, timeWindow: '1 minute' } }
		},
		async (request) => app.core.invitations.accept(app.requireUser(request), request.body.token)
	);
};

export default engagementRoutes;
