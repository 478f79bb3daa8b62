// Identifier shapes. Ids and keys are joined into compound keys ("run/round/item") and Yjs root names
// ("notes:run:item"), so they must not contain the separators.

/** Run, engagement and user ids: letters, digits, '-' and '_'. */
export const ID_PATTERN = /^[A-Za-z0-9_-]{1,64}$/;
/** Item and dimension keys (e.g. "D1.1"): letters, digits, '.', '-' and '_'. */
export const KEY_PATTERN = /^[A-Za-z0-9._-]{1,64}$/;
/** Template ids: like item keys, up to 128 characters. */
export const TEMPLATE_ID_PATTERN = /^[A-Za-z0-9._-]{1,128}$/;

export const isId = (s: unknown): s is string => typeof s === 'string' && ID_PATTERN.test(s);
export const isKey = (s: unknown): s is string => typeof s === 'string' && KEY_PATTERN.test(s);

export function assertId(s: unknown, what: string): asserts s is string {
	if (!isId(s)) throw new TypeError(`${what} must match ${ID_PATTERN} (got ${JSON.stringify(s)})`);
}

export function assertKey(s: unknown, what: string): asserts s is string {
	if (!isKey(s)) throw new TypeError(`${what} must match ${KEY_PATTERN} (got ${JSON.stringify(s)})`);
}

/** A diagnosis round: 1 = silent individual input, 2 = optional re-rating (Delphi-lite). */
export type Round = number;

export const isRound = (n: unknown): n is Round => Number.isInteger(n) && (n as number) >= 1 && (n as number) <= 9;

export function assertRound(n: unknown): asserts n is Round {
	if (!isRound(n)) throw new TypeError(`round must be an integer 1..9 (got ${JSON.stringify(n)})`);
}

/** Natural order of keys: "D2.1" < "D10.1", "D1.2" < "D1.10". */
export function compareKeys(a: string, b: string): number {
	const pa = a.match(/\d+|\D+/g) ?? [];
	const pb = b.match(/\d+|\D+/g) ?? [];
	for (let i = 0; i < Math.min(pa.length, pb.length); i++) {
		const x = pa[i]!;
		const y = pb[i]!;
		if (x === y) continue;
		const nx = /^\d/.test(x);
		const ny = /^\d/.test(y);
		if (nx && ny) {
			const d = Number(x) - Number(y);
			if (d !== 0) return d;
			return x.length - y.length; // "01" after "1": stable, total
		}
		return x < y ? -1 : 1;
	}
	return pa.length - pb.length;
}
