// Per-engagement background work for the publishers: requests are debounced (a burst of commits makes
// one pass) and passes of one engagement never overlap (a request during a pass runs another after it).
export class EngagementJobs {
	#timers = new Map<string, ReturnType<typeof setTimeout>>();
	#running = new Map<string, Promise<void>>();

	constructor(
		private readonly pass: (engagementId: string) => Promise<void>,
		private readonly onError: (err: unknown, engagementId: string) => void,
		private readonly debounceMs = 50
	) {}

	schedule(engagementId: string) {
		if (this.#timers.has(engagementId)) return;
		this.#timers.set(
			engagementId,
			setTimeout(() => {
				this.#timers.delete(engagementId);
				void this.run(engagementId);
			}, this.debounceMs)
		);
	}

	async run(engagementId: string): Promise<void> {
		const previous = this.#running.get(engagementId);
		if (previous) {
			await previous;
			return this.run(engagementId);
		}
		const work = this.pass(engagementId).catch((err) => this.onError(err, engagementId));
		this.#running.set(engagementId, work);
		try {
			await work;
		} finally {
			this.#running.delete(engagementId);
		}
	}

	/** Drops pending (debounced) passes; a pass already running finishes. */
	stop() {
		for (const t of this.#timers.values()) clearTimeout(t);
		this.#timers.clear();
	}
}
