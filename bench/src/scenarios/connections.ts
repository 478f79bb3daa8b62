// Idle connections: the server's RSS (VmRSS of its process tree, from /proc) before and after N synced,
// idle connections spread over a few rooms; reported per connection. The rooms are opened first by one
// client each, and a warm-up batch connects and leaves, so the delta is the connections, not the
// documents or first-use code paths. Before each reading every server is made to run a full garbage
// collection through its inspector (inspector.ts), so the figure is what the connections hold, not how
// much garbage happened to be waiting; RSS is then the median of several samples, and the V8 heap delta
// per connection is reported beside it. Checks none was dropped.
import { connectAll, type ProtocolClient } from '../loadgen/client.ts';
import { Window, sleep, type WindowReport } from '../loadgen/monitor.ts';
import { round } from '../loadgen/stats.ts';
import { closeAll, makeClient, serverCloses, settledMemory, type RunContext } from './common.ts';

export interface ConnectionsParams {
	connections: number;
	rooms: number;
	settleMs: number;
}

export interface ConnectionsResult {
	params: ConnectionsParams;
	connectMs: number;
	rssBeforeMB: number;
	rssAfterMB: number;
	mbPerConnection: number;
	/** V8 heap used delta per connection (main thread, after a full GC). */
	heapMbPerConnection: number | null;
	/** Server CPU while the connections sit idle. */
	idleWindow: WindowReport;
	dropped: number;
	serverCloses: Record<string, number>;
}

/**
 * The round's earlier scenarios may still be unloading their documents (Teixit after a 10 s grace,
 * Hocuspocus after its store debounce), and the process returning their memory (after fan-out Teixit's
 * RSS kept falling for seconds): wait for both, so that it does not fall between the two readings.
 */
async function quiesce(ctx: RunContext, pid: number): Promise<void> {
	const deadline = performance.now() + 40_000;
	if (ctx.target.serverMetrics) {
		while (performance.now() < deadline && ((await ctx.target.serverMetrics()).documentsLoaded ?? 0) > 0) await sleep(500);
	}
	await sleep(3000);
	let last = (await settledMemory(ctx, pid)).rssMB;
	while (performance.now() < deadline) {
		await sleep(1000);
		const now = (await settledMemory(ctx, pid)).rssMB;
		if (Math.abs(now - last) < 1) return;
		last = now;
	}
	ctx.log('connections: server memory still moving after 40 s; measuring anyway');
}

export async function connections(ctx: RunContext, p: ConnectionsParams): Promise<ConnectionsResult> {
	const pid = ctx.target.pid();
	if (!pid) throw new Error('connections: server pid unknown');
	await quiesce(ctx, pid);
	const rooms = await ctx.target.rooms(p.rooms, 'idle');
	const warm = rooms.map((room) => makeClient(ctx, room, {}));
	await connectAll(warm, 10);
	await Promise.all(warm.map((c) => c.whenSynced()));
	const warmup = Array.from({ length: Math.min(100, Math.ceil(p.connections / 3)) }, (_, i) => makeClient(ctx, rooms[i % rooms.length]!, {}));
	await connectAll(warmup, 50);
	await Promise.all(warmup.map((c) => c.whenSynced(60_000)));
	await Promise.all(warmup.map((c) => c.closeGracefully()));
	await sleep(1500);
	const { rssMB: rssBeforeMB, heapUsedMB: heapBefore } = await settledMemory(ctx, pid);

	const clients: ProtocolClient[] = Array.from({ length: p.connections }, (_, i) => makeClient(ctx, rooms[i % rooms.length]!, {}));
	const t0 = performance.now();
	await connectAll(clients, 50);
	await Promise.all(clients.map((c) => c.whenSynced(60_000)));
	const connectMs = performance.now() - t0;
	const win = await Window.open(ctx.target);
	await sleep(p.settleMs);
	const idleWindow = await win.close();
	const { rssMB: rssAfterMB, heapUsedMB: heapAfter } = await settledMemory(ctx, pid);
	const dropped = clients.filter((c) => !c.open).length;
	ctx.log(`connections: ${p.connections} idle: RSS ${rssBeforeMB.toFixed(1)} -> ${rssAfterMB.toFixed(1)} MB (${(((rssAfterMB - rssBeforeMB) / p.connections) * 1024).toFixed(1)} KB each), dropped ${dropped}`);
	const closes = serverCloses(clients);
	closeAll(clients);
	closeAll(warm);
	await sleep(200);
	return {
		params: p,
		connectMs: round(connectMs, 0),
		rssBeforeMB: round(rssBeforeMB, 1),
		rssAfterMB: round(rssAfterMB, 1),
		mbPerConnection: round((rssAfterMB - rssBeforeMB) / p.connections, 4),
		heapMbPerConnection: heapBefore !== undefined && heapAfter !== undefined ? round((heapAfter - heapBefore) / p.connections, 4) : null,
		idleWindow,
		dropped,
		serverCloses: closes
	};
}
