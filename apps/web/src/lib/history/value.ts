// Plain-language rendering of stored values (scores, cards, fields) for the history pages.
export function plainValue(v: unknown): string {
	if (v === null || v === undefined) return '—';
	if (typeof v === 'string') return v;
	if (typeof v === 'number' || typeof v === 'boolean') return String(v);
	if (Array.isArray(v)) return v.map(plainValue).join(', ');
	if (typeof v === 'object')
		return Object.entries(v as Record<string, unknown>)
			.map(([k, x]) => `${k}: ${plainValue(x)}`)
			.join('; ');
	return String(v);
}
