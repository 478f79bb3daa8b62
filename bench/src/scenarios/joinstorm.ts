// Join storm: a ~1 MB document is written through one client (and, on Teixit, acknowledged as
// durable), then N clients connect in the same tick. Each client's time is connect start -> its sync
// step 2 (the full state) arrived; "all synced" is the slowest. Correctness: every step 2 is about the
// document's size, one is applied to a fresh Y.Doc, and a real provider must end up with the same state
// (every source struct present, same text; a server may add its own changes, e.g. Teixit's doc-model
// migration on load).
import * as Y from 'yjs';
import { buildBigDoc, fragmentTextLength, coversStateVector } from '../loadgen/document.ts';
import { Window, sleep, type WindowReport } from '../loadgen/monitor.ts';
import { Samples, round, type LatencySummary } from '../loadgen/stats.ts';
import { encodeUpdateMessage } from '../loadgen/wire.ts';
import { forEachStateVectorEntry } from '../loadgen/yparse.ts';
import type { ProtocolClient } from '../loadgen/client.ts';
import { closeAll, makeClient, serverCloses, type RunContext } from './common.ts';

export interface JoinStormParams {
	docBytes: number;
	clients: number;
}

export interface JoinStormResult {
	params: JoinStormParams;
	doc: { stateBytes: number; structs: number; chunks: number };
	populateMs: number;
	allSyncedMs: number;
	syncMs: LatencySummary;
	failed: number;
	minStep2Bytes: number;
	window: WindowReport;
	verify: { ok: boolean; step2Applied: boolean; replica: boolean; errors: string[] };
	serverCloses: Record<string, number>;
}

export async function joinStorm(ctx: RunContext, p: JoinStormParams): Promise<JoinStormResult> {
	const big = buildBigDoc(p.docBytes);
	const [room] = await ctx.target.rooms(1, 'join');
	const expectedSv = Y.decodeStateVector(big.stateVector);
	const errors: string[] = [];

	// populate through one client; on Teixit wait until the durable state vector covers everything
	let durableOk = !ctx.target.acks;
	const t0 = performance.now();
	const populator = makeClient(
		ctx,
		room!,
		{
			onAck: (_c, buf, s, e) => {
				let covered = 0;
				forEachStateVectorEntry(buf, (client, clock) => {
					if ((expectedSv.get(client) ?? Infinity) <= clock) covered++;
				}, s, e);
				if (covered === expectedSv.size) durableOk = true;
			}
		},
		{ acks: true }
	);
	await populator.connect();
	await populator.whenSynced();
	for (const chunk of big.chunks) {
		populator.send(encodeUpdateMessage(ctx.target.framing, room!, chunk));
		while (populator.bufferedAmount > 1 << 20) await sleep(5);
	}
	// wait until a fresh client gets (nearly) the whole state, and the acks when the server sends them
	for (let attempt = 0; ; attempt++) {
		const probe = makeClient(ctx, room!, {});
		await probe.connect();
		await probe.whenSynced(60_000);
		probe.close();
		if (probe.step2Bytes >= big.stateBytes * 0.95 && durableOk) break;
		if (attempt > 100) throw new Error(`join storm: document not populated (step 2 ${probe.step2Bytes} of ${big.stateBytes} bytes, durable ${durableOk})`);
		await sleep(100);
	}
	const populateMs = performance.now() - t0;
	await sleep(300);

	let firstStep2: Uint8Array | null = null;
	const clients: ProtocolClient[] = Array.from({ length: p.clients }, () =>
		makeClient(ctx, room!, {
			onStep2: (_c, update) => {
				if (!firstStep2) firstStep2 = Uint8Array.from(update);
			}
		})
	);
	const win = await Window.open(ctx.target);
	const start = performance.now();
	const results = await Promise.allSettled(clients.map((c) => c.connect(60_000).then(() => c.whenSynced(60_000))));
	const window = await win.close();
	const times = new Samples();
	let failed = 0;
	for (const r of results) {
		if (r.status === 'fulfilled') times.add(r.value - start);
		else {
			failed++;
			if (errors.length < 3) errors.push(String((r.reason as Error)?.message ?? r.reason));
		}
	}
	const minStep2Bytes = Math.min(...clients.map((c) => (c.syncedAt >= 0 ? c.step2Bytes : 0)));
	ctx.log(`join storm: ${p.clients} clients, ${(big.stateBytes / 1e6).toFixed(2)} MB: all synced after ${round(times.max(), 0)} ms (p50 ${round(times.percentile(50), 0)}), failed ${failed}`);
	const closes = serverCloses(clients);
	closeAll(clients);

	// correctness: one received step 2 holds the document; a real provider gets the same state
	let step2Applied = false;
	if (firstStep2) {
		const d = new Y.Doc();
		Y.applyUpdate(d, firstStep2);
		step2Applied = coversStateVector(Y.encodeStateVector(d), big.stateVector) && fragmentTextLength(d) === big.textLength;
		d.destroy();
	}
	let replicaOk = false;
	const doc = new Y.Doc();
	try {
		const replica = await ctx.target.openReplica(room!, doc, 60_000);
		replicaOk = coversStateVector(Y.encodeStateVector(doc), big.stateVector) && fragmentTextLength(doc) === big.textLength;
		replica.destroy();
	} catch (err) {
		errors.push(String((err as Error).message ?? err));
	} finally {
		doc.destroy();
	}
	populator.close();
	return {
		params: p,
		doc: { stateBytes: big.stateBytes, structs: big.structs, chunks: big.chunks.length },
		populateMs: round(populateMs, 0),
		allSyncedMs: failed ? NaN : round(times.max(), 1),
		syncMs: times.summary(),
		failed,
		minStep2Bytes,
		window,
		verify: { ok: step2Applied && replicaOk && failed === 0 && minStep2Bytes >= big.stateBytes * 0.95, step2Applied, replica: replicaOk, errors },
		serverCloses: closes
	};
}
