// The process-wide handle through which the SvelteKit build (bundled separately by Vite) reaches the
// same core instance the Fastify server created. Keyed on a global symbol so duplicate module copies agree.
import type { Core } from './core.ts';

export interface Runtime {
	core: Core;
	publicOrigin: string;
	/** Cookie `secure` flag: true when served over HTTPS. */
	secureCookies: boolean;
}

const KEY = Symbol.for('teixit.runtime');
type Holder = { [KEY]?: Runtime };

export function setRuntime(rt: Runtime | undefined) {
	(globalThis as Holder)[KEY] = rt;
}

export function getRuntime(): Runtime {
	const rt = (globalThis as Holder)[KEY];
	if (!rt) throw new Error('Teixit runtime not initialised: start the app through apps/server');
	return rt;
}
