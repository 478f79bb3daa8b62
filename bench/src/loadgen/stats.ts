// Latency samples and percentiles. Raw samples are kept (a few hundred thousand doubles at most) so the
// JSON has exact percentiles, not histogram approximations.

export class Samples {
	#buf = new Float64Array(1024);
	#n = 0;
	#sorted: Float64Array | null = null;

	add(v: number) {
		if (this.#n === this.#buf.length) {
			const next = new Float64Array(this.#buf.length * 2);
			next.set(this.#buf);
			this.#buf = next;
		}
		this.#buf[this.#n++] = v;
		this.#sorted = null;
	}

	get count() {
		return this.#n;
	}

	#sort(): Float64Array {
		if (!this.#sorted) this.#sorted = this.#buf.slice(0, this.#n).sort();
		return this.#sorted;
	}

	/** Nearest-rank percentile, p in [0, 100]. NaN when empty. */
	percentile(p: number): number {
		const s = this.#sort();
		if (s.length === 0) return NaN;
		const rank = Math.min(s.length - 1, Math.max(0, Math.ceil((p / 100) * s.length) - 1));
		return s[rank]!;
	}

	max(): number {
		const s = this.#sort();
		return s.length ? s[s.length - 1]! : NaN;
	}

	mean(): number {
		if (this.#n === 0) return NaN;
		let t = 0;
		for (let i = 0; i < this.#n; i++) t += this.#buf[i]!;
		return t / this.#n;
	}

	summary(): LatencySummary {
		return {
			count: this.count,
			p50: round(this.percentile(50)),
			p95: round(this.percentile(95)),
			p99: round(this.percentile(99)),
			max: round(this.max()),
			mean: round(this.mean())
		};
	}
}

export interface LatencySummary {
	count: number;
	p50: number;
	p95: number;
	p99: number;
	max: number;
	mean: number;
}

export const round = (v: number, digits = 2) => (Number.isFinite(v) ? Math.round(v * 10 ** digits) / 10 ** digits : NaN);

export function median(values: number[]): number {
	const v = values.filter((x) => Number.isFinite(x)).sort((a, b) => a - b);
	if (v.length === 0) return NaN;
	const mid = Math.floor(v.length / 2);
	return v.length % 2 ? v[mid]! : (v[mid - 1]! + v[mid]!) / 2;
}
