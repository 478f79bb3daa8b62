// Cold load (durable servers only): a document with U logged updates is built through the protocol
// (small appends from a few writers, each connection sending one burst and waiting for its durable
// acks, so per-connection rate limits are respected), then the server is restarted and a fresh client's
// time to sync is measured: connect start -> sync step 2. After each restart: a first small document
// (absorbs the new process' first-use costs), a second small document (the fixed cost of opening any
// stored document: auth, upgrade, load), then the big one cold, then the big one again (warm).
// Correctness: a real provider's doc must contain every update after the restart.
import * as Y from 'yjs';
import { EditTracker, Editor, verifyReplica } from '../loadgen/edits.ts';
import { sleep } from '../loadgen/monitor.ts';
import { median, round } from '../loadgen/stats.ts';
import { makeClient, type RunContext } from './common.ts';

export interface ColdLoadParams {
	updates: number;
	writers: number;
	/** Updates per connection before it is closed and a new one opened (under Teixit's burst of 1000). */
	perConnection: number;
	restarts: number;
}

export interface ColdLoadRun {
	startMs: number;
	firstAfterRestartMs: number;
	smallColdMs: number;
	coldOpenMs: number;
	warmOpenMs: number;
	step2Bytes: number;
}

export interface ColdLoadResult {
	params: ColdLoadParams;
	/** The big document (for the history scenario, which runs on it). */
	bigRoom: string;
	buildMs: number;
	updatesPerSec: number;
	runs: ColdLoadRun[];
	/** Commits and updates per second while building, from the server's /metrics. */
	commitsPerSec: number | null;
	coldOpenMs: number;
	firstAfterRestartMs: number;
	smallColdMs: number;
	warmOpenMs: number;
	verify: { ok: boolean; missing: number; expected: number; errors: string[] };
}

async function timeToSync(ctx: RunContext, room: string): Promise<{ ms: number; bytes: number }> {
	const c = makeClient(ctx, room, {});
	await c.connect(60_000);
	const at = await c.whenSynced(60_000);
	c.close();
	return { ms: round(at - c.startedAt, 1), bytes: c.step2Bytes };
}

async function writeSession(ctx: RunContext, ed: Editor, tracker: EditTracker, n: number) {
	const c = makeClient(ctx, ed.room, { onAck: (_c, buf, s, e, at) => tracker.acked(ed, buf, s, e, at) }, { acks: true });
	await c.connect(60_000);
	await c.whenSynced(60_000);
	ed.pregenerate(n);
	for (let i = 0; i < n; i++) {
		c.send(ed.next(performance.now(), 0)!);
		if (c.bufferedAmount > 1 << 20) await sleep(2);
	}
	const t0 = Date.now();
	while (ed.acked < ed.sent) {
		if (!c.open) throw new Error(`cold load writer closed: ${c.closeCode} ${c.closeReason}`);
		if (Date.now() - t0 > 60_000) throw new Error(`cold load: ${ed.sent - ed.acked} updates not acknowledged after 60 s`);
		await sleep(10);
	}
	await c.closeGracefully();
}

export async function coldLoad(ctx: RunContext, p: ColdLoadParams): Promise<ColdLoadResult> {
	const { target } = ctx;
	if (!target.durable || !target.acks) throw new Error('cold load needs a durable server with acks');
	const [bigRoom, smallRoom, firstRoom] = await target.rooms(3, 'cold');
	const tracker = new EditTracker();
	const writers = Array.from({ length: p.writers }, () => new Editor(bigRoom!, target.framing, 0));
	writers.forEach((w) => tracker.add(w));
	const perWriter = Math.ceil(p.updates / p.writers);
	const t0 = performance.now();
	const commits0 = (await target.serverMetrics?.().catch(() => undefined))?.commitsTotal;
	let lastLog = 0;
	await Promise.all(
		writers.map(async (w) => {
			while (w.sent < perWriter) {
				await writeSession(ctx, w, tracker, Math.min(p.perConnection, perWriter - w.sent));
				const total = tracker.totalSent();
				if (total - lastLog >= p.updates / 5) {
					lastLog = total;
					ctx.log(`cold load: ${total} updates written and acknowledged`);
				}
			}
		})
	);
	const buildMs = performance.now() - t0;
	const commits1 = (await target.serverMetrics?.().catch(() => undefined))?.commitsTotal;
	const commitsPerSec = commits0 !== undefined && commits1 !== undefined ? round(((commits1 - commits0) / buildMs) * 1000, 1) : null;
	for (const room of [smallRoom!, firstRoom!]) {
		const w = new Editor(room, target.framing, 0);
		tracker.add(w);
		await writeSession(ctx, w, tracker, 10);
	}
	ctx.log(`cold load: ${p.updates} updates durable in ${(buildMs / 1000).toFixed(1)} s (${Math.round((p.updates / buildMs) * 1000)}/s, ${commitsPerSec ?? '?'} commits/s)`);

	const runs: ColdLoadRun[] = [];
	const verify = { ok: false, missing: 0, expected: writers.reduce((t, w) => t + w.sent, 0), errors: [] as string[] };
	for (let r = 0; r < p.restarts; r++) {
		await target.stop();
		const startMs = await target.start();
		await sleep(200);
		const first = await timeToSync(ctx, firstRoom!);
		const small = await timeToSync(ctx, smallRoom!);
		const cold = await timeToSync(ctx, bigRoom!);
		const warm = await timeToSync(ctx, bigRoom!);
		runs.push({ startMs, firstAfterRestartMs: first.ms, smallColdMs: small.ms, coldOpenMs: cold.ms, warmOpenMs: warm.ms, step2Bytes: cold.bytes });
		ctx.log(
			`cold load: restart ${r + 1}: first doc after restart ${first.ms} ms, small doc ${small.ms} ms, ${p.updates}-update doc cold ${cold.ms} ms, warm ${warm.ms} ms (${cold.bytes} bytes)`
		);
		if (r === 0) {
			const doc = new Y.Doc();
			try {
				const replica = await target.openReplica(bigRoom!, doc, 60_000);
				const v = verifyReplica(doc, writers);
				verify.missing = v.missing;
				verify.ok = v.missing === 0 && v.actualChars === v.expectedChars;
				replica.destroy();
			} catch (err) {
				verify.errors.push(String((err as Error).message ?? err));
			} finally {
				doc.destroy();
			}
		}
	}
	return {
		params: p,
		bigRoom: bigRoom!,
		buildMs: round(buildMs, 0),
		updatesPerSec: round((p.updates / buildMs) * 1000, 0),
		runs,
		commitsPerSec,
		coldOpenMs: median(runs.map((r) => r.coldOpenMs)),
		firstAfterRestartMs: median(runs.map((r) => r.firstAfterRestartMs)),
		smallColdMs: median(runs.map((r) => r.smallColdMs)),
		warmOpenMs: median(runs.map((r) => r.warmOpenMs)),
		verify
	};
}
