// Turns raw scenario results into flat metrics, takes medians over rounds, and prints one table per
// scenario: each server's figure, Teixit's ratio to each reference, the DESIGN.md §7 budget and
// pass/fail. Markers: ⚠ = the load generator was saturated in that measurement (figure unreliable),
// ≈ = other processes used notable CPU meanwhile (noisy machine).
import type { BenchConfig, ScenarioName } from './config.ts';
import type { ColdLoadResult } from './scenarios/coldload.ts';
import type { HistoryResult } from './scenarios/history.ts';
import type { IdleHourResult } from './scenarios/idlehour.ts';
import type { WebResult } from './scenarios/web.ts';
import type { ConnectionsResult } from './scenarios/connections.ts';
import type { FanoutResult } from './scenarios/fanout.ts';
import type { JoinStormResult } from './scenarios/joinstorm.ts';
import type { PresenceResult } from './scenarios/presence.ts';
import type { WindowReport } from './loadgen/monitor.ts';
import { median } from './loadgen/stats.ts';
import type { TargetName } from './servers/types.ts';

export interface Metrics {
	values: Record<string, number>;
	/** key -> markers ('⚠', '≈') */
	flags: Record<string, string>;
}

const CENSOR = { none: 0, below: -1, above: 1 } as const;

function windowFlags(w: WindowReport | undefined): string {
	if (!w) return '';
	return (w.loadgen.saturated ? '⚠' : '') + (w.noisy ? '≈' : '');
}

