import type { SyncServer } from '@teixit/sync';
import type { Metrics } from '../plugins/metrics.ts';

/** Feeds the sync engine's counters into Prometheus. */
export function wireSyncMetrics(sync: SyncServer, metrics: Metrics) {
	metrics.syncSource = sync;
	sync.on('commit', (e) => {
		metrics.updates.inc(e.updates);
		metrics.commits.inc();
		metrics.commitSeconds.observe(e.ms / 1000);
	});
	sync.on('ack', (e) => metrics.ackSeconds.observe(e.ms / 1000));
	sync.on('error', (e) => metrics.errors.inc({ kind: e.kind }));
	sync.on('close', (e) => metrics.closes.inc({ reason: e.reason }));
}
