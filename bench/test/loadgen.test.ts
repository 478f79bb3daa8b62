// Smoke test of the load generator against @y/websocket-server running in this process: the protocol-
// level clients must see every edit (0 lost, checked by a real WebsocketProvider), measure sane
// latencies, and decode updates and awareness the way y-protocols encodes them. Correctness only: no
// timing budget is asserted here.
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WebSocketServer } from 'ws';
import * as Y from 'yjs';
import * as awarenessProtocol from 'y-protocols/awareness';
import { setupWSConnection } from '@y/websocket-server/utils';
import { EDIT_LEN, Editor } from '../src/loadgen/edits.ts';
import { encodeAwarenessUpdate } from '../src/loadgen/wire.ts';
import { forEachAwarenessEntry, forEachStructRange, forEachStateVectorEntry } from '../src/loadgen/yparse.ts';
import { thresholdRate, fanout } from '../src/scenarios/fanout.ts';
import { presence } from '../src/scenarios/presence.ts';
import { joinStorm } from '../src/scenarios/joinstorm.ts';
import type { RunContext } from '../src/scenarios/common.ts';
import { openYWebsocketReplica } from '../src/servers/replica.ts';
import type { Target } from '../src/servers/types.ts';

let server: http.Server;
let port = 0;
let roomSeq = 0;

const target: Target = {
	name: 'y-websocket-server',
	framing: 'y',
	durable: false,
	acks: false,
	setup: async () => {},
	start: async () => 0,
	stop: async () => {},
	inspector: null,
	pid: () => process.pid,
	rooms: async (n, label) => Array.from({ length: n }, () => `test-${label}-${roomSeq++}`),
	wsUrl: (room) => `ws://127.0.0.1:${port}/${room}`,
	headers: () => undefined,
	openReplica: (room, doc, timeoutMs) => openYWebsocketReplica(`ws://127.0.0.1:${port}`, room, doc, { timeoutMs }),
	teardown: async () => {}
};
const ctx: RunContext = { target, addressSpread: 1, log: () => {} };

beforeAll(async () => {
	const wss = new WebSocketServer({ noServer: true });
	server = http.createServer((_req, res) => res.end('okay'));
	wss.on('connection', (ws, req) => setupWSConnection(ws, req, { gc: true }));
	server.on('upgrade', (req, socket, head) => wss.handleUpgrade(req, socket, head, (ws) => wss.emit('connection', ws, req)));
	await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
	port = (server.address() as AddressInfo).port;
});

afterAll(async () => {
	server.closeAllConnections();
	await new Promise<void>((resolve) => server.close(() => resolve()));
});

describe('decoders', () => {
	it('reads the client and clock range of every edit an editor produces', () => {
		const ed = new Editor('r', 'y', 1);
		const updates: Uint8Array[] = [];
		ed.doc.on('update', (u: Uint8Array) => updates.push(u));
		ed.pregenerate(5);
		expect(updates).toHaveLength(5);
		updates.forEach((u, i) => {
			const ranges: number[][] = [];
			expect(forEachStructRange(u, (client, clock, len) => ranges.push([client, clock, len]))).toBe(true);
			expect(ranges).toEqual([[ed.clientId, i * EDIT_LEN, EDIT_LEN]]);
		});
		// a merged update (as a server might relay) falls back or parses to the whole range
		const merged = Y.mergeUpdates(updates);
		let covered = 0;
		forEachStructRange(merged, (client, _clock, len) => client === ed.clientId && (covered += len));
		expect(covered).toBe(5 * EDIT_LEN);
		const sv: [number, number][] = [];
		forEachStateVectorEntry(Y.encodeStateVector(ed.doc), (c, k) => sv.push([c, k]));
		expect(sv).toEqual([[ed.clientId, 5 * EDIT_LEN]]);
	});

	it('hand-encoded awareness updates are what y-protocols applies', () => {
		const doc = new Y.Doc();
		const awareness = new awarenessProtocol.Awareness(doc);
		const update = encodeAwarenessUpdate(4242, 7, '{"user":{"name":"a"}}');
		awarenessProtocol.applyAwarenessUpdate(awareness, update, 'test');
		expect(awareness.getStates().get(4242)).toEqual({ user: { name: 'a' } });
		const entries: number[][] = [];
		forEachAwarenessEntry(update, 0, update.length, (c, k) => entries.push([c, k]));
		expect(entries).toEqual([[4242, 7]]);
		awareness.destroy();
	});

	it('interpolates the rate where p99 crosses the limit', () => {
		expect(thresholdRate([{ rate: 5, p99: 10 }, { rate: 10, p99: 1000 }], 100)).toEqual({ rate: 7.5, censored: 'none' });
		expect(thresholdRate([{ rate: 5, p99: 10 }], 100)).toEqual({ rate: 5, censored: 'above' });
		expect(thresholdRate([{ rate: 5, p99: 200 }], 100)).toEqual({ rate: 5, censored: 'below' });
		// a noisy failing first step does not decide it when a higher step passes
		expect(thresholdRate([{ rate: 5, p99: 300 }, { rate: 10, p99: 10 }, { rate: 20, p99: 1000 }], 100)).toEqual({ rate: 15, censored: 'none' });
	});
});

describe('protocol-level load against @y/websocket-server', () => {
	it('fan-out: every edit reaches every other client and the real provider doc (0 lost)', async () => {
		const res = await fanout(ctx, { label: 'fan', rooms: 2, clientsPerRoom: 4, rates: [5, 10], stepSeconds: 1, p99LimitMs: 100, stopAfterFail: false, drainMaxMs: 5000 });
		expect(res.steps).toHaveLength(2);
		for (const s of res.steps) {
			expect(s.sent).toBeGreaterThan(0);
			expect(s.undelivered).toBe(0);
			expect(s.duplicates).toBe(0);
			expect(s.delivered).toBe(s.sent * 3);
			expect(s.latency.count).toBe(s.delivered);
			expect(s.latency.p50).toBeGreaterThan(0);
			expect(s.latency.p99).toBeLessThan(5000);
		}
		expect(res.verify).toMatchObject({ ok: true, missing: 0, errors: [] });
		expect(res.receiverStats.unparsable).toBe(0);
		expect(res.receiverStats.echoes).toBeGreaterThan(0); // this server echoes to the sender; those are not counted
	});

	it('presence: awareness latencies are measured and a real provider sees every client', async () => {
		const res = await presence(ctx, { label: 'pres', rooms: 1, clientsPerRoom: 5, hz: 10, seconds: 1 });
		expect(res.sent).toBeGreaterThan(30);
		expect(res.delivered).toBeGreaterThan(0);
		expect(res.deliveredPct).toBeGreaterThan(90);
		expect(res.latency.p99).toBeLessThan(5000);
		expect(res.verify).toMatchObject({ ok: true, missing: 0, stale: 0 });
	});

	it('join storm: every joiner gets the whole document', async () => {
		const res = await joinStorm(ctx, { docBytes: 50_000, clients: 5 });
		expect(res.failed).toBe(0);
		expect(res.verify).toMatchObject({ ok: true, step2Applied: true, replica: true });
		expect(res.allSyncedMs).toBeGreaterThan(0);
	});
});
