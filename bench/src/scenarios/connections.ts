// Idle connections: the server's RSS (VmRSS of its process tree, from /proc) before and after N synced,
// idle connections spread over a few rooms; reported per connection. The rooms are opened first by one
// client each, and a warm-up batch connects and leaves, so the delta is the connections, not the
// documents or first-use code paths. Before each reading every server is made to run a full garbage
// collection through its inspector (inspector.ts), so the figure is what the connections hold, not how
// much garbage happened to be waiting; RSS is then the median of several samples, and the V8 heap delta
// per connection is reported beside it. Checks none was dropped.
import { connectAll, type ProtocolClient } from '../loadgen/client.ts';
import { Window, sleep, treeRssMB, type WindowReport } from '../loadgen/monitor.ts';
import { median, round } from '../loadgen/stats.ts';
import { closeAll, makeClient, serverCloses, type RunContext } from './common.ts';

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

/** Full GC in the server (when its inspector answers), then the median RSS and the heap in use. */
async function sampleMemory(ctx: RunContext, pid: number): Promise<{ rssMB: number; heapUsedMB: number | undefined }> {
	const insp = ctx.target.inspector;
	const heapUsedMB = insp
		? await insp
				.collectGarbage()
				.then(() => insp.memoryUsage())
				.then((m) => m.heapUsedMB)
				.catch((err: unknown) => {
					ctx.log(`connections: no GC through the inspector (${String(err)}); RSS includes garbage`);
					return undefined;
				})
		: undefined;
	await sleep(300);
	return { rssMB: await sampleRss(pid), heapUsedMB };
}

async function sampleRss(pid: number, n = 6, everyMs = 150): Promise<number> {
	const v: number[] = [];
	for (let i = 0; i < n; i++) {
		v.push(treeRssMB(pid));
		await sleep(everyMs);
	}
	return median(v);
}

export async function connections(ctx: RunContext, p: ConnectionsParams): Promise<ConnectionsResult> {
	const pid = ctx.target.pid();
	if (!pid) throw new Error('connections: server pid unknown');
	const rooms = await ctx.target.rooms(p.rooms, 'idle');
	const warm = rooms.map((room) => makeClient(ctx, room, {}));
	await connectAll(warm, 10);
	await Promise.all(warm.map((c) => c.whenSynced()));
	const warmup = Array.from({ length: Math.min(100, Math.ceil(p.connections / 3)) }, (_, i) => makeClient(ctx, rooms[i % rooms.length]!, {}));
	await connectAll(warmup, 50);
	await Promise.all(warmup.map((c) => c.whenSynced(60_000)));
	await Promise.all(warmup.map((c) => c.closeGracefully()));
	await sleep(1500);
	const { rssMB: rssBeforeMB, heapUsedMB: heapBefore } = await sampleMemory(ctx, pid);

	const clients: ProtocolClient[] = Array.from({ length: p.connections }, (_, i) => makeClient(ctx, rooms[i % rooms.length]!, {}));
	const t0 = performance.now();
	await connectAll(clients, 50);
	await Promise.all(clients.map((c) => c.whenSynced(60_000)));
	const connectMs = performance.now() - t0;
	const win = await Window.open(ctx.target);
	await sleep(p.settleMs);
	const idleWindow = await win.close();
	const { rssMB: rssAfterMB, heapUsedMB: heapAfter } = await sampleMemory(ctx, pid);
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
