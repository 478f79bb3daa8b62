// The one way SvelteKit server code reaches the domain services: in-process, through the runtime handle that
// apps/server registers (never over HTTP).
//
// '@teixit/core' is loaded lazily on purpose. The build is externalised (see vite.config.ts), and SvelteKit's
// post-build analysis imports every server module in plain Node, which cannot load the package's .ts sources.
// At request time the server runs under tsx, so the dynamic import resolves to the very module instance
// the Fastify server created.
import type { DomainError, Runtime } from '@teixit/core';

type CoreModule = typeof import('@teixit/core');

let loading: Promise<CoreModule> | undefined;
let loaded: CoreModule | undefined;

export async function coreModule(): Promise<CoreModule> {
	loading ??= import('@teixit/core').then((m) => (loaded = m));
	return loading;
}

/** `{ core, publicOrigin, secureCookies }` of the running server. */
export async function runtime(): Promise<Runtime> {
	return (await coreModule()).getRuntime();
}

/** True for errors raised by the domain services (they carry `.code` and `.status`). */
export function isDomainError(e: unknown): e is DomainError {
	if (loaded) return loaded.isDomainError(e);
	// Only reachable if an error is raised before the module finished loading; same duck typing as core.
	return e instanceof Error && e.name === 'DomainError' && typeof (e as DomainError).code === 'string';
}
