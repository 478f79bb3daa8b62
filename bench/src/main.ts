// `pnpm bench [--quick]`: Teixit against @y/websocket-server and Hocuspocus in one invocation.
// This process is the load generator, pinned to core 0; each server is a child pinned to core 1.
// Rounds alternate the server order; every scenario runs once per server per round; the tables show
// medians and the JSON in bench/results/ keeps every raw figure.
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { SCENARIOS, USAGE, defaultConfig, type BenchConfig, type ScenarioName } from './config.ts';
import { clientCounters } from './loadgen/client.ts';
import { awaitQuiet, sleep } from './loadgen/monitor.ts';
import { parserStats } from './loadgen/yparse.ts';
import { extractMetrics, mergeRounds, renderReport, type Metrics } from './report.ts';
import { coldLoad, type ColdLoadResult } from './scenarios/coldload.ts';
import { history } from './scenarios/history.ts';
import { idleHour } from './scenarios/idlehour.ts';
import { ensureWebBuild, web } from './scenarios/web.ts';
import type { RunContext } from './scenarios/common.ts';
import { connections } from './scenarios/connections.ts';
import { fanout } from './scenarios/fanout.ts';
import { joinStorm } from './scenarios/joinstorm.ts';
import { presence } from './scenarios/presence.ts';
import { LOADGEN_CORE, SERVER_CORE, canPin, coreCount, isAlive, pinSelf } from './servers/process.ts';
import { hocuspocus, yWebsocketServer } from './servers/reference.ts';
import { TeixitTarget } from './servers/teixit.ts';
import { TARGET_NAMES, type Target, type TargetName } from './servers/types.ts';

const benchDir = fileURLToPath(new URL('../', import.meta.url));

function parseConfig(argv: string[]): BenchConfig {
	const { values } = parseArgs({
		args: argv.filter((a) => a !== '--'),
		options: {
			quick: { type: 'boolean' },
			rounds: { type: 'string' },
			targets: { type: 'string' },
			scenarios: { type: 'string' },
			out: { type: 'string' },
			'teixit-auth': { type: 'string' },
			'idle-minutes': { type: 'string' },
			'fanout-rates': { type: 'string' },
			'fanout-seconds': { type: 'string' },
			help: { type: 'boolean' }
		},
		strict: true
	});
	if (values.help) {
		console.log(USAGE);
		process.exit(0);
	}
	const cfg: BenchConfig = { ...defaultConfig(!!values.quick), outDir: values.out ?? join(benchDir, 'results') };
	if (values.rounds) cfg.rounds = Math.max(1, Number(values.rounds));
	const list = <T extends string>(v: string | undefined, all: readonly T[], what: string): T[] | undefined => {
		if (!v) return undefined;
		const items = v.split(',').map((s) => s.trim()) as T[];
		for (const i of items) if (!all.includes(i)) throw new Error(`unknown ${what} "${i}" (one of ${all.join(', ')})`);
		return items;
	};
	cfg.targets = list(values.targets, TARGET_NAMES, 'target') ?? cfg.targets;
	if (values['teixit-auth']) {
		if (values['teixit-auth'] !== 'cookie' && values['teixit-auth'] !== 'token') throw new Error('--teixit-auth is cookie or token');
		cfg.teixitAuth = values['teixit-auth'];
	}
	cfg.scenarios = list(values.scenarios, SCENARIOS, 'scenario') ?? cfg.scenarios;
	if (values['idle-minutes']) {
		const m = Number(values['idle-minutes']);
		if (!(m > 0)) throw new Error('--idle-minutes is a positive number');
		cfg.idleHour = { ...cfg.idleHour, minutes: m, sampleEveryMinutes: Math.min(cfg.idleHour.sampleEveryMinutes, m / 4) };
	}
	if (values['fanout-rates']) {
		const rates = values['fanout-rates'].split(',').map(Number);
		if (!rates.every((r) => r > 0)) throw new Error('--fanout-rates is a comma-separated list of positive edits/s');
		cfg.fanout = { ...cfg.fanout, rates };
	}
	if (values['fanout-seconds']) {
		const s = Number(values['fanout-seconds']);
		if (!(s > 0)) throw new Error('--fanout-seconds is a positive number');
		cfg.fanout = { ...cfg.fanout, stepSeconds: s };
	}
	return cfg;
}

function makeTarget(name: TargetName, cfg: BenchConfig): Target {
	if (name === 'teixit') return new TeixitTarget(process.env.DATABASE_URL || undefined, cfg.teixitAuth);
	if (name === 'y-websocket-server') return yWebsocketServer();
	return hocuspocus();
}

