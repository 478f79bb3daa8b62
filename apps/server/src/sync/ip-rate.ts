// Token bucket of new WebSocket connections per client address. Generous by default: a whole
// workshop room shares one public IP behind its Wi-Fi router.
export class IpConnectionRate {
	#buckets = new Map<string, { tokens: number; at: number }>();
	constructor(
		private readonly perSecond: number,
		private readonly burst: number,
		private readonly now: () => number = Date.now
	) {}

	take(ip: string): boolean {
		const t = this.now();
		const b = this.#buckets.get(ip) ?? { tokens: this.burst, at: t };
		b.tokens = Math.min(this.burst, b.tokens + ((t - b.at) / 1000) * this.perSecond);
		b.at = t;
		const ok = b.tokens >= 1;
		if (ok) b.tokens -= 1;
		this.#buckets.set(ip, b);
		if (this.#buckets.size > 10_000) this.#sweep(t);
		return ok;
	}

	#sweep(t: number) {
		for (const [ip, b] of this.#buckets) if (b.tokens + ((t - b.at) / 1000) * this.perSecond >= this.burst) this.#buckets.delete(ip);
	}
}
