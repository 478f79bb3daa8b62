// Shared pieces of the scenarios: client construction for a target, the editor rooms used by fan-out
// and the workshop scenario, and real-provider verification.
import * as Y from 'yjs';
import { ProtocolClient, connectAll, loopbackAddress, type ClientHandlers } from '../loadgen/client.ts';
import { Editor, EditTracker, verifyReplica } from '../loadgen/edits.ts';
import { sleep, treeRssMB } from '../loadgen/monitor.ts';
import { median } from '../loadgen/stats.ts';
import type { Target } from '../servers/types.ts';

export interface RunContext {
	target: Target;
	/** Spread client source addresses over 127.0.0.1..127.0.0.n. */
	addressSpread: number;
	log: (msg: string) => void;
}

let clientSeq = 0;

export function makeClient(ctx: RunContext, room: string, handlers: ClientHandlers, opts: { acks?: boolean; sync?: boolean } = {}): ProtocolClient {
	const { target } = ctx;
	return new ProtocolClient({
		url: target.wsUrl(room, { acks: opts.acks && target.acks }),
		doc: room,
		framing: target.framing,
		headers: target.headers(),
		localAddress: loopbackAddress(clientSeq++, ctx.addressSpread),
		handlers,
		sync: opts.sync
	});
}

export interface EditorRoom {
	room: string;
	editors: Editor[];
	clients: ProtocolClient[];
}

/** rooms x clientsPerRoom editing clients; every client also receives everything. */
export async function openEditorRooms(ctx: RunContext, label: string, rooms: number, clientsPerRoom: number, tracker: EditTracker): Promise<{ rooms: EditorRoom[]; connectMs: number }> {
	const names = await ctx.target.rooms(rooms, label);
	const out: EditorRoom[] = names.map((room) => {
		const editors: Editor[] = [];
		const clients: ProtocolClient[] = [];
		for (let i = 0; i < clientsPerRoom; i++) {
			const ed = new Editor(room, ctx.target.framing, clientsPerRoom - 1);
			tracker.add(ed);
			editors.push(ed);
			const c = makeClient(
				ctx,
				room,
				{
					onUpdate: (_c, update, at) => tracker.received(ed.clientId, update, at),
					onAck: (_c, buf, s, e, at) => tracker.acked(ed, buf, s, e, at)
				},
				{ acks: true }
			);
			c.tag = ed;
			clients.push(c);
		}
		return { room, editors, clients };
	});
	const all = out.flatMap((r) => r.clients);
	const t0 = performance.now();
	await connectAll(all, 20);
	await Promise.all(all.map((c) => c.whenSynced(60_000)));
	return { rooms: out, connectMs: performance.now() - t0 };
}

export interface VerifyResult {
	rooms: number;
	missing: number;
	expectedChars: number;
	actualChars: number;
	ok: boolean;
	errors: string[];
}

/** A real provider joins every room; its Y.Doc must contain every edit that was sent there. */
export async function verifyEditorRooms(ctx: RunContext, rooms: EditorRoom[], concurrency = 5): Promise<VerifyResult> {
	const res: VerifyResult = { rooms: rooms.length, missing: 0, expectedChars: 0, actualChars: 0, ok: true, errors: [] };
	let next = 0;
	const worker = async () => {
		while (next < rooms.length) {
			const r = rooms[next++]!;
			const doc = new Y.Doc();
			try {
				const replica = await ctx.target.openReplica(r.room, doc, 60_000);
				const v = verifyReplica(doc, r.editors);
				replica.destroy();
				res.missing += v.missing;
				res.expectedChars += v.expectedChars;
				res.actualChars += v.actualChars;
			} catch (err) {
				res.errors.push(String((err as Error).message ?? err));
				res.missing += r.editors.reduce((t, e) => t + e.sent, 0);
			} finally {
				doc.destroy();
			}
		}
	};
	await Promise.all(Array.from({ length: Math.min(concurrency, rooms.length) }, worker));
	res.ok = res.missing === 0 && res.errors.length === 0 && res.actualChars === res.expectedChars;
	return res;
}

export function closeAll(clients: ProtocolClient[]) {
	for (const c of clients) c.close();
}

/** Clients the server closed on us during a scenario (rate limits, back-pressure, errors). */
export function serverCloses(clients: ProtocolClient[]): Record<string, number> {
	const out: Record<string, number> = {};
	for (const c of clients) if (c.closeCode >= 0) out[`${c.closeCode} ${c.closeReason}`.trim()] = (out[`${c.closeCode} ${c.closeReason}`.trim()] ?? 0) + 1;
	return out;
}

/**
 * The server's memory with its garbage collected: a full GC in every V8 heap of the process (through
 * its inspector, see servers/inspector.ts), then the median of several RSS readings of its process
 * tree, and the main thread's V8 heap in use. Without the GC, RSS deltas are mostly GC timing.
 */
export async function settledMemory(ctx: RunContext, pid: number): Promise<{ rssMB: number; heapUsedMB: number | undefined }> {
	const insp = ctx.target.inspector;
	const heapUsedMB = insp
		? await insp
				.collectGarbage()
				.then(() => insp.heapUsedMB())
				.catch((err: unknown) => {
					ctx.log(`no GC through the inspector (${String(err)}); RSS includes garbage`);
					return undefined;
				})
				// detached between readings, so no inspector session is attached while other scenarios run
				.finally(() => insp.close())
		: undefined;
	await sleep(300);
	const rss: number[] = [];
	for (let i = 0; i < 6; i++) {
		rss.push(treeRssMB(pid));
		await sleep(150);
	}
	return { rssMB: median(rss), heapUsedMB };
}