// connections runs last: its memory readings force full GCs through the inspector, after which
// Teixit's main thread ran a Mark-Compact every ~3 s under fan-out for the rest of the process (twice
// in 40 s without them), and fan-out p99 at 10/s was 29-47 ms instead of 7-9 ms (bench/README.md).
const ROUND_SCENARIOS: ScenarioName[] = ['presence', 'presence-cpu', 'fanout', 'workshop', 'join-storm', 'connections', 'idle-hour'];

async function runScenario(name: ScenarioName, ctx: RunContext, cfg: BenchConfig): Promise<unknown> {
	switch (name) {
		case 'connections':
			return connections(ctx, cfg.connections);
		case 'presence':
			return presence(ctx, cfg.presence);
		case 'presence-cpu':
			return presence(ctx, cfg.presenceCpu);
		case 'fanout':
			return fanout(ctx, cfg.fanout);
		case 'workshop':
			return fanout(ctx, cfg.workshop);
		case 'join-storm':
			return joinStorm(ctx, cfg.joinStorm);
		case 'cold-load':
			return coldLoad(ctx, cfg.coldLoad);
		case 'idle-hour':
			return idleHour(ctx, cfg.idleHour);
		case 'history':
			throw new Error('history runs on the cold-load document, after it');
		case 'web':
			throw new Error('web runs once, on Teixit only');
	}
}

const errText = (err: unknown) => String((err as Error)?.stack ?? err);

