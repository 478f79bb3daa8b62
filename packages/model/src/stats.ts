// Small descriptive statistics over numbers. Pure; inputs are never mutated.

export function mean(xs: readonly number[]): number | null {
	if (xs.length === 0) return null;
	let s = 0;
	for (const x of xs) s += x;
	return s / xs.length;
}

/** Sample standard deviation (denominator n - 1); null when n < 2 (undefined for one value). */
export function sampleSd(xs: readonly number[]): number | null {
	if (xs.length < 2) return null;
	const m = mean(xs)!;
	let ss = 0;
	for (const x of xs) ss += (x - m) ** 2;
	return Math.sqrt(ss / (xs.length - 1));
}

/**
 * Quantile of an ascending-sorted sample by linear interpolation between closest ranks: Hyndman & Fan
 * type 7, the default of R's quantile(), NumPy's percentile(), and spreadsheets' QUARTILE.INC /
 * PERCENTILE.INC (Excel, LibreOffice, Google Sheets) — so a facilitator can check our numbers in the
 * spreadsheet they already use. With h = (n - 1) p, Q(p) = x[floor h] + (h - floor h)(x[floor h + 1] - x[floor h]),
 * 0-based. Q(0.5) is the ordinary median.
 */
export function quantileSorted(sorted: readonly number[], p: number): number | null {
	const n = sorted.length;
	if (n === 0) return null;
	if (!(p >= 0 && p <= 1)) throw new RangeError(`quantile p must be in [0, 1] (got ${p})`);
	const h = (n - 1) * p;
	const lo = Math.floor(h);
	const hi = Math.min(lo + 1, n - 1);
	return sorted[lo]! + (h - lo) * (sorted[hi]! - sorted[lo]!);
}

export const ascending = (xs: readonly number[]) => [...xs].sort((a, b) => a - b);
