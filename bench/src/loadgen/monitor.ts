// Measuring the measurer: the load generator's own CPU and event-loop lag (to flag runs where it, not
// the server, was the bottleneck), the server's CPU and RSS from /proc, and CPU used by anything else
// on the machine during a measured window (other processes compete for the same two cores).
import { execFileSync } from 'node:child_process';
import { readFileSync, readdirSync } from 'node:fs';
import { monitorEventLoopDelay, performance, type IntervalHistogram } from 'node:perf_hooks';
import { Samples, round } from './stats.ts';

let clkTck = 100;
try {
	clkTck = Number(execFileSync('getconf', ['CLK_TCK']).toString().trim()) || 100;
} catch {
	/* default */
}

/** The pid and all its descendants (tsx runs the real server in a child process). */
export function processTree(pid: number): number[] {
	const out: number[] = [];
	const walk = (p: number) => {
		out.push(p);
		let tasks: string[];
		try {
			tasks = readdirSync(`/proc/${p}/task`);
		} catch {
			return;
		}
		for (const t of tasks) {
			let children: string;
			try {
				children = readFileSync(`/proc/${p}/task/${t}/children`, 'utf8');
			} catch {
				continue;
			}
			for (const c of children.trim().split(/\s+/)) if (c) walk(Number(c));
		}
	};
	walk(pid);
	return out;
}

/** utime + stime of one process, in seconds. */
export function cpuSeconds(pid: number): number {
	try {
		const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
		const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
		// fields[0] is state (field 3); utime is field 14, stime field 15
		return (Number(fields[11]) + Number(fields[12])) / clkTck;
	} catch {
		return 0;
	}
}

/** VmRSS in MB. */
export function rssMB(pid: number): number {
	try {
		const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
		return m ? Number(m[1]) / 1024 : 0;
	} catch {
		return 0;
	}
}

export const treeCpuSeconds = (pid: number) => processTree(pid).reduce((t, p) => t + cpuSeconds(p), 0);
export const treeRssMB = (pid: number) => processTree(pid).reduce((t, p) => t + rssMB(p), 0);

/** Busy and total jiffies per core from /proc/stat. */
function coreTimes(): { busy: number; total: number }[] {
	const out: { busy: number; total: number }[] = [];
	for (const line of readFileSync('/proc/stat', 'utf8').split('\n')) {
		const m = /^cpu(\d+)\s+(.*)$/.exec(line);
		if (!m) continue;
		const v = m[2]!.split(/\s+/).map(Number);
		const idle = (v[3] ?? 0) + (v[4] ?? 0);
		const total = v.slice(0, 8).reduce((a, b) => a + b, 0);
		out[Number(m[1])] = { busy: total - idle, total };
	}
	return out;
}

export interface LoadgenHealth {
	/** CPU of this process as % of one core over the window (user + system). */
	cpuPct: number;
	systemCpuPct: number;
	eventLoopP99Ms: number;
	eventLoopMaxMs: number;
	/** How late scheduled sends went out (p99), when the scenario records it. */
	sendLagP99Ms: number;
	saturated: boolean;
	reasons: string[];
}

export interface WindowReport {
	seconds: number;
	loadgen: LoadgenHealth;
	/** Server process tree CPU, % of one core. */
	serverCpuPct: number;
	serverRssMB: number;
	/** CPU used by other processes, % of one core: in total, on the load generator's core, on the server's. */
	otherCpuPct: number;
	otherOnLoadgenCorePct: number;
	otherOnServerCorePct: number;
	noisy: boolean;
	/** From the server's own /metrics when it has one (Teixit): event-loop lag and heap at the end. */
	server?: Record<string, number>;
}

/**
 * The load generator is "saturated" when its own CPU is near its core's capacity, or when it falls
 * behind (event-loop lag, late sends) while busy. Lag with an idle load generator means something
 * else took the core: that is reported as a noisy machine, not as saturation.
 */
export const SATURATION = { cpuPct: 85, busyCpuPct: 50, eventLoopP99Ms: 20, sendLagP99Ms: 20 };
export const NOISE_PCT = 20;

/** Which cores the load generator and servers are pinned to (set by main). */
export const cores = { loadgen: 0, server: 1 };

/** One measured window: start() before the load, stop() after. */
export class Window {
	#eld: IntervalHistogram;
	#cpu0 = process.cpuUsage();
	#t0 = performance.now();
	#server0: number;
	#cores0 = coreTimes();
	readonly sendLag = new Samples();

	constructor(
		private readonly serverPid: number | null,
		private readonly scrape?: () => Promise<Record<string, number>>
	) {
		this.#eld = monitorEventLoopDelay({ resolution: 5 });
		this.#eld.enable();
		this.#server0 = serverPid ? treeCpuSeconds(serverPid) : 0;
	}

	/** Starts a window; with a scraper, reads the server's metrics first (prom-client resets its lag histogram). */
	static async open(target: { pid(): number | null; serverMetrics?: () => Promise<Record<string, number>> }): Promise<Window> {
		const scrape = target.serverMetrics?.bind(target);
		const first = scrape ? await scrape().catch(() => undefined) : undefined;
		const w = new Window(target.pid(), scrape);
		w.#scrape0 = first;
		return w;
	}

