// Sliding-window failure counter for login guessing. In-memory: per process. With several instances
// each one throttles on its own (a known limit until the Redis-backed variant lands).
export interface ThrottleOptions {
	max: number;
	windowMs: number;
}

export class FailureThrottle {
	#failures = new Map<string, number[]>();
	constructor(
		private readonly opts: ThrottleOptions,
		private readonly now: () => number = Date.now
	) {}

	/** Milliseconds until a new attempt is allowed for this key (0 = allowed). */
	retryAfter(key: string): number {
		const recent = this.#recent(key);
		if (recent.length < this.opts.max) return 0;
		return recent[0]! + this.opts.windowMs - this.now();
	}

	fail(key: string) {
		const recent = this.#recent(key);
		recent.push(this.now());
		this.#failures.set(key, recent);
		if (this.#failures.size > 50_000) this.#sweep();
	}

	reset(key: string) {
		this.#failures.delete(key);
	}

	#recent(key: string): number[] {
		const since = this.now() - this.opts.windowMs;
		return (this.#failures.get(key) ?? []).filter((t) => t > since);
	}

	#sweep() {
		for (const key of this.#failures.keys()) if (this.#recent(key).length === 0) this.#failures.delete(key);
	}
}
