// One error shape for the whole API: { error: { code, message } } with the right status.
// 5xx details are logged, never sent.
import fp from 'fastify-plugin';
import { isDomainError } from '@teixit/core';

export const apiError = (code: string, message: string, details?: unknown) => ({ error: { code, message, ...(details ? { details } : {}) } });

export default fp(
	async (app) => {
		app.setNotFoundHandler((_request, reply) => reply.status(404).send(apiError('not_found', 'No such route')));
		app.setErrorHandler((err, request, reply) => {
			if (isDomainError(err)) {
				if (err.code === 'throttled' && typeof err.details?.retryAfterSeconds === 'number') reply.header('retry-after', String(err.details.retryAfterSeconds));
				return reply.status(err.status).send(apiError(err.code, err.message, err.details));
			}
			const e = err as { validation?: unknown; statusCode?: number; code?: string; message: string };
			if (e.validation) return reply.status(400).send(apiError('invalid_input', e.message, e.validation));
			if (e.code === 'FST_ERR_CTP_INVALID_JSON_BODY' || e.code === 'FST_ERR_CTP_EMPTY_JSON_BODY' || (e.statusCode === 400 && /JSON/.test(e.message)))
				return reply.status(400).send(apiError('bad_json', 'The request body is not valid JSON'));
			if (e.code === 'FST_ERR_CTP_BODY_TOO_LARGE') return reply.status(413).send(apiError('payload_too_large', 'The request body is too large'));
			if (e.code === 'FST_ERR_CTP_INVALID_MEDIA_TYPE') return reply.status(415).send(apiError('unsupported_media_type', 'Send application/json'));
			if (e.statusCode === 429) return reply.status(429).send(apiError('throttled', 'Too many requests, slow down'));
			if (e.statusCode && e.statusCode >= 400 && e.statusCode < 500) return reply.status(e.statusCode).send(apiError(e.code ?? 'bad_request', e.message));
			request.log.error({ err }, 'request failed');
			return reply.status(500).send(apiError('internal', 'Internal server error'));
		});
	},
	{ name: 'errors' }
);
