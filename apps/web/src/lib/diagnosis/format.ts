// Locale-aware numbers for the diagnosis views, in the UI language.
import type { Locale } from '@teixit/model';
import { getLocale } from '$lib/paraglide/runtime';

/** The UI language as a model locale (the same three: ca, es, en). */
export const uiLocale = (): Locale => getLocale() as Locale;

/** 3.3333 → "3,3" (ca/es) or "3.3" (en); null → "—". */
export function num(x: number | null | undefined, digits = 1): string {
	if (x === null || x === undefined || !Number.isFinite(x)) return '—';
	return new Intl.NumberFormat(getLocale(), { maximumFractionDigits: digits }).format(x);
}

/** 0.6667 → "67 %" (ca/es) or "67%" (en). */
export function pct(x: number | null | undefined): string {
	if (x === null || x === undefined || !Number.isFinite(x)) return '—';
	return new Intl.NumberFormat(getLocale(), { style: 'percent', maximumFractionDigits: 0 }).format(x);
}

/** Milliseconds → "4:05" (rounded up: a countdown shows 0:00 only when the time is over). */
export function countdown(ms: number): string {
	const total = Math.max(0, Math.ceil(ms / 1000));
	const m = Math.floor(total / 60);
	const s = total % 60;
	return `${m}:${String(s).padStart(2, '0')}`;
}

/** A signed change: +0,5 / −0,3 / 0. */
export function delta(x: number | null | undefined): string {
	if (x === null || x === undefined || !Number.isFinite(x)) return '—';
	const r = Math.round(x * 10) / 10;
	if (r === 0) return num(0);
	return `${r > 0 ? '+' : '−'}${num(Math.abs(r))}`;
}
