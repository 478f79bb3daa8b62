// Environment, read once at start. Names are a contract (DESIGN.md §6): PORT, HOST, DATABASE_URL,
// REDIS_URL, DATA_DIR, PUBLIC_ORIGIN.
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export interface Config {
	port: number;
	host: string;
	databaseUrl?: string;
	redisUrl?: string;
	/** Embedded database directory (PGlite) when DATABASE_URL is unset. */
	dataDir: string;
	publicOrigin: string;
	/** Directory of the SvelteKit adapter-node build (holds handler.js). */
	webBuildDir: string;
	logLevel: string;
	trustProxy: boolean;
}

const repoRoot = fileURLToPath(new URL('../../../', import.meta.url));

function intFrom(name: string, value: string | undefined, fallback: number): number {
	if (value === undefined || value === '') return fallback;
	const n = Number(value);
	if (!Number.isInteger(n) || n < 0 || n > 65535) throw new Error(`${name} must be an integer port number, got "${value}"`);
	return n;
}

export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
	const port = intFrom('PORT', env.PORT, 3000);
	const host = env.HOST || '0.0.0.0';
	const publicOrigin = (env.PUBLIC_ORIGIN || `http://localhost:${port}`).replace(/\/$/, '');
	try {
		new URL(publicOrigin);
	} catch {
		throw new Error(`PUBLIC_ORIGIN must be an absolute URL, got "${publicOrigin}"`);
	}
	return {
		port,
		host,
		databaseUrl: env.DATABASE_URL || undefined,
		redisUrl: env.REDIS_URL || undefined,
		dataDir: resolve(env.DATA_DIR || resolve(repoRoot, 'data')),
		publicOrigin,
		webBuildDir: resolve(env.WEB_BUILD_DIR || resolve(repoRoot, 'apps/web/build')),
		logLevel: env.LOG_LEVEL || 'info',
		trustProxy: env.TRUST_PROXY === '1' || env.TRUST_PROXY === 'true'
	};
}
