// Idle hour (DESIGN §7: "no growth over an idle hour"). N connections stay open for M minutes doing
// what an idle y-websocket client does: nothing but renew its awareness state every 15 s (the
// provider's heartbeat; a silent client would be dropped as stale by the others). Every few minutes
// the server's memory is read with its garbage collected (common.ts settledMemory); the report gives
// the growth from the first reading to the last and the least-squares slope per hour, for RSS and
// for the V8 heap. The first reading is taken after one renewal period, so start-up is not counted.
// Opt-in, it takes M minutes per target: `pnpm bench --scenarios idle-hour --rounds 1 [--idle-minutes 60]`.
import { connectAll, type ProtocolClient } from '../loadgen/client.ts';
import { Window, sleep, type WindowReport } from '../loadgen/monitor.ts';
import { round } from '../loadgen/stats.ts';
import { encodeAwarenessMessage, encodeAwarenessUpdate } from '../loadgen/wire.ts';
import { closeAll, makeClient, serverCloses, settledMemory, type RunContext } from './common.ts';

export interface IdleHourParams {
	connections: number;
	rooms: number;
	minutes: number;
	sampleEveryMinutes: number;
	awarenessEverySeconds: number;
}

export interface IdleHourSample {
	atMinutes: number;
	rssMB: number;
	heapUsedMB: number | null;
}

export interface IdleHourResult {
	params: IdleHourParams;
	samples: IdleHourSample[];
	rssGrowthMB: number;
	rssSlopeMBPerHour: number;
	heapGrowthMB: number | null;
	heapSlopeMBPerHour: number | null;
	awarenessSent: number;
	/** Server CPU over the whole idle period (awareness renewals included). */
	window: WindowReport;
	dropped: number;
	serverCloses: Record<string, number>;
}

/** Least-squares slope of y over x. */
export function slope(points: [number, number][]): number {
	const n = points.length;
	if (n < 2) return 0;
	const mx = points.reduce((t, [x]) => t + x, 0) / n;
	const my = points.reduce((t, [, y]) => t + y, 0) / n;
	let num = 0;
	let den = 0;
	for (const [x, y] of points) {
		num += (x - mx) * (y - my);
		den += (x - mx) ** 2;
	}
	return den === 0 ? 0 : num / den;
}

export async function idleHour(ctx: RunContext, p: IdleHourParams): Promise<IdleHourResult> {
	const pid = ctx.target.pid();
	if (!pid) throw new Error('idle-hour: server pid unknown');
	const rooms = await ctx.target.rooms(p.rooms, 'idlehour');
	const clients: ProtocolClient[] = Array.from({ length: p.connections }, (_, i) => makeClient(ctx, rooms[i % rooms.length]!, {}));
	await connectAll(clients, 50);
	await Promise.all(clients.map((c) => c.whenSynced(60_000)));

	// Heartbeats spread evenly over the period, each client with its own awareness clientID and clock.
	let awarenessSent = 0;
	const periodMs = p.awarenessEverySeconds * 1000;
	const clocks = clients.map(() => 0);
	const heartbeat = (i: number) => {
		const c = clients[i]!;
		if (!c.open) return;
		const state = JSON.stringify({ user: { name: `idle ${i}`, color: '#3366aa' } });
		c.send(encodeAwarenessMessage(ctx.target.framing, c.doc, encodeAwarenessUpdate(1_000_000 + i, ++clocks[i]!, state)));
		awarenessSent++;
	};
	clients.forEach((_, i) => heartbeat(i));
	let slot = 0;
	const tickMs = 100;
	const perTick = Math.max(1, Math.round((clients.length * tickMs) / periodMs));
	const timer = setInterval(() => {
		for (let k = 0; k < perTick; k++) heartbeat(slot++ % clients.length);
	}, tickMs);

	const win = await Window.open(ctx.target);
	const t0 = Date.now();
	const samples: IdleHourSample[] = [];
	const end = t0 + p.minutes * 60_000;
	let next = t0 + periodMs;
	try {
		for (;;) {
			await sleep(Math.max(0, next - Date.now()));
			const m = await settledMemory(ctx, pid);
			const s = { atMinutes: round((Date.now() - t0) / 60_000, 2), rssMB: round(m.rssMB, 2), heapUsedMB: m.heapUsedMB === undefined ? null : round(m.heapUsedMB, 2) };
			samples.push(s);
			ctx.log(`idle-hour: ${s.atMinutes.toFixed(1)} min: RSS ${s.rssMB.toFixed(1)} MB, heap ${s.heapUsedMB?.toFixed(1) ?? '?'} MB, ${clients.filter((c) => c.open).length} open`);
			if (Date.now() >= end) break;
			next = Math.min(end, next + p.sampleEveryMinutes * 60_000);
		}
	} finally {
		clearInterval(timer);
	}
	const window = await win.close();
	const dropped = clients.filter((c) => !c.open).length;
	const closes = serverCloses(clients);
	closeAll(clients);
	await sleep(200);

	const first = samples[0]!;
	const last = samples[samples.length - 1]!;
	const heapPoints = samples.filter((s) => s.heapUsedMB !== null).map((s): [number, number] => [s.atMinutes / 60, s.heapUsedMB!]);
	return {
		params: p,
		samples,
		rssGrowthMB: round(last.rssMB - first.rssMB, 2),
		rssSlopeMBPerHour: round(slope(samples.map((s) => [s.atMinutes / 60, s.rssMB])), 2),
		heapGrowthMB: first.heapUsedMB !== null && last.heapUsedMB !== null ? round(last.heapUsedMB - first.heapUsedMB, 2) : null,
		heapSlopeMBPerHour: heapPoints.length >= 2 ? round(slope(heapPoints), 2) : null,
		awarenessSent,
		window,
		dropped,
		serverCloses: closes
	};
}
