// Presence: R rooms x C clients each sending an awareness update (a caret move, as Tiptap's
// collaboration caret does) at H Hz. Latency is send -> each other client of the room received that
// client's state at that clock (or a newer one: servers may coalesce, latest state wins, so skipped
// clocks are not losses). Server CPU is read from /proc for the same window.
// Correctness: a real provider joins one room at the end and must see every client's latest state.
import * as Y from 'yjs';
import { allocClientId } from '../loadgen/edits.ts';
import { Window, sleep, type WindowReport } from '../loadgen/monitor.ts';
import { pace } from '../loadgen/pacer.ts';
import { Samples, round, type LatencySummary } from '../loadgen/stats.ts';
import { connectAll, type ProtocolClient } from '../loadgen/client.ts';
import { encodeAwarenessMessage, encodeAwarenessUpdate } from '../loadgen/wire.ts';
import { forEachAwarenessEntry } from '../loadgen/yparse.ts';
import { closeAll, makeClient, serverCloses, type RunContext } from './common.ts';

export interface PresenceParams {
	label: string;
	rooms: number;
	clientsPerRoom: number;
	hz: number;
	seconds: number;
}

export interface PresenceResult {
	params: PresenceParams;
	connectMs: number;
	sent: number;
	delivered: number;
	/** delivered / (sent x (clients - 1)); below 100 % when a server coalesces (by design). */
	deliveredPct: number;
	latency: LatencySummary;
	window: WindowReport;
	verify: { ok: boolean; checked: number; missing: number; stale: number; errors: string[] };
	serverCloses: Record<string, number>;
}

class PresenceClient {
	readonly clientId = allocClientId();
	clock = 0;
	sentAt = new Float64Array(64);
	readonly seen = new Map<number, number>();
	client!: ProtocolClient;
	constructor(
		readonly room: string,
		readonly index: number
	) {}

	state(clock: number): string {
		const pos = (this.index * 97 + clock * 13) % 5000;
		const rel = `{"type":{"client":1,"clock":0},"tname":null,"item":{"client":${this.clientId},"clock":${pos}},"assoc":0}`;
		return `{"user":{"name":"Bench user ${this.index}","color":"#30bced"},"cursor":{"anchor":${rel},"head":${rel}}}`;
	}

	nextMessage(now: number, framing: 'y' | 'hocuspocus'): Uint8Array {
		const clock = ++this.clock;
		if (clock >= this.sentAt.length) {
			const next = new Float64Array(this.sentAt.length * 2);
			next.set(this.sentAt);
			this.sentAt = next;
		}
		this.sentAt[clock] = now;
		return encodeAwarenessMessage(framing, this.room, encodeAwarenessUpdate(this.clientId, clock, this.state(clock)));
	}
}

export async function presence(ctx: RunContext, p: PresenceParams): Promise<PresenceResult> {
	const rooms = await ctx.target.rooms(p.rooms, p.label);
	const byId = new Map<number, PresenceClient>();
	const latency = new Samples();
	let delivered = 0;
	let measuring = false;
	const all: PresenceClient[] = [];
	for (const room of rooms) {
		for (let i = 0; i < p.clientsPerRoom; i++) {
			const pc = new PresenceClient(room, all.length);
			byId.set(pc.clientId, pc);
			pc.client = makeClient(ctx, room, {
				onAwareness: (_c, buf, s, e, at) => {
					forEachAwarenessEntry(buf, s, e, (id, clock) => {
						if (id === pc.clientId) return; // own echo
						const from = byId.get(id);
						if (!from) return;
						const last = pc.seen.get(id) ?? 0;
						if (clock <= last) return;
						pc.seen.set(id, clock);
						if (!measuring || clock > from.clock) return;
						delivered++;
						latency.add(at - from.sentAt[clock]!);
					});
				}
			});
			all.push(pc);
		}
	}
	const clients = all.map((pc) => pc.client);
	const t0 = performance.now();
	await connectAll(clients, 20);
	await Promise.all(clients.map((c) => c.whenSynced(60_000)));
	const connectMs = performance.now() - t0;
	await sleep(200);

	measuring = true;
	const win = await Window.open(ctx.target);
	const sent = await pace(
		all.map((pc) => ({
			intervalMs: 1000 / p.hz,
			fire: (now: number) => {
				if (pc.client.open) pc.client.send(pc.nextMessage(now, ctx.target.framing));
			}
		})),
		p.seconds * 1000,
		win.sendLag
	);
	const window = await win.close();
	// let in-flight states arrive (latency samples keep counting), then stop measuring
	await sleep(Math.min(2000, Math.max(500, latency.percentile(99) * 2 || 500)));
	measuring = false;
	ctx.log(
		`${p.label}: ${all.length} clients @${p.hz} Hz: p50 ${round(latency.percentile(50))} p99 ${round(latency.percentile(99))} ms, server CPU ${window.serverCpuPct}%` +
			`, loadgen CPU ${window.loadgen.cpuPct}%${window.loadgen.saturated ? ' ⚠ load generator saturated' : ''}`
	);

	const verify = await verifyPresence(ctx, rooms[0]!, all.filter((pc) => pc.room === rooms[0]));
	const closes = serverCloses(clients);
	closeAll(clients);
	const expected = all.reduce((t, pc) => t + pc.clock, 0) * (p.clientsPerRoom - 1);
	return {
		params: p,
		connectMs: round(connectMs, 0),
		sent,
		delivered,
		deliveredPct: round((delivered / Math.max(1, expected)) * 100, 1),
		latency: latency.summary(),
		window,
		verify,
		serverCloses: closes
	};
}

/** A real provider must end up with every live client's latest awareness state. */
async function verifyPresence(ctx: RunContext, room: string, members: PresenceClient[]): Promise<PresenceResult['verify']> {
	const doc = new Y.Doc();
	const errors: string[] = [];
	let missing = members.length;
	let stale = 0;
	try {
		const replica = await ctx.target.openReplica(room, doc, 30_000);
		const deadline = Date.now() + 3000;
		for (;;) {
			missing = 0;
			stale = 0;
			for (const m of members) {
				const meta = replica.awareness.meta.get(m.clientId);
				if (!replica.awareness.getStates().has(m.clientId)) missing++;
				else if ((meta?.clock ?? 0) < m.clock) stale++;
			}
			if ((missing === 0 && stale === 0) || Date.now() > deadline) break;
			await sleep(100);
		}
		replica.destroy();
	} catch (err) {
		errors.push(String((err as Error).message ?? err));
	} finally {
		doc.destroy();
	}
	return { ok: missing === 0 && stale === 0 && errors.length === 0, checked: members.length, missing, stale, errors };
}
