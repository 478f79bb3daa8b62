// Teixit's own server (apps/server) as a pinned child process, on embedded PGlite in a temp DATA_DIR,
// or on a fresh PostgreSQL database made from the bench's DATABASE_URL (dropped afterwards).
// A bench user is created with the CLI before the first start (PGlite is single-process), then each
// start logs in, and rooms are engagements (their workspace docName).
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import postgres from 'postgres';
import type * as Y from 'yjs';
import { ServerInspector } from './inspector.ts';
import { freePort, spawnServer, stopServer, tail, waitReady, type Spawned } from './process.ts';
import { openYWebsocketReplica } from './replica.ts';
import type { Replica, Target } from './types.ts';

const repoRoot = fileURLToPath(new URL('../../../', import.meta.url));
const TSX = join(repoRoot, 'apps/server/node_modules/.bin/tsx');
const EMAIL = 'bench@example.org';
const PASSWORD = 'bench-password-0123456789';

export class TeixitTarget implements Target {
	readonly name = 'teixit' as const;
	readonly framing = 'y' as const;
	readonly durable = true;
	readonly acks = true;
	#sp: Spawned | null = null;
	#port = 0;
	#dir = '';
	#dbUrl: string | undefined;
	#dbName = '';
	#token = '';
	#cookie = '';
	#rooms = 0;
	/** Wall time of the last start, ms (reported). */
	lastStartMs = 0;

	/**
	 * `auth`: what sync clients present at the upgrade: the session cookie (what browsers send; default) or
	 * the personal API token (`Authorization: Bearer`, non-browser clients). The API calls use the token.
	 */
	constructor(
		private readonly adminDatabaseUrl = process.env.DATABASE_URL || undefined,
		readonly auth: 'cookie' | 'token' = 'cookie'
	) {}

	get database(): 'pglite' | 'postgresql' {
		return this.adminDatabaseUrl ? 'postgresql' : 'pglite';
	}

