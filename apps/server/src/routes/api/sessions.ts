import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { EndSessionInput, StartSessionInput, facilitationDocName, workspaceDocName } from '@teixit/core';
import { IdParam, errors } from './schemas.ts';

const Session = Type.Object({
	id: Type.String(),
	engagementId: Type.String(),
	type: Type.String(),
	modality: Type.String(),
	startedAt: Type.String(),
	endedAt: Type.Union([Type.String(), Type.Null()]),
	startedBy: Type.String(),
	attendeeIds: Type.Array(Type.String()),
	attendeeCount: Type.Integer(),
	durationH: Type.Union([Type.Number(), Type.Null()]),
	chargedH: Type.Union([Type.Number(), Type.Null()]),
	chargeable: Type.Boolean(),
	notes: Type.String()
});
const Budget = Type.Object({
	budgetH: Type.Number(),
	usedH: Type.Number(),
	remainingH: Type.Number(),
	pctUsed: Type.Number(),
	pctElapsed: Type.Number(),
	burn: Type.Union([Type.Number(), Type.Null()]),
	alerts: Type.Array(Type.Integer())
});

const sessionRoutes: FastifyPluginAsyncTypebox = async (app) => {
	app.get(
		'/engagements/:id/sessions',
		{ schema: { tags: ['sessions'], summary: 'Workshop sessions and the hour budget', params: IdParam, response: { 200: Type.Object({ sessions: Type.Array(Session), budget: Budget }), ...errors(401, 404) } } },
		async (request) => app.core.sessions.list(app.requireUser(request), request.params.id)
	);

	app.post(
		'/engagements/:id/sessions',
		{ schema: { tags: ['sessions'], summary: 'Start a workshop session (facilitators)', params: IdParam, body: StartSessionInput, response: { 201: Session, ...errors(400, 401, 403, 404, 409) } } },
		async (request, reply) => reply.status(201).send(await app.core.sessions.start(app.requireUser(request), request.params.id, request.body))
	);

	app.post(
		'/engagements/:id/sessions/:sessionId/end',
		{
			schema: {
				tags: ['sessions'],
				summary: 'End the running session: attendance from presence, hours charged, a checkpoint of the workspace',
				params: Type.Object({ id: Type.String({ maxLength: 64 }), sessionId: Type.String({ maxLength: 64 }) }),
				body: Type.Optional(EndSessionInput),
				response: { 200: Session, ...errors(400, 401, 403, 404) }
			}
		},
		async (request) => {
			const user = app.requireUser(request);
			const { id, sessionId } = request.params;
			const running = await app.core.sessions.current(id);
			const since = running ? Date.parse(running.startedAt) : Date.now();
			const session = await app.core.sessions.end(user, id, sessionId, request.body ?? {}, app.presence.attendees(id, since));
			for (const docName of [workspaceDocName(id), facilitationDocName(id)]) await app.history.checkpoint({ docName, kind: 'session', label: `session:${session.id}`, authorId: user.id });
			return session;
		}
	);
};

export default sessionRoutes;