async function main() {
	const cfg = parseConfig(process.argv.slice(2));
	const pinned = pinSelf();
	const started = new Date();
	const t0 = Date.now();
	const elapsed = () => `${((Date.now() - t0) / 1000).toFixed(0).padStart(4)}s`;
	const log = (msg: string) => console.log(`[${elapsed()}] ${msg}`);
	log(
		`Teixit bench${cfg.quick ? ' (quick)' : ''}: ${cfg.rounds} round(s), targets ${cfg.targets.join(', ')}; ` +
			(pinned ? `load generator on core ${LOADGEN_CORE}, servers on core ${SERVER_CORE}` : `⚠ not pinned (${canPin ? 'taskset failed' : `taskset missing or ${coreCount} core(s)`})`) +
			`; load average ${loadavg().map((l) => l.toFixed(2)).join(' ')}`
	);

	const targets = new Map<TargetName, Target>();
	const setupErrors: Partial<Record<TargetName, string>> = {};
	for (const name of cfg.targets) {
		const t = makeTarget(name, cfg);
		const ts = Date.now();
		try {
			await t.setup();
			targets.set(name, t);
			log(`${name}: set up in ${Date.now() - ts} ms${t instanceof TeixitTarget ? ` (${t.database}, sync clients authenticate with the ${t.auth === 'cookie' ? 'session cookie' : 'API token'})` : ''}`);
		} catch (err) {
			setupErrors[name] = errText(err);
			log(`✖ ${name}: setup failed: ${errText(err).split('\n')[0]}`);
		}
	}

	type RoundTarget = { startMs?: number; scenarios: Partial<Record<ScenarioName, unknown>>; errors: Partial<Record<ScenarioName, string>> };
	const rounds: { round: number; order: TargetName[]; targets: Partial<Record<TargetName, RoundTarget>> }[] = [];
	const metrics: Partial<Record<ScenarioName, Partial<Record<TargetName, Metrics[]>>>> = {};
	const errors: Partial<Record<ScenarioName, Partial<Record<TargetName, string>>>> = {};
	const record = (scenario: ScenarioName, target: TargetName, result: unknown) => {
		((metrics[scenario] ??= {})[target] ??= []).push(extractMetrics(scenario, result));
	};
	const recordError = (scenario: ScenarioName, target: TargetName, err: unknown) => {
		(errors[scenario] ??= {})[target] = errText(err);
		log(`✖ ${target} ${scenario}: ${errText(err).split('\n')[0]}`);
	};
	const names = [...targets.keys()];
	const roundScenarios = ROUND_SCENARIOS.filter((s) => cfg.scenarios.includes(s));
	for (let r = 0; r < cfg.rounds && roundScenarios.length; r++) {
		const order = names.map((_, i) => names[(i + r) % names.length]!);
		const round: (typeof rounds)[number] = { round: r + 1, order, targets: {} };
		rounds.push(round);
		for (const name of order) {
			const target = targets.get(name)!;
			const rt: RoundTarget = { scenarios: {}, errors: {} };
			round.targets[name] = rt;
			const ctx: RunContext = { target, addressSpread: cfg.addressSpread, log: (m) => log(`round ${r + 1} ${name} ${m}`) };
			try {
				rt.startMs = await target.start();
				log(`round ${r + 1}: ${name} started in ${rt.startMs} ms (pid ${target.pid()})`);
			} catch (err) {
				for (const s of roundScenarios) recordError(s, name, err);
				continue;
			}
			for (const s of roundScenarios) {
				try {
					if (!isAlive(target.pid())) {
						log(`✖ ${name} server is gone; restarting it`);
						await target.stop();
						await target.start();
					}
					await awaitQuiet(cfg.quietWaitMs, target.pid(), ctx.log);
					const res = await runScenario(s, ctx, cfg);
					rt.scenarios[s] = res;
					record(s, name, res);
				} catch (err) {
					rt.errors[s] = errText(err);
					recordError(s, name, err);
					if (target instanceof TeixitTarget) log(`teixit log tail:\n${target.logTail(10)}`);
				}
				await sleep(500);
			}
			await target.stop();
		}
	}

	let cold: ColdLoadResult | null = null;
	let hist: unknown = null;
	const teixit = targets.get('teixit');
	const wantCold = cfg.scenarios.includes('cold-load');
	const wantHistory = cfg.scenarios.includes('history');
	if ((wantCold || wantHistory) && teixit) {
		const ctx: RunContext = { target: teixit, addressSpread: cfg.addressSpread, log: (m) => log(`teixit ${m}`) };
		try {
			await teixit.start();
			// history alone still needs the big document: build it without the restarts
			cold = await coldLoad(ctx, wantCold ? cfg.coldLoad : { ...cfg.coldLoad, restarts: 0 });
			if (wantCold) record('cold-load', 'teixit', cold);
		} catch (err) {
			recordError(wantCold ? 'cold-load' : 'history', 'teixit', err);
			if (teixit instanceof TeixitTarget) log(`teixit log tail:\n${teixit.logTail(10)}`);
		}
		if (wantHistory && cold && teixit instanceof TeixitTarget) {
			try {
				const base = teixit.wsUrl('x').replace(/^ws/, 'http').replace(/\/sync\/.*$/, '');
				hist = await history({ base, headers: teixit.headers() }, cold.bigRoom, cfg.history, (m) => log(`teixit ${m}`));
				record('history', 'teixit', hist);
			} catch (err) {
				recordError('history', 'teixit', err);
				log(`teixit log tail:\n${teixit.logTail(10)}`);
			}
		}
		await teixit.stop();
	}
	if (cfg.scenarios.includes('web') && teixit instanceof TeixitTarget) {
		try {
			ensureWebBuild(log);
			teixit.serveWeb = true;
			await teixit.start();
			record('web', 'teixit', await web(teixit, cfg.web, (m) => log(`teixit ${m}`)));
		} catch (err) {
			recordError('web', 'teixit', err);
			log(`teixit log tail:\n${teixit.logTail(10)}`);
		} finally {
			teixit.serveWeb = false;
			await teixit.stop();
		}
	}
	for (const t of targets.values()) await t.teardown().catch((err) => log(`teardown ${t.name}: ${errText(err)}`));
	for (const [name, e] of Object.entries(setupErrors)) for (const s of cfg.scenarios) (errors[s] ??= {})[name as TargetName] = `setup failed: ${e}`;

	const summary: Partial<Record<ScenarioName, Partial<Record<TargetName, Metrics>>>> = {};
	for (const [s, byTarget] of Object.entries(metrics)) {
		for (const [t, list] of Object.entries(byTarget)) (summary[s as ScenarioName] ??= {})[t as TargetName] = mergeRounds(list);
	}
	const { text, budgets } = renderReport(cfg, summary, errors);
	console.log(text);

	mkdirSync(cfg.outDir, { recursive: true });
	const file = join(cfg.outDir, `${started.toISOString().replace(/[:.]/g, '-')}.json`);
	const pkg = (name: string) => {
		try {
			return (JSON.parse(readFileSync(join(benchDir, 'node_modules', name, 'package.json'), 'utf8')) as { version: string }).version;
		} catch {
			return 'unknown';
		}
	};
	const json = {
		meta: {
			started: started.toISOString(),
			durationSec: Math.round((Date.now() - t0) / 1000),
			node: process.version,
			cores: coreCount,
			pinned,
			loadavgAtEnd: loadavg(),
			database: teixit instanceof TeixitTarget ? teixit.database : null,
			teixitAuth: teixit instanceof TeixitTarget ? teixit.auth : null,
			versions: { '@y/websocket-server': pkg('@y/websocket-server'), '@hocuspocus/server': pkg('@hocuspocus/server'), yjs: pkg('yjs'), ws: pkg('ws') },
			loadgen: { ...clientCounters, ...parserStats }
		},
		config: cfg,
		rounds,
		coldLoad: cold,
		history: hist,
		summary,
		budgets,
		errors,
		setupErrors
	};
	writeFileSync(file, JSON.stringify(json, (_k, v) => (typeof v === 'number' && !Number.isFinite(v) ? null : v), 2));
	log(`results: ${file}`);
	process.exit(0);
}

main().catch((err) => {
	console.error(err);
	process.exit(1);
});
