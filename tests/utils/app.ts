// A real Teixit server in the test process, on a random port, over a per-file test database.
import { buildApp } from '@teixit/server';
import type { FastifyInstance } from 'fastify';
import { loadConfig } from '../../apps/server/src/config.ts';
import { testDatabase, type TestDatabase } from './db.ts';

export interface TestApp {
	app: FastifyInstance;
	database: TestDatabase;
	url: string;
	wsUrl: string;
	close(): Promise<void>;
}

export async function startApp(
	opts: {
		web?: boolean;
		unloadGraceMs?: number;
		database?: TestDatabase;
		syncConnectionRate?: { perSecond: number; burst: number };
		checkpointPolicy?: { minUpdates: number; quietMs: number; maxUpdates: number };
		checkpointTickMs?: number;
		logger?: boolean | object;
	} = {}
): Promise<TestApp> {
	const database = opts.database ?? (await testDatabase());
	const config = { ...loadConfig({}), port: 0, host: '127.0.0.1', publicOrigin: 'http://127.0.0.1' };
	const app = await buildApp({
		config,
		database,
		logger: opts.logger ?? false,
		web: opts.web ?? false,
		registerRuntime: opts.web ?? false,
		unloadGraceMs: opts.unloadGraceMs ?? 200,
		syncConnectionRate: opts.syncConnectionRate,
		checkpointPolicy: opts.checkpointPolicy,
		checkpointTickMs: opts.checkpointTickMs
	});
	await app.listen({ port: 0, host: '127.0.0.1' });
	const address = app.server.address();
	const port = typeof address === 'object' && address ? address.port : 0;
	return {
		app,
		database,
		url: `http://127.0.0.1:${port}`,
		wsUrl: `ws://127.0.0.1:${port}/sync`,
		async close() {
			await app.close();
			if (!opts.database) await database.dispose();
		}
	};
}
