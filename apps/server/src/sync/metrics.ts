import type { SyncServer } from '@teixit/sync';
import type { Metrics } from '../plugins/metrics.ts';

/** Feeds the sync engine's counters into Prometheus. */
export function wireSyncMetrics(sync: SyncServer, metrics: Metrics) {
	metrics.syncSource = sync;
	sync.on('update', () => metrics.updates.inc());
	sync.on('commit', (e: { count: number; ms: number }) => {
		metrics.commits.inc();
		metrics.commitSeconds.observe(e.ms / 1000);
	});
	sync.on('ack', (e: { ms: number }) => metrics.ackSeconds.observe(e.ms / 1000));
	sync.on('error', (e: { kind: string }) => metrics.errors.inc({ kind: e.kind }));
	sync.on('close', (e: { reason: string }) => metrics.closes.inc({ reason: e.reason }));
}
