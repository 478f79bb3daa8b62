// Per-connection limits (SPEC [P1]-[P4]) and the token-bucket refill that enforces rates.

export interface SyncLimits {
	/** Largest accepted frame; larger -> MessageTooBig. */
	maxMessageBytes: number;
	/** Sustained messages per second per connection, and the burst allowed above it. */
	messagesPerSecond: number;
	messageBurst: number;
	/** Sustained bytes per second per connection, and the burst (never below maxMessageBytes). */
	bytesPerSecond: number;
	byteBurst: number;
	/** Close SlowConsumer when the socket has more than this queued. */
	maxBufferedBytes: number;
	/** Largest awareness state (JSON, bytes); larger states are dropped, not relayed. */
	maxAwarenessStateBytes: number;
	/** How many awareness client ids one connection may own. */
	maxAwarenessClientsPerConnection: number;
	/** At most one awareness broadcast per document per this many ms (latest state wins). */
	awarenessThrottleMs: number;
}

export const defaultLimits: SyncLimits = {
	maxMessageBytes: 2 * 1024 * 1024,
	messagesPerSecond: 200,
	messageBurst: 1000,
	bytesPerSecond: 2 * 1024 * 1024,
	byteBurst: 8 * 1024 * 1024,
	maxBufferedBytes: 8 * 1024 * 1024,
	maxAwarenessStateBytes: 8 * 1024,
	maxAwarenessClientsPerConnection: 4,
	awarenessThrottleMs: 50
};

export function resolveLimits(partial: Partial<SyncLimits> = {}): SyncLimits {
	const limits = { ...defaultLimits, ...partial };
	// A single allowed message must always fit in the byte bucket.
	limits.byteBurst = Math.max(limits.byteBurst, limits.maxMessageBytes);
	return limits;
}

/** Tokens in a bucket of `capacity` after `elapsedMs` of refilling at `ratePerSecond`. */
export function refill(tokens: number, elapsedMs: number, ratePerSecond: number, capacity: number): number {
	return Math.min(capacity, tokens + (Math.max(0, elapsedMs) / 1000) * ratePerSecond);
}
