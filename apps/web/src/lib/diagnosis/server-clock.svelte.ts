// The server's clock, seen from the browser: timers in the facilitation document are in server-clock
// milliseconds, so every participant's countdown agrees even when their own clocks do not.
// offset = serverNow - the local time at the middle of the request; the sample with the shortest round
// trip wins (NTP's rule of thumb: its midpoint is the least uncertain).

export interface TimeSample {
	/** Local clock when the request left. */
	sent: number;
	/** Local clock when the answer arrived. */
	received: number;
	/** What the server said. */
	server: number;
}

/** Offset (ms to add to the local clock) from the sample with the shortest round trip; null without samples. */
export function offsetFromSamples(samples: readonly TimeSample[]): number | null {
	let best: TimeSample | null = null;
	for (const s of samples) {
		if (s.received < s.sent) continue;
		if (!best || s.received - s.sent < best.received - best.sent) best = s;
	}
	return best ? Math.round(best.server - (best.sent + best.received) / 2) : null;
}

export class ServerClock {
	/** ms to add to Date.now(); 0 until measured. */
	offset = $state(0);
	measured = $state(false);
	/** A ticking "now" for countdowns: updated by `tick()` while some component runs an interval. */
	#now = $state(Date.now());
	readonly #url: string;

	constructor(url = '/api/v1/time') {
		this.#url = url;
	}

	/** Server time now (not reactive: call it when writing). */
	serverNow(): number {
		return Date.now() + this.offset;
	}

	/** Reactive server time, refreshed by `tick()`. */
	get now(): number {
		return this.#now + this.offset;
	}

	tick() {
		this.#now = Date.now();
	}

	/** Measure the offset with a few requests (browser only). */
	async sync(samples = 3, fetcher: typeof fetch = fetch): Promise<void> {
		const got: TimeSample[] = [];
		for (let i = 0; i < samples; i++) {
			const sent = Date.now();
			try {
				const res = await fetcher(this.#url, { cache: 'no-store', headers: { accept: 'application/json' } });
				if (!res.ok) continue;
				const { now } = (await res.json()) as { now: unknown };
				if (typeof now === 'number' && Number.isFinite(now)) got.push({ sent, received: Date.now(), server: now });
			} catch {
				/* offline: keep the previous offset */
			}
		}
		const off = offsetFromSamples(got);
		if (off !== null) {
			this.offset = off;
			this.measured = true;
		}
	}
}
