// Everything that is not API, sync or health goes to the SvelteKit (adapter-node) handler, in-process.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { apiError } from './errors.ts';

type NodeHandler = (req: IncomingMessage, res: ServerResponse, next: () => void) => void;

// adapter-node assumes https unless told; we tell it the real scheme through a header only we set.
const PROTO_HEADER = 'x-teixit-proto';

async function loadHandler(buildDir: string): Promise<NodeHandler | null> {
	const file = join(buildDir, 'handler.js');
	if (!existsSync(file)) return null;
	if (!process.env.ORIGIN) process.env.PROTOCOL_HEADER = PROTO_HEADER;
	const mod = (await import(pathToFileURL(file).href)) as { handler: NodeHandler };
	return mod.handler;
}

export default async function webPlugin(app: FastifyInstance, opts: { buildDir: string }) {
	const handler = await loadHandler(opts.buildDir);
	if (!handler) app.log.warn({ buildDir: opts.buildDir }, 'web build missing: run `pnpm build`; only the API is served');

	// The SvelteKit handler reads the request body itself (form actions): do not let Fastify consume it.
	app.removeAllContentTypeParsers();
	app.addContentTypeParser('*', (_req, _payload, done) => done(null));

	const notFound = (reply: FastifyReply) => reply.status(404).send(apiError('not_found', 'No such route'));

	app.all('/*', async (request: FastifyRequest, reply: FastifyReply) => {
		const path = request.url.split('?')[0]!;
		if (path.startsWith('/api/') || path === '/api' || path.startsWith('/sync')) return notFound(reply);
		if (!handler) return reply.status(503).type('text/plain').send('The web interface is not built. Run `pnpm build` (or `pnpm start`).');
		request.raw.headers[PROTO_HEADER] = request.protocol;
		reply.hijack();
		handler(request.raw, reply.raw, () => {
			reply.raw.statusCode = 404;
			reply.raw.setHeader('content-type', 'application/json');
			reply.raw.end(JSON.stringify(apiError('not_found', 'No such route')));
		});
	});
}