export function extractMetrics(scenario: ScenarioName, r: unknown): Metrics {
	const values: Record<string, number> = {};
	const flags: Record<string, string> = {};
	const set = (k: string, v: number, f = '') => {
		values[k] = v;
		if (f) flags[k] = f;
	};
	switch (scenario) {
		case 'connections': {
			const c = r as ConnectionsResult;
			const f = windowFlags(c.idleWindow);
			set('mbPerConn', c.mbPerConnection, f);
			if (c.heapMbPerConnection !== null) set('heapMbPerConn', c.heapMbPerConnection);
			set('connectMs', c.connectMs);
			set('dropped', c.dropped);
			set('idleCpuPct', c.idleWindow.serverCpuPct, f);
			break;
		}
		case 'presence':
		case 'presence-cpu': {
			const p = r as PresenceResult;
			const f = windowFlags(p.window);
			set('p50', p.latency.p50, f);
			set('p95', p.latency.p95, f);
			set('p99', p.latency.p99, f);
			set('deliveredPct', p.deliveredPct);
			set('serverCpuPct', p.window.serverCpuPct, f);
			set('verifyOk', p.verify.ok ? 1 : 0);
			break;
		}
		case 'fanout':
		case 'workshop': {
			const fo = r as FanoutResult;
			// the threshold depends on the last passing step and the one after it: their markers count
			let lastPass = -1;
			fo.steps.forEach((s, i) => {
				if (s.latency.p99 <= fo.params.p99LimitMs) lastPass = i;
			});
			const bracket = [fo.steps[lastPass], fo.steps[lastPass + 1]].map((s) => windowFlags(s?.window)).join('');
			for (const s of fo.steps) {
				const f = windowFlags(s.window);
				set(`p50@${s.rate}`, s.latency.p50, f);
				set(`p95@${s.rate}`, s.latency.p95, f);
				set(`p99@${s.rate}`, s.latency.p99, f);
				set(`deliveredPerSec@${s.rate}`, s.deliveredPerSec, f);
				set(`undelivered@${s.rate}`, s.undelivered);
				set(`serverCpu@${s.rate}`, s.window.serverCpuPct, f);
				if (s.ackLatency.count) set(`ackP99@${s.rate}`, s.ackLatency.p99, f);
			}
			set('threshold', fo.threshold.rate, [...new Set(bracket)].join(''));
			set('thresholdCensored', CENSOR[fo.threshold.censored]);
			set('lost', fo.verify.missing);
			set('undelivered', fo.steps.reduce((t, s) => t + s.undelivered, 0));
			set('verifyOk', fo.verify.ok ? 1 : 0);
			if (fo.unacked !== null) set('unacked', fo.unacked);
			break;
		}
		case 'join-storm': {
			const j = r as JoinStormResult;
			const f = windowFlags(j.window);
			set('allSyncedMs', j.allSyncedMs, f);
			set('p50Ms', j.syncMs.p50, f);
			set('failed', j.failed);
			set('serverCpuPct', j.window.serverCpuPct, f);
			set('verifyOk', j.verify.ok ? 1 : 0);
			break;
		}
		case 'cold-load': {
			const c = r as ColdLoadResult;
			set('coldOpenMs', c.coldOpenMs);
			set('smallColdMs', c.smallColdMs);
			set('firstAfterRestartMs', c.firstAfterRestartMs);
			if (c.commitsPerSec !== null) set('commitsPerSec', c.commitsPerSec);
			set('warmOpenMs', c.warmOpenMs);
			set('updatesPerSec', c.updatesPerSec);
			set('lost', c.verify.missing);
			set('verifyOk', c.verify.ok ? 1 : 0);
			break;
		}
		case 'web': {
			const w = r as WebResult;
			for (const pg of w.pages) set(`gzip:${pg.path}`, pg.gzipKB);
			set('workspaceGzipKB', w.workspaceGzipKB);
			set('editableMedianMs', w.editableMedianMs);
			set('editableMaxMs', w.editableMaxMs);
			set('firstSaveMedianMs', w.firstSaveMedianMs);
			break;
		}
		case 'idle-hour': {
			const h = r as IdleHourResult;
			const f = windowFlags(h.window);
			set('rssSlope', h.rssSlopeMBPerHour);
			set('rssGrowth', h.rssGrowthMB);
			if (h.heapSlopeMBPerHour !== null) set('heapSlope', h.heapSlopeMBPerHour);
			if (h.heapGrowthMB !== null) set('heapGrowth', h.heapGrowthMB);
			set('serverCpuPct', h.window.serverCpuPct, f);
			set('dropped', h.dropped);
			break;
		}
		case 'history': {
			const h = r as HistoryResult;
			set('openMaxMs', h.openMaxMs);
			set('openNamedMs', h.openNamedMs);
			set('openCheckpointMedianMs', h.openCheckpointMs.median);
			set('openSeqMedianMs', h.openSeqMs.median);
			set('openSeqMaxMs', h.openSeqMs.max);
			set('timelineMs', h.timelineMs);
			set('compareMs', h.compareMs);
			set('versions', h.versions);
			break;
		}
	}
	return { values, flags };
}

/**
 * Median of every metric over rounds. On a shared machine some rounds are disturbed: when at least one
 * round measured a metric cleanly (no ⚠ or ≈), only the clean rounds count; otherwise all do, and the
 * figure keeps the markers. Counts of losses take the worst round, verification the worst too.
 */
export function mergeRounds(list: Metrics[]): Metrics {
	const values: Record<string, number> = {};
	const flags: Record<string, string> = {};
	const keys = new Set(list.flatMap((m) => Object.keys(m.values)));
	for (const k of keys) {
		const have = list.filter((m) => m.values[k] !== undefined);
		const clean = have.filter((m) => !m.flags[k]);
		const use = clean.length > 0 ? clean : have;
		const v = use.map((m) => m.values[k]!);
		const all = have.map((m) => m.values[k]!);
		if (k === 'verifyOk') values[k] = Math.min(...all);
		else if (k === 'lost' || k === 'unacked' || k === 'dropped' || k === 'failed') values[k] = Math.max(...all);
		else if (k === 'thresholdCensored') continue;
		else values[k] = median(v);
		if (k === 'threshold') {
			// censoring (≥ / <) of the round whose threshold is closest to the median
			const closest = use.reduce((a, b) => (Math.abs(b.values[k]! - values[k]!) < Math.abs(a.values[k]! - values[k]!) ? b : a));
			values.thresholdCensored = closest.values.thresholdCensored ?? 0;
		}
		if (clean.length === 0) {
			const f = [...new Set(have.map((m) => m.flags[k] ?? '').join(''))].join('');
			if (f) flags[k] = f;
		}
	}
	return { values, flags };
}

