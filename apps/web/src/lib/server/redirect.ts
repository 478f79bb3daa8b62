/** A same-origin path to go to after signing in; anything else (absolute, protocol-relative, odd) becomes `fallback`. */
export function safeRedirect(value: unknown, fallback = '/'): string {
	if (typeof value !== 'string' || value.length === 0 || value.length > 2000) return fallback;
	if (!value.startsWith('/') || value.startsWith('//') || value.startsWith('/\\')) return fallback;
	try {
		const base = 'http://teixit.invalid';
		const url = new URL(value, base);
		if (url.origin !== base) return fallback;
		return `${url.pathname}${url.search}${url.hash}`;
	} catch {
		return fallback;
	}
}
