// Prometheus metrics on a per-app registry (tests run several apps in one process).
import fp from 'fastify-plugin';
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

export interface SyncGaugeSource {
	stats(): { connections: number; documents: number };
}

export interface Metrics {
	registry: Registry;
	/** Set once the sync engine exists; read at scrape time. */
	syncSource?: SyncGaugeSource;
	connections: Gauge;
	documents: Gauge;
	updates: Counter;
	commits: Counter;
	commitSeconds: Histogram;
	ackSeconds: Histogram;
	errors: Counter<'kind'>;
	closes: Counter<'reason'>;
}

declare module 'fastify' {
	interface FastifyInstance {
		metrics: Metrics;
	}
}

export function createMetrics(): Metrics {
	const registry = new Registry();
	collectDefaultMetrics({ register: registry });
	const buckets = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5];
	const metrics: Metrics = {
		registry,
		connections: new Gauge({
			name: 'teixit_sync_connections',
			help: 'Open sync WebSocket connections',
			registers: [registry],
			collect() {
				this.set(metrics.syncSource?.stats().connections ?? 0);
			}
		}),
		documents: new Gauge({
			name: 'teixit_sync_documents_loaded',
			help: 'Documents loaded in memory',
			registers: [registry],
			collect() {
				this.set(metrics.syncSource?.stats().documents ?? 0);
			}
		}),
		updates: new Counter({ name: 'teixit_sync_updates_total', help: 'Document updates accepted', registers: [registry] }),
		commits: new Counter({ name: 'teixit_sync_commits_total', help: 'Batched commits of updates to the database', registers: [registry] }),
		commitSeconds: new Histogram({ name: 'teixit_sync_commit_seconds', help: 'Database commit latency of an update batch', buckets, registers: [registry] }),
		ackSeconds: new Histogram({ name: 'teixit_sync_ack_seconds', help: 'Time from receiving an update to acknowledging it durable', buckets, registers: [registry] }),
		errors: new Counter({ name: 'teixit_sync_errors_total', help: 'Sync errors by kind', labelNames: ['kind'], registers: [registry] }),
		closes: new Counter({ name: 'teixit_sync_closes_total', help: 'Connections closed by the server, by reason', labelNames: ['reason'], registers: [registry] })
	};
	return metrics;
}

export default fp(
	async (app) => {
		const metrics = createMetrics();
		app.decorate('metrics', metrics);
		app.get('/metrics', { schema: { hide: true } }, async (_request, reply) => {
			reply.type(metrics.registry.contentType);
			return metrics.registry.metrics();
		});
		app.get('/healthz', { schema: { hide: true } }, async () => ({ status: 'ok' }));
		app.get('/readyz', { schema: { hide: true } }, async (request, reply) => {
			try {
				await app.database.ping();
				return { status: 'ready', database: app.database.kind };
			} catch (err) {
				request.log.error({ err }, 'readiness check failed');
				return reply.status(503).send({ status: 'unavailable', database: app.database.kind });
			}
		});
	},
	{ name: 'metrics', dependencies: ['core'] }
);