type Verdict = 'pass' | 'FAIL' | '?' | 'n/a';

interface Row {
	label: string;
	key: string;
	digits?: number;
	/** Show Teixit/reference ratios (skip for counts). */
	ratio?: boolean;
	budget?: { text: string; check: (t: number, refs: Partial<Record<TargetName, Metrics>>, teixit: Metrics) => Verdict };
}

interface TableDef {
	scenario: ScenarioName;
	title: string;
	rows: Row[];
}

const lte = (limit: number) => (t: number) => (Number.isFinite(t) ? (t <= limit ? 'pass' : 'FAIL') : 'n/a');
const lt = (limit: number) => (t: number) => (Number.isFinite(t) ? (t < limit ? 'pass' : 'FAIL') : 'n/a');
const zero = (t: number) => (Number.isFinite(t) ? (t === 0 ? 'pass' : 'FAIL') : 'n/a');

function thresholdVerdict(t: number, refs: Partial<Record<TargetName, Metrics>>, teixit: Metrics): Verdict {
	const refList = Object.values(refs).filter((m): m is Metrics => !!m && Number.isFinite(m.values.threshold));
	if (!Number.isFinite(t) || refList.length === 0) return 'n/a';
	const best = refList.reduce((a, b) => (b.values.threshold! > a.values.threshold! ? b : a));
	const need = 1.5 * best.values.threshold!;
	const tc = teixit.values.thresholdCensored ?? 0;
	const bc = best.values.thresholdCensored ?? 0;
	if (t >= need) return bc > 0 ? '?' : 'pass';
	return tc > 0 ? '?' : 'FAIL';
}

