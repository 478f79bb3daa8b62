// The real server as a separate process (tsx apps/server/src/main.ts), for tests that kill it.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { createServer } from 'node:net';
import { join, resolve } from 'node:path';

const root = resolve(import.meta.dirname, '../..');
// One process (node --import tsx), not the tsx CLI, whose wrapper survives kill -9 of itself as an orphan.
const nodeArgs = ['--import', 'tsx'];

export const freePort = () =>
	new Promise<number>((res, rej) => {
		const s = createServer();
		s.listen(0, '127.0.0.1', () => {
			const port = (s.address() as { port: number }).port;
			s.close(() => res(port));
		});
		s.on('error', rej);
	});

/** Database environment for a spawned server: DATABASE_URL or DATA_DIR. */
export type DbEnv = { DATABASE_URL: string } | { DATA_DIR: string };

export function cliCreateUser(dbEnv: DbEnv, user: { email: string; name: string; password: string; admin?: boolean }) {
	const args = [join(root, 'apps/server/src/cli.ts'), 'user', 'create', '--email', user.email, '--name', user.name, '--password-stdin', ...(user.admin ? ['--admin'] : [])];
	const r = spawnSync(process.execPath, [...nodeArgs, ...args], { cwd: root, env: { ...process.env, DATABASE_URL: '', ...dbEnv }, input: `${user.password}\n`, encoding: 'utf8' });
	if (r.status !== 0) throw new Error(`cli failed: ${r.stderr}`);
	return JSON.parse(r.stdout) as { id: string };
}

export interface SpawnedServer {
	url: string;
	wsUrl: string;
	port: number;
	child: ChildProcess;
	output: () => string;
	kill(signal?: NodeJS.Signals): Promise<number | null>;
}

export async function spawnServer(dbEnv: DbEnv, opts: { port?: number; env?: Record<string, string> } = {}): Promise<SpawnedServer> {
	const port = opts.port ?? (await freePort());
	let out = '';
	const child = spawn(process.execPath, [...nodeArgs, join(root, 'apps/server/src/main.ts')], {
		cwd: root,
		env: { ...process.env, DATABASE_URL: '', PORT: String(port), HOST: '127.0.0.1', LOG_LEVEL: 'warn', PUBLIC_ORIGIN: `http://127.0.0.1:${port}`, ...dbEnv, ...opts.env },
		stdio: ['ignore', 'pipe', 'pipe']
	});
	child.stdout!.on('data', (d) => (out += d));
	child.stderr!.on('data', (d) => (out += d));
	const exited = new Promise<number | null>((r) => child.on('exit', (code) => r(code)));
	const url = `http://127.0.0.1:${port}`;
	const deadline = Date.now() + 60_000;
	for (;;) {
		if (child.exitCode !== null) throw new Error(`server exited early:\n${out}`);
		try {
			if ((await fetch(`${url}/readyz`)).ok) break;
		} catch {
			/* not up yet */
		}
		if (Date.now() > deadline) {
			child.kill('SIGKILL');
			throw new Error(`server did not become ready:\n${out}`);
		}
		await new Promise((r) => setTimeout(r, 100));
	}
	return {
		url,
		wsUrl: `ws://127.0.0.1:${port}/sync`,
		port,
		child,
		output: () => out,
		async kill(signal = 'SIGTERM') {
			if (child.exitCode === null) child.kill(signal);
			return exited;
		}
	};
}
