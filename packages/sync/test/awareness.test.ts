import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import * as encoding from 'lib0/encoding';
import { CloseCodes, messageAwareness } from '@teixit/protocol';
import { MemoryStorage, SyncServer } from '../src/index.ts';
import { TestClient, awarenessMsg, docName, silentLogger } from './helpers.ts';

/** Hand-made awareness update: [count, (clientId, clock, json)*]. */
const awarenessUpdate = (...entries: [number, number, string][]) =>
	encoding.encode((e) => {
		encoding.writeVarUint(e, entries.length);
		for (const [id, clock, json] of entries) {
			encoding.writeVarUint(e, id);
			encoding.writeVarUint(e, clock);
			encoding.writeVarString(e, json);
		}
	});

// Timers are faked so the throttle window is exact; storage is in memory (promises only).
describe('awareness', () => {
	let memory: MemoryStorage;
	let server: SyncServer;
	const THROTTLE = 1000;

	beforeEach(() => {
		vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'Date'] });
		memory = new MemoryStorage();
		server = new SyncServer({
			storage: memory,
			logger: silentLogger,
			commitDelayMs: 0,
			now: () => Date.now(),
			limits: { awarenessThrottleMs: THROTTLE, maxAwarenessStateBytes: 256, maxAwarenessClientsPerConnection: 2 }
		});
	});

	afterEach(async () => {
		const done = server.shutdown();
		await vi.runAllTimersAsync();
		await done;
		vi.useRealTimers();
	});

	/** Lets the (promise-based) load finish and delivers everything. */
	async function pump(clients: TestClient[]) {
		for (let i = 0; i < 5; i++) {
			await vi.advanceTimersByTimeAsync(0);
			for (const c of clients) c.deliver();
		}
	}

	it('[AW1] relays presence to others and hands current states to new joiners', async () => {
		const name = docName();
		const a = new TestClient(server, { docName: name });
		const b = new TestClient(server, { docName: name });
		await pump([a, b]);
		a.setPresence({ user: 'ann' });
		await pump([a, b]);
		expect([...b.peers().values()]).toEqual([{ user: 'ann' }]);
		await vi.advanceTimersByTimeAsync(THROTTLE);
		const c = new TestClient(server, { docName: name });
		await pump([c]);
		expect([...c.peers().values()]).toEqual([{ user: 'ann' }]);
	});

	it('[AW2] throttles and coalesces: at most one broadcast per window, latest state wins', async () => {
		const name = docName();
		const a = new TestClient(server, { docName: name });
		const b = new TestClient(server, { docName: name });
		await pump([a, b]);
		await vi.advanceTimersByTimeAsync(THROTTLE);
		const before = b.socket.ofType(messageAwareness).length;
		for (let i = 1; i <= 10; i++) a.setPresence({ cursor: i });
		await pump([a, b]);
		expect(b.socket.ofType(messageAwareness).length - before).toBe(1); // leading edge
		expect([...b.peers().values()]).toEqual([{ cursor: 1 }]);
		await vi.advanceTimersByTimeAsync(THROTTLE - 1);
		b.deliver();
		expect(b.socket.ofType(messageAwareness).length - before).toBe(1);
		await vi.advanceTimersByTimeAsync(1);
		b.deliver();
		expect(b.socket.ofType(messageAwareness).length - before).toBe(2); // trailing edge
		expect([...b.peers().values()]).toEqual([{ cursor: 10 }]);
		await vi.advanceTimersByTimeAsync(THROTTLE * 3);
		expect(b.socket.ofType(messageAwareness).length - before).toBe(2); // nothing new, nothing sent
	});

	it('[AW3] removes a connection\'s states when it closes and tells the others', async () => {
		const name = docName();
		const a = new TestClient(server, { docName: name });
		const b = new TestClient(server, { docName: name });
		a.setPresence({ user: 'ann' });
		await pump([a, b]);
		expect(b.peers().size).toBe(1);
		a.close(); // abrupt: no null state from the client
		await vi.advanceTimersByTimeAsync(THROTTLE);
		b.deliver();
		expect(b.peers().size).toBe(0);
		expect(server.stats().awarenessStates).toBe(0);
	});

	it('[AW4] drops oversize states without closing; never persists awareness', async () => {
		const name = docName();
		const a = new TestClient(server, { docName: name });
		const b = new TestClient(server, { docName: name });
		await pump([a, b]);
		a.setPresence({ blob: 'x'.repeat(1000) });
		await pump([a, b]);
		await vi.advanceTimersByTimeAsync(THROTTLE);
		b.deliver();
		expect(a.closed).toBeNull();
		expect(b.peers().size).toBe(0);
		a.setPresence({ small: true });
		await vi.advanceTimersByTimeAsync(THROTTLE);
		await pump([a, b]);
		expect([...b.peers().values()]).toEqual([{ small: true }]);
		const flushed = server.flush();
		await vi.runAllTimersAsync();
		await flushed;
		expect(memory.rows(name)).toHaveLength(0);
	});

	it('[AW5] a connection cannot remove another live connection\'s state and owns a bounded number of ids', async () => {
		const name = docName();
		const a = new TestClient(server, { docName: name });
		const b = new TestClient(server, { docName: name });
		const c = new TestClient(server, { docName: name });
		a.setPresence({ user: 'ann' });
		await pump([a, b, c]);
		const annId = a.doc.clientID;
		// b forges "ann left" with a higher clock: dropped.
		b.handle.receive(awarenessMsg(awarenessUpdate([annId, 99, 'null'])));
		// b claims three ids: only two are accepted.
		b.handle.receive(awarenessMsg(awarenessUpdate([1001, 1, '{"n":1}'], [1002, 1, '{"n":2}'], [1003, 1, '{"n":3}'])));
		await vi.advanceTimersByTimeAsync(THROTTLE);
		c.deliver();
		expect([...c.peers().keys()].sort()).toEqual([1001, 1002, annId].sort());
		expect(b.closed).toBeNull();
	});

	it('[AW6] malformed awareness closes BadMessage and changes nothing', async () => {
		const name = docName();
		const a = new TestClient(server, { docName: name });
		const b = new TestClient(server, { docName: name });
		await pump([a, b]);
		a.handle.receive(awarenessMsg(awarenessUpdate([5, 1, '{"ok":1}'], [6, 1, '{not json'])));
		expect(a.closed?.code).toBe(CloseCodes.BadMessage.code);
		await vi.advanceTimersByTimeAsync(THROTTLE);
		b.deliver();
		expect(b.peers().size).toBe(0);
	});
});
