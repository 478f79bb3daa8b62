// Automatic checkpoints: after a burst of activity on a shared document goes quiet (or runs long), write a
// checkpoint from the log and apply retention to the automatic ones. Private documents have no history.
import { parseDocName } from '@teixit/core';
import { BurstTracker, type BurstPolicy } from '@teixit/history';
import type { SyncServer } from '@teixit/sync';
import type { HistoryStore } from './store.ts';

export interface AutoCheckpointOptions {
	policy?: BurstPolicy;
	/** How often due documents are looked for (ms). */
	tickMs?: number;
	prune: (docName: string) => Promise<void>;
	logger: { error(obj: object, msg: string): void };
}

export function autoCheckpoints(sync: SyncServer, store: HistoryStore, opts: AutoCheckpointOptions) {
	const tracker = new BurstTracker(opts.policy);
	const running = new Set<string>();
	const onCommit = ({ docName, updates }: { docName: string; updates: number }) => {
		const ref = parseDocName(docName);
		if (!ref || ref.kind === 'private') return;
		tracker.record(docName, updates, Date.now());
	};
	sync.on('commit', onCommit);
	const tick = async () => {
		const now = Date.now();
		tracker.sweep(now);
		for (const docName of tracker.due(now)) {
			if (running.has(docName)) continue;
			running.add(docName);
			tracker.taken(docName);
			try {
				await store.checkpoint({ docName, kind: 'auto', label: null, authorId: null });
				await opts.prune(docName);
			} catch (err) {
				opts.logger.error({ err, docName }, 'automatic checkpoint failed');
			} finally {
				running.delete(docName);
			}
		}
	};
	const timer = setInterval(() => void tick(), opts.tickMs ?? 5_000);
	timer.unref();
	return {
		tick,
		stop() {
			clearInterval(timer);
			sync.off('commit', onCommit);
		}
	};
}
