// Fan-out: R rooms x E editors, every editor appends small text edits at a fixed rate and receives
// everyone else's. The rate steps up; per step: propagation latency (send -> every other client of
// the room received it), deliveries/s, undelivered receipts, Teixit's durable-ack latency. The
// "threshold" is the edit rate at which p99 passes the limit (interpolated between steps).
// Also used for the workshop case (1 room, 50 editors + 1 facilitator, 1 edit/s).
import { EditTracker, type Editor } from '../loadgen/edits.ts';
import { Window, type WindowReport } from '../loadgen/monitor.ts';
import { pace } from '../loadgen/pacer.ts';
import { round, type LatencySummary } from '../loadgen/stats.ts';
import { parserStats } from '../loadgen/yparse.ts';
import { closeAll, openEditorRooms, serverCloses, verifyEditorRooms, type RunContext, type VerifyResult } from './common.ts';

export interface FanoutParams {
	label: string;
	rooms: number;
	clientsPerRoom: number;
	/** Edits per second per client, one step each. */
	rates: number[];
	stepSeconds: number;
	/**
	 * Seconds at the first rate before the first measured step, not reported: the servers' first
	 * seconds under load (JIT compilation, heap growth, lazily built caches) otherwise show up as a p99
	 * spike in the lowest step of every server.
	 */
	warmupSeconds?: number;
	p99LimitMs: number;
	/** Stop the ramp after two failing steps in a row, or one with p99 over 10x the limit. */
	stopAfterFail: boolean;
	drainMaxMs: number;
}

export interface FanoutStep {
	rate: number;
	sent: number;
	delivered: number;
	deliveredPerSec: number;
	undelivered: number;
	duplicates: number;
	latency: LatencySummary;
	ackLatency: LatencySummary;
	drainMs: number;
	window: WindowReport;
}

export interface FanoutResult {
	params: FanoutParams;
	connectMs: number;
	steps: FanoutStep[];
	threshold: Threshold;
	verify: VerifyResult;
	unacked: number | null;
	serverCloses: Record<string, number>;
	receiverStats: { echoes: number; unknown: number; unparsable: number; fastParsed: number; fallbackParsed: number };
}

export interface Threshold {
	/** Edits/s per client at which p99 crosses the limit; censored values are the tested bound. */
	rate: number;
	/** 'below': already over the limit at the first step; 'above': never crossed. */
	censored: 'none' | 'below' | 'above';
}

/**
 * The rate where p99 crosses the limit: between the highest passing step and the step after it
 * (interpolated on log p99), so one noisy failing step below a passing one does not decide it.
 */
export function thresholdRate(steps: { rate: number; p99: number }[], limit: number): Threshold {
	let lastPass = -1;
	steps.forEach((s, i) => {
		if (s.p99 <= limit) lastPass = i;
	});
	if (steps.length === 0) return { rate: 0, censored: 'above' };
	if (lastPass === -1) return { rate: steps[0]!.rate, censored: 'below' };
	if (lastPass === steps.length - 1) return { rate: steps[lastPass]!.rate, censored: 'above' };
	const prev = steps[lastPass]!;
	const s = steps[lastPass + 1]!;
	const a = Math.log(Math.max(prev.p99, 0.01));
	const b = Math.log(Number.isFinite(s.p99) ? s.p99 : limit * 100);
	const f = b > a ? (Math.log(limit) - a) / (b - a) : 1;
	return { rate: round(prev.rate + Math.min(1, Math.max(0, f)) * (s.rate - prev.rate), 1), censored: 'none' };
}

