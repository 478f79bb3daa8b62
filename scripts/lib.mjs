// Shared helpers of the root scripts. Plain Node (no dependencies): these run before anything is installed.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export const root = resolve(fileURLToPath(new URL('..', import.meta.url)));
export const PNPM_VERSION = '10.34.9';

/** The pnpm command: a matching global pnpm, or the pinned one through npx. */
export function pnpmCommand() {
	const probe = spawnSync('pnpm', ['--version'], { encoding: 'utf8', shell: false });
	if (probe.status === 0 && probe.stdout.trim() === PNPM_VERSION) return ['pnpm'];
	return ['npx', '-y', `pnpm@${PNPM_VERSION}`];
}

export function run(cmd, args, opts = {}) {
	return new Promise((resolveRun) => {
		const child = spawn(cmd, args, { cwd: root, stdio: 'inherit', ...opts });
		child.on('exit', (code, signal) => resolveRun(code ?? (signal ? 1 : 0)));
	});
}

export async function runOrDie(cmd, args, opts = {}) {
	const code = await run(cmd, args, opts);
	if (code !== 0) {
		console.error(`\n✖ ${cmd} ${args.join(' ')} failed with exit code ${code}`);
		process.exit(code);
	}
}

export async function pnpm(args, opts = {}) {
	const [cmd, ...pre] = pnpmCommand();
	await runOrDie(cmd, [...pre, ...args], opts);
}

export async function install() {
	const frozen = process.env.CI ? ['--frozen-lockfile'] : ['--prefer-offline'];
	await pnpm(['install', ...frozen, '--reporter=append-only']);
}

function newestMtime(path) {
	if (!existsSync(path)) return 0;
	const st = statSync(path);
	if (!st.isDirectory()) return st.mtimeMs;
	let newest = st.mtimeMs;
	for (const entry of readdirSync(path)) {
		if (entry === 'node_modules' || entry === 'build' || entry === '.svelte-kit' || entry === 'paraglide') continue;
		newest = Math.max(newest, newestMtime(join(path, entry)));
	}
	return newest;
}

/** Builds the web app when its build is missing or older than its sources. */
export async function buildWebIfStale({ force = false } = {}) {
	const web = join(root, 'apps/web');
	const handler = join(web, 'build/handler.js');
	const sources = Math.max(
		newestMtime(join(web, 'src')),
		newestMtime(join(web, 'messages')),
		newestMtime(join(web, 'static')),
		newestMtime(join(web, 'package.json')),
		newestMtime(join(web, 'svelte.config.js')),
		newestMtime(join(web, 'vite.config.ts')),
		newestMtime(join(root, 'packages/protocol/src'))
	);
	if (!force && existsSync(handler) && statSync(handler).mtimeMs >= sources) {
		console.log('• web build is up to date');
		return;
	}
	console.log('• building the web app…');
	await pnpm(['--filter', '@teixit/web', 'build']);
}
