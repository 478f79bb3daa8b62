// When to take an automatic checkpoint: after a burst of activity has gone quiet (at least `minUpdates`
// updates, then `quietMs` without any), or at once when a burst runs long (`maxUpdates`), so that any
// point of the log is at most that many rows away from a stored state.

export interface BurstPolicy {
	minUpdates: number;
	quietMs: number;
	maxUpdates: number;
}

export const DEFAULT_BURST_POLICY: BurstPolicy = { minUpdates: 20, quietMs: 60_000, maxUpdates: 2_000 };

export class BurstTracker {
	#docs = new Map<string, { pending: number; lastAt: number }>();
	constructor(readonly policy: BurstPolicy = DEFAULT_BURST_POLICY) {}

	/** `updates` rows were committed for `docName` at `now`. */
	record(docName: string, updates: number, now: number): void {
		const d = this.#docs.get(docName) ?? { pending: 0, lastAt: now };
		d.pending += updates;
		d.lastAt = now;
		this.#docs.set(docName, d);
	}

	/** Documents whose checkpoint is due now. */
	due(now: number): string[] {
		const out: string[] = [];
		for (const [name, d] of this.#docs) {
			if (d.pending >= this.policy.maxUpdates || (d.pending >= this.policy.minUpdates && now - d.lastAt >= this.policy.quietMs)) out.push(name);
		}
		return out;
	}

	/** A checkpoint of `docName` was written; count again from zero. */
	taken(docName: string): void {
		this.#docs.delete(docName);
	}

	/** Forget a document whose short burst went quiet without reaching `minUpdates`. */
	sweep(now: number): void {
		for (const [name, d] of this.#docs) if (d.pending < this.policy.minUpdates && now - d.lastAt > 10 * this.policy.quietMs) this.#docs.delete(name);
	}

	get size(): number {
		return this.#docs.size;
	}
}
