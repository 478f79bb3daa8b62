// The domain services, created once per process and decorated onto Fastify; also registered as the
// process runtime so the SvelteKit build reaches the same instance in-process.
import fp from 'fastify-plugin';
import type { Core } from '@teixit/core';
import type { Database } from '@teixit/db';

declare module 'fastify' {
	interface FastifyInstance {
		core: Core;
		database: Database;
	}
}

export default fp<{ core: Core; database: Database }>(
	async (app, opts) => {
		app.decorate('core', opts.core);
		app.decorate('database', opts.database);
	},
	{ name: 'core' }
);
