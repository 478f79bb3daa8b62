// What the server shares with its rooms and connections: configuration, storage, metrics sinks.
import type { TypedEmitter, SyncEvents } from './events.ts';
import type { SyncLimits } from './limits.ts';
import type { DocStorage } from './storage/types.ts';
import type { SyncLogger } from './types.ts';

export interface EngineOptions {
	unloadGraceMs: number;
	commitDelayMs: number;
	compactEvery: number;
	compactUpdates: number;
	compactBytes: number;
	retryBaseMs: number;
	retryMaxMs: number;
	loadTimeoutMs: number;
	shutdownTimeoutMs: number;
	gc: boolean;
}

/** Monotonic counters; gauges (connections, documents) are computed by SyncServer.stats(). */
export interface Counters {
	messagesTotal: number;
	bytesInTotal: number;
	updatesTotal: number;
	commitsTotal: number;
	acksTotal: number;
	compactionsTotal: number;
	refusedTotal: number;
	errorsTotal: number;
	loadErrorsTotal: number;
	persistErrorsTotal: number;
	badMessagesTotal: number;
	/** Documents dropped and reloaded because an update broke the in-memory Y.Doc. */
	poisonedTotal: number;
	closesTotal: Record<string, number>;
}

export const newCounters = (): Counters => ({
	messagesTotal: 0,
	bytesInTotal: 0,
	updatesTotal: 0,
	commitsTotal: 0,
	acksTotal: 0,
	compactionsTotal: 0,
	refusedTotal: 0,
	errorsTotal: 0,
	loadErrorsTotal: 0,
	persistErrorsTotal: 0,
	badMessagesTotal: 0,
	poisonedTotal: 0,
	closesTotal: {}
});

export interface EngineContext {
	storage: DocStorage;
	limits: SyncLimits;
	logger: SyncLogger;
	events: TypedEmitter<SyncEvents>;
	counters: Counters;
	options: EngineOptions;
	now: () => number;
}