export function tableDefs(cfg: Pick<BenchConfig, 'fanout' | 'workshop' | 'presence' | 'presenceCpu' | 'joinStorm' | 'connections' | 'coldLoad' | 'history' | 'idleHour' | 'web'>): TableDef[] {
	const f = cfg.fanout;
	const fanRows: Row[] = [];
	for (const r of f.rates) {
		fanRows.push({ label: `p50 ms @${r}/s`, key: `p50@${r}`, ratio: true });
		fanRows.push({ label: `p99 ms @${r}/s`, key: `p99@${r}`, ratio: true });
		fanRows.push({ label: `deliveries/s @${r}/s`, key: `deliveredPerSec@${r}`, digits: 0, ratio: true });
		fanRows.push({ label: `undelivered @${r}/s`, key: `undelivered@${r}`, digits: 0 });
		fanRows.push({ label: `server CPU % @${r}/s`, key: `serverCpu@${r}`, digits: 0, ratio: true });
		fanRows.push({ label: `durable ack p99 ms @${r}/s`, key: `ackP99@${r}` });
	}
	fanRows.push({
		label: `edits/s per client at p99 > ${f.p99LimitMs} ms`,
		key: 'threshold',
		ratio: true,
		budget: { text: '≥ 1.5× better ref', check: thresholdVerdict }
	});
	fanRows.push({ label: 'lost (real provider doc)', key: 'lost', digits: 0, budget: { text: '0', check: zero } });
	fanRows.push({ label: 'unacknowledged at end', key: 'unacked', digits: 0 });
	const w = cfg.workshop;
	const wr = w.rates[0]!;
	return [
		{
			scenario: 'fanout',
			title: `Fan-out: ${f.rooms} rooms × ${f.clientsPerRoom} clients, edit rate per client stepped ${f.rates.join(', ')}/s (${f.stepSeconds} s each)`,
			rows: fanRows
		},
		{
			scenario: 'workshop',
			title: `Workshop: 1 doc, ${w.clientsPerRoom - 1} editors + 1 facilitator, ${wr} edit/s each (${w.stepSeconds} s)`,
			rows: [
				{ label: 'p50 ms', key: `p50@${wr}`, ratio: true },
				{ label: 'p95 ms', key: `p95@${wr}`, ratio: true },
				{ label: 'p99 ms', key: `p99@${wr}`, ratio: true, budget: { text: '≤ 20 ms', check: lte(20) } },
				{ label: 'durable ack p99 ms', key: `ackP99@${wr}` },
				{ label: 'lost (real provider doc)', key: 'lost', digits: 0, budget: { text: '0', check: zero } }
			]
		},
		{
			scenario: 'presence',
			title: `Presence: ${cfg.presence.rooms} rooms × ${cfg.presence.clientsPerRoom} clients, awareness at ${cfg.presence.hz} Hz (${cfg.presence.seconds} s)`,
			rows: [
				{ label: 'p50 ms', key: 'p50', ratio: true },
				{ label: 'p99 ms', key: 'p99', ratio: true, budget: { text: '< 100 ms', check: lt(100) } },
				{ label: 'delivered % (coalescing ok)', key: 'deliveredPct', digits: 1 },
				{ label: 'server CPU %', key: 'serverCpuPct', digits: 0, ratio: true },
				{ label: 'real provider sees all (1=yes)', key: 'verifyOk', digits: 0 }
			]
		},
		{
			scenario: 'presence-cpu',
			title: `Presence CPU: ${cfg.presenceCpu.clientsPerRoom} clients in one doc at ${cfg.presenceCpu.hz} Hz (${cfg.presenceCpu.seconds} s)`,
			rows: [
				{ label: 'server CPU % of one core', key: 'serverCpuPct', digits: 1, ratio: true, budget: { text: '< 15 %', check: lt(15) } },
				{ label: 'p99 ms', key: 'p99', ratio: true },
				{ label: 'real provider sees all (1=yes)', key: 'verifyOk', digits: 0 }
			]
		},
		{
			scenario: 'join-storm',
			title: `Join storm: ${cfg.joinStorm.clients} clients connect at once to a ${(cfg.joinStorm.docBytes / 1e6).toFixed(2)} MB doc`,
			rows: [
				{ label: 'all synced ms', key: 'allSyncedMs', digits: 0, ratio: true, budget: { text: '≤ 1000 ms', check: lte(1000) } },
				{ label: 'p50 synced ms', key: 'p50Ms', digits: 0, ratio: true },
				{ label: 'failed', key: 'failed', digits: 0 },
				{ label: 'state verified (1=yes)', key: 'verifyOk', digits: 0 }
			]
		},
		{
			scenario: 'connections',
			title: `Connections: ${cfg.connections.connections} idle connections over ${cfg.connections.rooms} docs`,
			rows: [
				{ label: 'server RSS MB per connection', key: 'mbPerConn', digits: 4, ratio: true, budget: { text: '< 0.01 MB', check: lt(0.01) } },
				{ label: 'server V8 heap MB per connection (after GC)', key: 'heapMbPerConn', digits: 4 },
				{ label: 'connect+sync all ms', key: 'connectMs', digits: 0, ratio: true },
				{ label: 'idle server CPU %', key: 'idleCpuPct', digits: 1 },
				{ label: 'dropped', key: 'dropped', digits: 0 }
			]
		},
		{
			scenario: 'web',
			title: `Web: the SvelteKit build in Chromium, fresh browser context per load (Teixit only; ${cfg.web.runs} loads of the workspace page)`,
			rows: [
				{ label: 'workspace page JS KB gzipped', key: 'workspaceGzipKB', digits: 1, budget: { text: '< 250 KB', check: lt(250) } },
				...cfg.web.pages.map((pg) => ({ label: `/e/:id${pg} JS KB gzipped`, key: `gzip:${pg}`, digits: 1 })),
				{ label: 'editable + synced ms (median)', key: 'editableMedianMs', digits: 0, budget: { text: '< 1000 ms', check: lt(1000) } },
				{ label: 'editable + synced ms (slowest)', key: 'editableMaxMs', digits: 0 },
				{ label: 'first edit saved ms after typing (median)', key: 'firstSaveMedianMs', digits: 0 }
			]
		},
		{
			scenario: 'idle-hour',
			title: `Idle hour: ${cfg.idleHour.connections} connections over ${cfg.idleHour.rooms} docs for ${cfg.idleHour.minutes} min, awareness renewed every ${cfg.idleHour.awarenessEverySeconds} s, memory read after a full GC every ${cfg.idleHour.sampleEveryMinutes} min`,
			rows: [
				{ label: 'server RSS slope MB/hour', key: 'rssSlope', digits: 2, budget: { text: '< 1 MB/h (no growth)', check: lt(1) } },
				{ label: 'server RSS first→last MB', key: 'rssGrowth', digits: 2 },
				{ label: 'server V8 heap slope MB/hour', key: 'heapSlope', digits: 2 },
				{ label: 'server V8 heap first→last MB', key: 'heapGrowth', digits: 2 },
				{ label: 'server CPU %', key: 'serverCpuPct', digits: 1 },
				{ label: 'dropped', key: 'dropped', digits: 0 }
			]
		},
		{
			scenario: 'cold-load',
			title: `Cold load: doc with ${cfg.coldLoad.updates.toLocaleString('en')} logged updates, fresh client after a server restart (in-memory references: n/a)`,
			rows: [
				{ label: 'cold open ms', key: 'coldOpenMs', budget: { text: '< 200 ms', check: lt(200) } },
				{ label: 'small doc cold open ms (fixed cost)', key: 'smallColdMs' },
				{ label: 'first doc after restart ms', key: 'firstAfterRestartMs' },
				{ label: 'warm open ms', key: 'warmOpenMs' },
				{ label: 'durable writes/s while building', key: 'updatesPerSec', digits: 0 },
				{ label: 'commits/s while building (/metrics)', key: 'commitsPerSec', digits: 0 },
				{ label: 'lost after restart', key: 'lost', digits: 0, budget: { text: '0', check: zero } }
			]
		},
		{
			scenario: 'history',
			title: `History: versions of the ${cfg.coldLoad.updates.toLocaleString('en')}-update cold-load doc opened through the API (Teixit only; ${cfg.history.randomPoints} random log points)`,
			rows: [
				{ label: 'slowest open ms (any version or point)', key: 'openMaxMs', budget: { text: '< 500 ms', check: lt(500) } },
				{ label: 'open named version ms', key: 'openNamedMs' },
				{ label: 'open automatic checkpoint ms (median)', key: 'openCheckpointMedianMs' },
				{ label: 'open random log point ms (median)', key: 'openSeqMedianMs' },
				{ label: 'open random log point ms (max)', key: 'openSeqMaxMs' },
				{ label: 'timeline ms', key: 'timelineMs' },
				{ label: 'compare mid-log vs end ms', key: 'compareMs' },
				{ label: 'versions stored', key: 'versions', digits: 0 }
			]
		}
	];
}

