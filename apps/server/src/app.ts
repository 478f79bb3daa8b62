// The Teixit server as a Fastify app: external plugins, then ours, then routes. The process
// concerns (listening, signals) live in main.ts so tests can build as many apps as they need.
import Fastify, { type FastifyInstance } from 'fastify';
import cookie from '@fastify/cookie';
import rateLimit from '@fastify/rate-limit';
import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import websocket from '@fastify/websocket';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { createCore, setRuntime, type Core } from '@teixit/core';
import type { Database } from '@teixit/db';
import { DrizzleStorage, SyncServer, type SyncLimits } from '@teixit/sync';
import type { Config } from './config.ts';
import authPlugin from './plugins/auth.ts';
import corePlugin from './plugins/core.ts';
import errorsPlugin, { apiError } from './plugins/errors.ts';
import metricsPlugin from './plugins/metrics.ts';
import webPlugin from './plugins/web.ts';
import authRoutes from './routes/api/auth.ts';
import engagementRoutes from './routes/api/engagements.ts';
import syncRoutes from './routes/sync.ts';
import { wireSyncMetrics } from './sync/metrics.ts';
import { PresenceLog } from './sync/presence.ts';
import sessionRoutes from './routes/api/sessions.ts';
import historyRoutes from './routes/api/history.ts';
import { autoCheckpoints } from './history/auto.ts';
import { createHistoryService, type HistoryService } from './history/service.ts';
import { createHistoryStore } from './history/store.ts';
import type { BurstPolicy } from '@teixit/history';
import templateRoutes from './routes/api/templates.ts';
import { DafoPublisher } from './workshop/dafo-publisher.ts';
import { DiagnosisPublisher } from './workshop/diagnosis-publisher.ts';
import { migrateOnLoad } from './workshop/doc-migrations.ts';

declare module 'fastify' {
	interface FastifyInstance {
		sync: SyncServer;
		presence: PresenceLog;
		history: HistoryService;
	}
}

export interface BuildOptions {
	config: Config;
	database: Database;
	/** Pino logger options or false. */
	logger?: boolean | object;
	/** Overrides for tests: login throttle, sync limits, unload grace. */
	core?: Core;
	syncLimits?: Partial<SyncLimits>;
	unloadGraceMs?: number;
	/** New sync connections allowed per client address: sustained rate and burst. */
	syncConnectionRate?: { perSecond: number; burst: number };
	/** Register this app as the process runtime for the SvelteKit handler (default true). */
	registerRuntime?: boolean;
	/** Serve the SvelteKit build (default true). */
	web?: boolean;
	/** Automatic checkpoints: when a burst of activity is over (tests shorten it). */
	checkpointPolicy?: BurstPolicy;
	checkpointTickMs?: number;
}

export async function buildApp(opts: BuildOptions): Promise<FastifyInstance> {
	const { config, database } = opts;
	const app = Fastify({
		logger: opts.logger ?? { level: config.logLevel },
		trustProxy: config.trustProxy,
		bodyLimit: 1024 * 1024,
		connectionTimeout: 60_000,
		keepAliveTimeout: 72_000,
		ajv: { customOptions: { removeAdditional: false, coerceTypes: false } }
	}).withTypeProvider<TypeBoxTypeProvider>();

	const core = opts.core ?? createCore({ db: database.db, publicOrigin: config.publicOrigin });
	const secureCookies = config.publicOrigin.startsWith('https:');
	if (opts.registerRuntime !== false) {
		setRuntime({ core, publicOrigin: config.publicOrigin, secureCookies });
		app.addHook('onClose', async () => setRuntime(undefined));
	}

	const sync = new SyncServer({ storage: new DrizzleStorage(database.db), logger: app.log, limits: opts.syncLimits, unloadGraceMs: opts.unloadGraceMs });

	const presence = new PresenceLog();
	app.decorate('sync', sync);
	app.decorate('presence', presence);
	const publisher = new DiagnosisPublisher(sync, core, app.log);
	const dafoPublisher = new DafoPublisher(sync, core, app.log);
	const stopMigrations = migrateOnLoad(sync, app.log);
	const historyStore = createHistoryStore(database.db);
	const history = createHistoryService({ core, sync, store: historyStore });
	app.decorate('history', history);
	const checkpoints = autoCheckpoints(sync, historyStore, { policy: opts.checkpointPolicy, tickMs: opts.checkpointTickMs, prune: history.prune, logger: app.log });
	app.addHook('preClose', async () => {
		publisher.stop();
		dafoPublisher.stop();
		stopMigrations();
		checkpoints.stop();
	});

	await app.register(corePlugin, { core, database });
	await app.register(errorsPlugin);
	await app.register(cookie);
	await app.register(rateLimit, { global: false });
	await app.register(swagger, {
		openapi: {
			info: { title: 'Teixit API', version: '1.0.0', description: 'JSON API of Teixit. Authenticate with the session cookie or `Authorization: Bearer <personal API token>`.' },
			components: { securitySchemes: { bearer: { type: 'http', scheme: 'bearer' }, cookie: { type: 'apiKey', in: 'cookie', name: 'teixit_session' } } },
			security: [{ bearer: [] }, { cookie: [] }]
		}
	});
	await app.register(swaggerUi, { routePrefix: '/api/docs' });
	await app.register(authPlugin, { secureCookies });
	await app.register(metricsPlugin);
	wireSyncMetrics(sync, app.metrics);

	await app.register(async (api) => {
		// Cookie-authenticated writes must come from our own origin (CSRF); bearer tokens are not ambient.
		api.addHook('preHandler', async (request, reply) => {
			if (request.method === 'GET' || request.method === 'HEAD' || request.caller?.kind === 'token') return;
			const origin = request.headers.origin;
			if (origin && origin !== 'null') {
				let host: string | null = null;
				try {
					host = new URL(origin).host;
				} catch {
					/* malformed */
				}
				if (host !== request.host) return reply.status(403).send(apiError('forbidden', 'Cross-origin request refused'));
			}
		});
		api.register(rateLimit, { max: 600, timeWindow: '1 minute' });
		await api.register(authRoutes);
		await api.register(engagementRoutes);
		await api.register(sessionRoutes);
		await api.register(historyRoutes);
		await api.register(templateRoutes);
	}, { prefix: '/api/v1' });

	// Replaces the plugin's default preClose (close every socket without a code): the engine flushes
	// pending commits first, then closes each socket with the retryable ServerRestart code.
	await app.register(websocket, { options: { maxPayload: 4 * 1024 * 1024 }, preClose: () => sync.shutdown() });
	await app.register(syncRoutes, { sync, presence, connectionsPerSecondPerIp: opts.syncConnectionRate?.perSecond, connectionBurstPerIp: opts.syncConnectionRate?.burst });
	if (opts.web !== false) await app.register(webPlugin, { buildDir: config.webBuildDir });

	return app;
}
