// Language choice: Paraglide reads its cookie first, then Accept-Language, then Catalan. A signed-in user's
// saved choice (core.users.setLocale) wins over the cookie, so it follows them to every device.
import type { Cookies } from '@sveltejs/kit';
import { cookieMaxAge, cookieName, isLocale, type Locale } from '$lib/paraglide/runtime';

export function setLocaleCookie(cookies: Cookies, locale: Locale) {
	// Readable by the client runtime (it reads the same cookie), hence not httpOnly.
	cookies.set(cookieName, locale, { path: '/', maxAge: cookieMaxAge, sameSite: 'lax', httpOnly: false, secure: false });
}

export function localeFromCookie(cookies: Cookies): Locale | undefined {
	const v = cookies.get(cookieName);
	return isLocale(v) ? v : undefined;
}

/** The request with its Paraglide cookie replaced, so the middleware resolves `locale`. */
export function withLocaleCookie(request: Request, locale: Locale): Request {
	const headers = new Headers(request.headers);
	const others = (headers.get('cookie') ?? '')
		.split(';')
		.map((c) => c.trim())
		.filter((c) => c && !c.startsWith(`${cookieName}=`));
	headers.set('cookie', [...others, `${cookieName}=${locale}`].join('; '));
	const hasBody = request.method !== 'GET' && request.method !== 'HEAD';
	return new Request(request.url, {
		method: request.method,
		headers,
		body: hasBody ? request.body : undefined,
		signal: request.signal,
		// Required by undici when the body is a stream.
		...(hasBody ? { duplex: 'half' } : {})
	} as RequestInit);
}