export async function fanout(ctx: RunContext, p: FanoutParams): Promise<FanoutResult> {
	const tracker = new EditTracker();
	const parse0 = { ...parserStats };
	const { rooms, connectMs } = await openEditorRooms(ctx, p.label, p.rooms, p.clientsPerRoom, tracker);
	const clients = rooms.flatMap((r) => r.clients);
	ctx.log(`${p.label}: ${clients.length} clients connected in ${connectMs.toFixed(0)} ms`);
	const steps: FanoutStep[] = [];
	/** Every client sends at `rate` for `seconds`; its edits are counted under tracker step `stepIdx`. */
	const drive = async (rate: number, stepIdx: number, seconds: number, win: Window | null) => {
		const perEditor = Math.ceil(rate * seconds) + 2;
		for (const r of rooms) for (const ed of r.editors) ed.pregenerate(perEditor);
		await pace(
			clients.map((c) => {
				const ed = c.tag as Editor;
				return {
					intervalMs: 1000 / rate,
					fire: (now: number) => {
						if (!c.open) return;
						const msg = ed.next(now, stepIdx);
						if (!msg) return;
						c.send(msg);
						tracker.sent(ed);
					}
				};
			}),
			seconds * 1000,
			win?.sendLag
		);
	};
	// Tracker step 0 is the warm-up (when there is one); measured step i is tracker step i + offset.
	const offset = p.warmupSeconds ? 1 : 0;
	if (p.warmupSeconds) {
		await drive(p.rates[0]!, 0, p.warmupSeconds, null);
		await tracker.drain(p.drainMaxMs);
		ctx.log(`${p.label}: warmed up (${p.warmupSeconds} s at ${p.rates[0]}/s, not reported)`);
	}
	for (let i = 0; i < p.rates.length; i++) {
		const rate = p.rates[i]!;
		const sentBefore = tracker.totalSent();
		const win = await Window.open(ctx.target);
		await drive(rate, i + offset, p.stepSeconds, win);
		const window = await win.close();
		const drainMs = await tracker.drain(p.drainMaxMs);
		const st = tracker.step(i + offset);
		const step: FanoutStep = {
			rate,
			sent: tracker.totalSent() - sentBefore,
			delivered: st.delivered,
			deliveredPerSec: round(st.delivered / window.seconds, 0),
			undelivered: 0,
			duplicates: st.duplicates,
			latency: st.latency.summary(),
			ackLatency: st.ackLatency.summary(),
			drainMs,
			window
		};
		steps.push(step);
		ctx.log(
			`${p.label} @${rate}/s: p50 ${step.latency.p50} p99 ${step.latency.p99} ms, ${step.deliveredPerSec} deliveries/s` +
				(ctx.target.acks ? `, ack p99 ${step.ackLatency.p99} ms` : '') +
				`, server CPU ${window.serverCpuPct}%, loadgen CPU ${window.loadgen.cpuPct}%${window.loadgen.saturated ? ' ⚠ load generator saturated' : ''}`
		);
		const failed = (st: FanoutStep | undefined) => !!st && !(st.latency.p99 <= p.p99LimitMs);
		if (p.stopAfterFail && failed(step) && (failed(steps.at(-2)) || !(step.latency.p99 <= 10 * p.p99LimitMs))) break;
	}
	const undelivered = tracker.undeliveredByStep();
	steps.forEach((s, i) => (s.undelivered = undelivered[i + offset] ?? 0));
	// acks may trail the last broadcast by a commit
	if (ctx.target.acks) {
		const t0 = Date.now();
		while (tracker.unacked() > 0 && Date.now() - t0 < 10_000) await new Promise((r) => setTimeout(r, 50));
	}
	const closes = serverCloses(clients);
	const verify = await verifyEditorRooms(ctx, rooms);
	closeAll(clients);
	return {
		params: p,
		connectMs: round(connectMs, 0),
		steps,
		threshold: thresholdRate(
			steps.map((s) => ({ rate: s.rate, p99: s.latency.p99 })),
			p.p99LimitMs
		),
		verify,
		unacked: ctx.target.acks ? tracker.unacked() : null,
		serverCloses: closes,
		receiverStats: {
			echoes: tracker.echoes,
			unknown: tracker.unknown,
			unparsable: tracker.unparsable,
			fastParsed: parserStats.fastUpdates - parse0.fastUpdates,
			fallbackParsed: parserStats.fallbacks - parse0.fallbacks
		}
	};
}