	#env(): NodeJS.ProcessEnv {
		const env: NodeJS.ProcessEnv = {
			...process.env,
			PORT: String(this.#port),
			HOST: '127.0.0.1',
			LOG_LEVEL: 'warn',
			NODE_ENV: 'production',
			PUBLIC_ORIGIN: `http://127.0.0.1:${this.#port}`,
			// API and sync only, except for the web scenario (the SvelteKit build is what it measures)
			...(this.serveWeb ? {} : { WEB_BUILD_DIR: join(this.#dir, 'no-web-build') })
		};
		delete env.DATABASE_URL;
		delete env.DATA_DIR;
		if (this.#dbUrl) env.DATABASE_URL = this.#dbUrl;
		else env.DATA_DIR = join(this.#dir, 'data');
		return env;
	}

	async setup() {
		this.#dir = mkdtempSync(join(tmpdir(), 'teixit-bench-teixit-'));
		if (this.adminDatabaseUrl) {
			this.#dbName = `teixit_bench_${Date.now()}_${Math.random().toString(36).slice(2, 6)}`;
			const admin = postgres(this.adminDatabaseUrl, { max: 1, onnotice: () => {} });
			try {
				await admin.unsafe(`CREATE DATABASE "${this.#dbName}"`);
			} finally {
				await admin.end();
			}
			const u = new URL(this.adminDatabaseUrl);
			u.pathname = `/${this.#dbName}`;
			this.#dbUrl = u.toString();
		}
		await this.#createUser();
	}

	#createUser(): Promise<void> {
		return new Promise((resolve, reject) => {
			const child = spawn(TSX, [join(repoRoot, 'apps/server/src/cli.ts'), 'user', 'create', '--email', EMAIL, '--name', 'Bench', '--password-stdin', '--admin'], {
				cwd: repoRoot,
				env: this.#env(),
				stdio: ['pipe', 'pipe', 'pipe']
			});
			let out = '';
			child.stdout.on('data', (d) => (out += d));
			child.stderr.on('data', (d) => (out += d));
			child.stdin.end(`${PASSWORD}\n`);
			child.on('exit', (code) => (code === 0 ? resolve() : reject(new Error(`teixit cli user create exited ${code}: ${out}`))));
		});
	}

	async start(): Promise<number> {
		this.#port = await freePort();
		const t0 = Date.now();
		// BENCH_TEIXIT_NODE_ARGS: extra Node flags for the server, e.g. `--cpu-prof --cpu-prof-dir=/tmp/prof`.
		const nodeArgs = (process.env.BENCH_TEIXIT_NODE_ARGS ?? '').split(' ').filter(Boolean);
		this.inspector = new ServerInspector(await freePort());
		this.#sp = spawnServer(TSX, [this.inspector.flag, ...nodeArgs, join(repoRoot, 'apps/server/src/main.ts')], { cwd: repoRoot, env: this.#env(), logFile: join(this.#dir, 'server.log') });
		await waitReady(this.#sp, this.#port, 120_000, async () => (await fetch(`${this.#base()}/readyz`)).ok);
		this.lastStartMs = Date.now() - t0;
		await this.#login();
		return this.lastStartMs;
	}

	#base() {
		return `http://127.0.0.1:${this.#port}`;
	}

	async #login() {
		if (this.#token) return; // personal API tokens survive restarts (they live in the database)
		const login = await fetch(`${this.#base()}/api/v1/auth/login`, {
			method: 'POST',
			headers: { 'content-type': 'application/json' },
			body: JSON.stringify({ email: EMAIL, password: PASSWORD })
		});
		if (login.status !== 204) throw new Error(`teixit login: HTTP ${login.status} ${await login.text()}`);
		const cookie = (login.headers.getSetCookie?.() ?? []).map((c) => c.split(';')[0]).find((c) => c?.startsWith('teixit_session='));
		if (!cookie) throw new Error('teixit login: no teixit_session cookie');
		this.#cookie = cookie;
		const res = await fetch(`${this.#base()}/api/v1/tokens`, {
			method: 'POST',
			headers: { 'content-type': 'application/json', cookie, origin: this.#base() },
			body: JSON.stringify({})
		});
		if (res.status !== 201) throw new Error(`teixit token: HTTP ${res.status} ${await res.text()}`);
		this.#token = ((await res.json()) as { token: string }).token;
	}

	/** A few figures from /metrics (prom-client defaults + ours), in ms and MB. */
	async serverMetrics(): Promise<Record<string, number>> {
		const text = await (await fetch(`${this.#base()}/metrics`)).text();
		const want: Record<string, [string, number]> = {
			nodejs_eventloop_lag_p99_seconds: ['eventLoopP99Ms', 1000],
			nodejs_eventloop_lag_max_seconds: ['eventLoopMaxMs', 1000],
			nodejs_heap_size_used_bytes: ['heapUsedMB', 1 / 2 ** 20],
			nodejs_external_memory_bytes: ['externalMB', 1 / 2 ** 20],
			teixit_sync_connections: ['connections', 1],
			teixit_sync_updates_total: ['updatesTotal', 1],
			teixit_sync_commits_total: ['commitsTotal', 1],
			teixit_sync_documents_loaded: ['documentsLoaded', 1]
		};
		const out: Record<string, number> = {};
		for (const line of text.split('\n')) {
			const m = /^([a-z_]+)(?:\{[^}]*\})? ([0-9.eE+-]+)$/.exec(line);
			const w = m && want[m[1]!];
			if (w) out[w[0]] = Math.round(Number(m[2]) * w[1] * 100) / 100;
		}
		return out;
	}

	async stop() {
		this.inspector?.close();
		this.inspector = null;
		if (this.#sp) await stopServer(this.#sp, 20_000);
		this.#sp = null;
	}

	inspector: ServerInspector | null = null;
	/** Serve the web build too (the web scenario); set before start(). */
	serveWeb = false;

	get baseUrl(): string {
		return this.#base();
	}

	/** `teixit_session=...` of the bench user, for a browser context. */
	get sessionCookie(): string {
		return this.#cookie;
	}

	/** API headers with the bench user's personal token. */
	apiHeaders(): Record<string, string> {
		return { 'content-type': 'application/json', authorization: `Bearer ${this.#token}` };
	}

	pid() {
		return this.#sp?.pid ?? null;
	}

	logTail(lines = 20) {
		return this.#sp ? tail(this.#sp.logFile, lines) : '';
	}

	async rooms(n: number, label: string): Promise<string[]> {
		const out: string[] = [];
		for (let i = 0; i < n; i++) {
			const res = await fetch(`${this.#base()}/api/v1/engagements`, {
				method: 'POST',
				headers: { 'content-type': 'application/json', authorization: `Bearer ${this.#token}` },
				body: JSON.stringify({ coopName: `Bench ${label} ${this.#rooms++}` })
			});
			if (res.status !== 201) throw new Error(`teixit create engagement: HTTP ${res.status} ${await res.text()}`);
			out.push(((await res.json()) as { docName: string }).docName);
		}
		return out;
	}

	wsUrl(room: string, opts: { acks?: boolean } = {}) {
		return `ws://127.0.0.1:${this.#port}/sync/${encodeURIComponent(room)}${opts.acks ? '?acks=1' : ''}`;
	}

	headers(): Record<string, string> {
		return this.auth === 'cookie' ? { cookie: this.#cookie } : { authorization: `Bearer ${this.#token}` };
	}

	openReplica(room: string, doc: Y.Doc, timeoutMs?: number): Promise<Replica> {
		return openYWebsocketReplica(`ws://127.0.0.1:${this.#port}/sync`, room, doc, { headers: this.headers(), timeoutMs });
	}

	async teardown() {
		await this.stop();
		if (this.#dbName && this.adminDatabaseUrl) {
			const admin = postgres(this.adminDatabaseUrl, { max: 1, onnotice: () => {} });
			try {
				await admin.unsafe(`DROP DATABASE IF EXISTS "${this.#dbName}" WITH (FORCE)`);
			} finally {
				await admin.end();
			}
		}
		if (this.#dir) rmSync(this.#dir, { recursive: true, force: true });
		this.#token = '';
		this.#cookie = '';
	}
}
