// Child processes for servers under test: pinned to one core with taskset, output to a log file (never
// piped through the load generator), readiness by polling, and stop by pid (SIGTERM, then SIGKILL).
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { closeSync, existsSync, openSync, readFileSync } from 'node:fs';
import { createServer, connect } from 'node:net';
import { cpus } from 'node:os';
import { processTree, sleep } from '../loadgen/monitor.ts';

export const hasTaskset = spawnSync('taskset', ['-V']).status === 0;
export const coreCount = cpus().length;
export const canPin = hasTaskset && coreCount >= 2;
export const SERVER_CORE = 1;
export const LOADGEN_CORE = 0;

/** Pins the calling process (all threads) to the load generator's core. */
export function pinSelf(): boolean {
	if (!canPin) return false;
	return spawnSync('taskset', ['-a', '-cp', String(LOADGEN_CORE), String(process.pid)], { stdio: 'ignore' }).status === 0;
}

export function freePort(): Promise<number> {
	return new Promise((resolve, reject) => {
		const srv = createServer();
		srv.once('error', reject);
		srv.listen(0, '127.0.0.1', () => {
			const addr = srv.address();
			const port = typeof addr === 'object' && addr ? addr.port : 0;
			srv.close(() => resolve(port));
		});
	});
}

export interface Spawned {
	child: ChildProcess;
	pid: number;
	logFile: string;
	exited: Promise<number | null>;
}

/** Starts `cmd args` pinned to the server core, stdout+stderr to logFile. */
export function spawnServer(cmd: string, args: string[], opts: { env: NodeJS.ProcessEnv; cwd: string; logFile: string }): Spawned {
	const fd = openSync(opts.logFile, 'a');
	const [file, argv] = canPin ? ['taskset', ['-c', String(SERVER_CORE), cmd, ...args]] : [cmd, args];
	const child = spawn(file, argv, { cwd: opts.cwd, env: opts.env, stdio: ['ignore', fd, fd] });
	closeSync(fd);
	const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
	if (!child.pid) throw new Error(`could not start ${cmd}`);
	return { child, pid: child.pid, logFile: opts.logFile, exited };
}

export function tail(file: string, lines = 30): string {
	if (!existsSync(file)) return '';
	return readFileSync(file, 'utf8').split('\n').slice(-lines).join('\n');
}

const tcpOpen = (port: number) =>
	new Promise<boolean>((resolve) => {
		const s = connect(port, '127.0.0.1');
		s.once('connect', () => {
			s.destroy();
			resolve(true);
		});
		s.once('error', () => resolve(false));
	});

/** Waits until `check` passes (default: the port accepts TCP) or the process exits. */
export async function waitReady(sp: Spawned, port: number, timeoutMs: number, check?: () => Promise<boolean>): Promise<number> {
	const t0 = Date.now();
	let exited = false;
	void sp.exited.then(() => (exited = true));
	while (Date.now() - t0 < timeoutMs) {
		if (exited) throw new Error(`server exited during start; log ${sp.logFile}:\n${tail(sp.logFile)}`);
		if (await (check ? check().catch(() => false) : tcpOpen(port))) return Date.now() - t0;
		await sleep(50);
	}
	throw new Error(`server not ready after ${timeoutMs} ms; log ${sp.logFile}:\n${tail(sp.logFile)}`);
}

/** SIGTERM, wait, then SIGKILL: only the process we started (the pinned wrapper passes signals on). */
export async function stopServer(sp: Spawned, graceMs = 10_000): Promise<void> {
	if (sp.child.exitCode !== null || sp.child.signalCode !== null) return;
	const tree = processTree(sp.pid);
	sp.child.kill('SIGTERM');
	const done = await Promise.race([sp.exited.then(() => true), sleep(graceMs).then(() => false)]);
	if (done) return;
	// SIGKILL the tree we started, still alive (tsx's child would otherwise outlive its parent)
	for (const pid of tree.reverse()) {
		try {
			process.kill(pid, 'SIGKILL');
		} catch {
			/* already gone */
		}
	}
	await sp.exited;
}

export function isAlive(pid: number | null): boolean {
	if (!pid) return false;
	try {
		process.kill(pid, 0);
		return true;
	} catch {
		return false;
	}
}
