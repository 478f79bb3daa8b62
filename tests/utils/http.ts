// A tiny cookie-keeping JSON client for API tests.
export class ApiClient {
	cookie: string | null = null;
	constructor(
		public base: string,
		public bearer: string | null = null
	) {}

	async request(method: string, path: string, body?: unknown, headers: Record<string, string> = {}) {
		const h: Record<string, string> = { ...headers };
		if (body !== undefined && !h['content-type']) h['content-type'] = 'application/json';
		if (this.cookie) h.cookie = this.cookie;
		if (this.bearer) h.authorization = `Bearer ${this.bearer}`;
		const res = await fetch(this.base + path, { method, headers: h, body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body), redirect: 'manual' });
		const set = res.headers.getSetCookie();
		for (const c of set) {
			const [pair] = c.split(';');
			if (pair!.startsWith('teixit_session=')) this.cookie = /teixit_session=;|Max-Age=0|Expires=Thu, 01 Jan 1970/.test(c) ? null : pair!;
		}
		const text = await res.text();
		let json: unknown = undefined;
		try {
			json = text ? JSON.parse(text) : undefined;
		} catch {
			/* not JSON */
		}
		return { status: res.status, json: json as any, text, headers: res.headers };
	}

	get = (p: string) => this.request('GET', p);
	post = (p: string, b?: unknown) => this.request('POST', p, b ?? {});
	patch = (p: string, b?: unknown) => this.request('PATCH', p, b);
	del = (p: string) => this.request('DELETE', p);
}