	#scrape0: Record<string, number> | undefined;

	/** stop() plus the server's own metrics, when it has them (counters ending in Total become per-second rates). */
	async close(): Promise<WindowReport> {
		const report = this.stop();
		if (this.scrape) {
			const end = await this.scrape().catch(() => undefined);
			if (end) {
				const out: Record<string, number> = {};
				for (const [k, v] of Object.entries(end)) {
					if (k.endsWith('Total')) {
						const v0 = this.#scrape0?.[k];
						if (v0 !== undefined) out[k.replace(/Total$/, 'PerSec')] = round((v - v0) / report.seconds, 1);
					} else out[k] = v;
				}
				if (out.commitsPerSec) out.updatesPerCommit = round((out.updatesPerSec ?? 0) / out.commitsPerSec, 2);
				report.server = out;
			}
		}
		return report;
	}

	stop(): WindowReport {
		const seconds = (performance.now() - this.#t0) / 1000;
		this.#eld.disable();
		const cpu = process.cpuUsage(this.#cpu0);
		const cpuPct = ((cpu.user + cpu.system) / 1e6 / seconds) * 100;
		const eventLoopP99Ms = this.#eld.percentile(99) / 1e6;
		const eventLoopMaxMs = this.#eld.max / 1e6;
		const sendLagP99Ms = this.sendLag.count ? this.sendLag.percentile(99) : 0;
		const reasons: string[] = [];
		const busyGen = cpuPct > SATURATION.busyCpuPct;
		if (cpuPct > SATURATION.cpuPct) reasons.push(`load generator CPU ${cpuPct.toFixed(0)}% of its core`);
		if (busyGen && eventLoopP99Ms > SATURATION.eventLoopP99Ms) reasons.push(`load generator event-loop lag p99 ${eventLoopP99Ms.toFixed(0)} ms`);
		if (busyGen && sendLagP99Ms > SATURATION.sendLagP99Ms) reasons.push(`sends late by ${sendLagP99Ms.toFixed(0)} ms (p99)`);
		const serverCpu = this.serverPid ? treeCpuSeconds(this.serverPid) - this.#server0 : 0;
		const serverCpuPct = (serverCpu / seconds) * 100;
		const genCpu = (cpu.user + cpu.system) / 1e6;
		const cores1 = coreTimes();
		const coreBusy = (i: number) => (cores1[i] ? (cores1[i]!.busy - (this.#cores0[i]?.busy ?? 0)) / clkTck : 0);
		let busy = 0;
		for (let i = 0; i < cores1.length; i++) busy += coreBusy(i);
		const pct = (v: number) => Math.max(0, (v / seconds) * 100);
		const otherCpuPct = pct(busy - serverCpu - genCpu);
		const pinned = cores1.length >= 2;
		const otherOnLoadgenCorePct = pinned ? pct(coreBusy(cores.loadgen) - genCpu) : NaN;
		const otherOnServerCorePct = pinned ? pct(coreBusy(cores.server) - serverCpu) : NaN;
		const lagged = eventLoopP99Ms > SATURATION.eventLoopP99Ms || sendLagP99Ms > SATURATION.sendLagP99Ms;
		const noisy = otherCpuPct > NOISE_PCT || (lagged && !busyGen);
		return {
			seconds: round(seconds, 3),
			loadgen: {
				cpuPct: round(cpuPct, 1),
				systemCpuPct: round((cpu.system / 1e6 / seconds) * 100, 1),
				eventLoopP99Ms: round(eventLoopP99Ms),
				eventLoopMaxMs: round(eventLoopMaxMs),
				sendLagP99Ms: round(sendLagP99Ms),
				saturated: reasons.length > 0,
				reasons
			},
			serverCpuPct: round(serverCpuPct, 1),
			serverRssMB: this.serverPid ? round(treeRssMB(this.serverPid), 1) : NaN,
			otherCpuPct: round(otherCpuPct, 1),
			otherOnLoadgenCorePct: round(otherOnLoadgenCorePct, 1),
			otherOnServerCorePct: round(otherOnServerCorePct, 1),
			noisy
		};
	}
}

export const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

/** Other processes' CPU over `ms`, % of one core (everything busy minus this process and `ourPid`'s tree). */
export async function otherCpu(ms: number, ourPid: number | null): Promise<number> {
	const w = new Window(ourPid);
	await sleep(ms);
	return w.stop().otherCpuPct;
}

/** Waits (bounded) for the machine to calm down before a measurement; returns the last reading. */
export async function awaitQuiet(maxWaitMs: number, ourPid: number | null, log: (m: string) => void): Promise<number> {
	const t0 = Date.now();
	let other = await otherCpu(500, ourPid);
	if (other <= NOISE_PCT || maxWaitMs <= 0) return other;
	log(`waiting for a quieter machine (other processes at ${other.toFixed(0)} % CPU)`);
	while (other > NOISE_PCT && Date.now() - t0 < maxWaitMs) other = await otherCpu(1000, ourPid);
	return other;
}