const COLS: TargetName[] = ['teixit', 'y-websocket-server', 'hocuspocus'];

function fmt(v: number | undefined, digits = 1, key = ''): string {
	if (v === undefined || !Number.isFinite(v)) return v === undefined ? '—' : 'n/a';
	if (key === 'threshold') return v.toFixed(1);
	return v.toFixed(digits);
}

function ratio(a: number | undefined, b: number | undefined): string {
	if (a === undefined || b === undefined || !Number.isFinite(a) || !Number.isFinite(b) || b === 0) return '—';
	return `${(a / b).toFixed(2)}×`;
}

export interface BudgetLine {
	scenario: ScenarioName;
	metric: string;
	budget: string;
	teixit: number | null;
	verdict: Verdict;
}

/** Renders all tables; returns the text and the budget verdicts. */
export function renderReport(
	cfg: Parameters<typeof tableDefs>[0],
	summary: Partial<Record<ScenarioName, Partial<Record<TargetName, Metrics>>>>,
	errors: Partial<Record<ScenarioName, Partial<Record<TargetName, string>>>>
): { text: string; budgets: BudgetLine[] } {
	const lines: string[] = [];
	const budgets: BudgetLine[] = [];
	for (const def of tableDefs(cfg)) {
		const byTarget = summary[def.scenario];
		if (!byTarget && !errors[def.scenario]) continue;
		const header = ['metric', ...COLS, 'teixit/y-ws', 'teixit/hocuspocus', 'budget', 'pass'];
		const rows: string[][] = [];
		for (const row of def.rows) {
			const cells = COLS.map((t) => {
				const m = byTarget?.[t];
				if (!m) return errors[def.scenario]?.[t] ? 'error' : (def.scenario === 'cold-load' || def.scenario === 'history') && t !== 'teixit' ? 'n/a' : '—';
				let s = fmt(m.values[row.key], row.digits ?? 1, row.key);
				if (row.key === 'threshold') {
					const c = m.values.thresholdCensored ?? 0;
					s = c > 0 ? `≥${s}` : c < 0 ? `<${s}` : s;
				}
				return s + (m.flags[row.key] ?? '');
			});
			if (cells.every((c) => c === '—' || c === 'n/a')) continue;
			const t = byTarget?.teixit?.values[row.key];
			const r1 = row.ratio ? ratio(t, byTarget?.['y-websocket-server']?.values[row.key]) : '';
			const r2 = row.ratio ? ratio(t, byTarget?.hocuspocus?.values[row.key]) : '';
			let verdict: Verdict | '' = '';
			if (row.budget) {
				const refs = { 'y-websocket-server': byTarget?.['y-websocket-server'], hocuspocus: byTarget?.hocuspocus };
				verdict = byTarget?.teixit && t !== undefined ? row.budget.check(t, refs, byTarget.teixit) : 'n/a';
				budgets.push({ scenario: def.scenario, metric: row.label, budget: row.budget.text, teixit: t ?? null, verdict });
			}
			rows.push([row.label, ...cells, r1, r2, row.budget?.text ?? '', verdict]);
		}
		const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => [...r[i]!].length)));
		const pad = (cells: string[]) => cells.map((c, i) => (i === 0 ? c.padEnd(widths[i]!) : c.padStart(widths[i]! + (c.length - [...c].length)))).join('  ');
		lines.push('', `── ${def.title}`, pad(header), widths.map((w) => '─'.repeat(w)).join('  '), ...rows.map(pad));
		const errs = Object.entries(errors[def.scenario] ?? {});
		for (const [t, e] of errs) lines.push(`   ✖ ${t}: ${e.split('\n')[0]}`);
	}
	lines.push(
		'',
		'Ratios are teixit ÷ reference: below 1× is better for times, CPU and memory; above 1× is better for rates.',
		'Figures are medians over the rounds that measured them cleanly; ⚠/≈ mark a figure for which no round was clean:',
		'⚠ load generator saturated during that measurement (figure not trustworthy)   ≈ other processes used > 20 % CPU meanwhile (noisy machine)',
		(summary['idle-hour'] ? '' : 'Memory growth over an idle hour: `--scenarios idle-hour --rounds 1` (an hour per target). ') +
			'Not measured here: durability under repeated kill -9 (tests/integration/durability.test.ts).'
	);
	return { text: lines.join('\n'), budgets };
}
