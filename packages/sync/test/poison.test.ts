import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { CloseCodes } from '@teixit/protocol';
import { MemoryStorage, SyncServer } from '../src/index.ts';
import { ControlledStorage, TestClient, docName, settle, silentLogger, textOf, until, updateMsg } from './helpers.ts';

/**
 * A 30-byte update found by the fuzz test. In Yjs 13.6.33, applying it to any doc throws inside
 * transaction cleanup and leaves the doc "wedged": later transactions never emit 'update' again.
 */
const WEDGE = new Uint8Array([
	1, 2, 230, 236, 154, 183, 3, 0, 7, 1, 1, 120, 6, 0, 0, 230, 236, 154, 183, 3, 0, 7, 118, 108, 119, 109, 117, 115, 106, 0
]);

describe('broken documents', () => {
	it('[B1] the wedge vector really wedges a plain Y.Doc (so [B2] tests something real)', () => {
		const d = new Y.Doc();
		expect(() => Y.applyUpdate(d, WEDGE)).toThrow();
		let events = 0;
		d.on('update', () => events++);
		d.getText('t').insert(0, 'after');
		expect(events).toBe(0); // no update event: a server using this doc would stop relaying and persisting
	});

	it('[B2] an update that breaks the doc closes its sender BadMessage, resets the room and reloads it from storage', async () => {
		const memory = new MemoryStorage();
		const storage = new ControlledStorage(memory);
		const server = new SyncServer({ storage, logger: silentLogger, commitDelayMs: 0 });
		const name = docName();
		const a = new TestClient(server, { docName: name, acks: true });
		const b = new TestClient(server, { docName: name });
		a.doc.getText('t').insert(0, 'committed ');
		await settle([a, b]);
		await server.flush();

		// A good update still waiting for its commit when the doc breaks.
		storage.holdAppends();
		a.doc.getText('t').insert(10, 'pending');
		await until(() => storage.appendsWaiting === 1, 'append in flight');
		const attacker = new TestClient(server, { docName: name, userId: 'mallory' });
		await settle([attacker]);
		attacker.handle.receive(updateMsg(WEDGE));
		expect(attacker.closed?.code).toBe(CloseCodes.BadMessage.code);
		await until(() => a.closed !== null && b.closed !== null, 'reset');
		expect(a.closed?.code).toBe(CloseCodes.ServerRestart.code); // retryable: y-websocket reconnects
		expect(b.closed?.code).toBe(CloseCodes.ServerRestart.code);
		expect(server.stats().poisonedTotal).toBe(1);

		// A newcomer waits for the old room's commits, then loads from storage.
		const c = new TestClient(server, { docName: name });
		await settle([c]);
		expect(c.synced).toBe(false);
		storage.releaseAppends();
		await until(() => (c.deliver(), c.synced), 'newcomer synced');
		expect(c.text()).toBe('committed pending');
		expect(storage.loads).toBe(2);

		// The old clients reconnect and everything flows and persists again.
		const a2 = new TestClient(server, { docName: name, doc: a.doc, acks: true });
		const b2 = new TestClient(server, { docName: name, doc: b.doc });
		await settle([a2, b2, c]);
		b2.doc.getText('t').insert(0, 'again: ');
		await settle([a2, b2, c]);
		await server.flush();
		await settle([a2, b2, c]);
		expect(a2.text()).toBe('again: committed pending');
		expect(c.text()).toBe('again: committed pending');
		expect(a2.saved()).toBe(true);
		expect(textOf((await memory.load(name)).state)).toBe('again: committed pending');
		expect(memory.rows(name).every((r) => r.userId !== 'mallory')).toBe(true);
		await server.shutdown();
	});
});
