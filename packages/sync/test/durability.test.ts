import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { messageDurableStateVector } from '@teixit/protocol';
import { MemoryStorage, SyncServer } from '../src/index.ts';
import { ControlledStorage, TestClient, docName, settle, silentLogger, textOf, tick, until } from './helpers.ts';

function setup(opts: Partial<ConstructorParameters<typeof SyncServer>[0]> = {}) {
	const memory = new MemoryStorage();
	const storage = new ControlledStorage(memory);
	const server = new SyncServer({ storage, logger: silentLogger, commitDelayMs: 0, retryBaseMs: 5, retryMaxMs: 20, ...opts });
	return { memory, storage, server };
}

describe('durability', () => {
	it('[D1] sends the durable state vector only after the commit', async () => {
		const { memory, storage, server } = setup();
		const name = docName();
		const c = new TestClient(server, { docName: name, acks: true });
		await settle([c]);
		expect(c.durableCount).toBe(1); // [D4] initial
		storage.holdAppends();
		c.doc.getText('t').insert(0, 'hello');
		await settle([c]);
		await until(() => storage.appendsWaiting === 1, 'append started');
		expect(c.saved()).toBe(false);
		expect(c.durableCount).toBe(1);
		expect(memory.rows(name)).toHaveLength(0);
		storage.releaseAppends();
		await until(() => (c.deliver(), c.saved()), 'ack');
		expect(memory.rows(name)).toHaveLength(1);
		expect(c.durableCount).toBe(2);
		await server.shutdown();
	});

	it('[D2] group commit: one append in flight per document; updates arriving meanwhile form the next batch', async () => {
		const { memory, storage, server } = setup();
		const name = docName();
		const a = new TestClient(server, { docName: name, acks: true });
		const b = new TestClient(server, { docName: name, acks: true });
		await settle([a, b]);
		storage.holdAppends();
		a.doc.getText('t').insert(0, 'first');
		await until(() => storage.appendsWaiting === 1, 'first append');
		for (let i = 0; i < 50; i++) a.doc.getText('t').insert(0, 'a');
		for (let i = 0; i < 30; i++) b.doc.getText('t').insert(0, 'b');
		await tick();
		await tick();
		expect(storage.appendsWaiting).toBe(1); // still only one in flight
		storage.releaseAppends();
		await server.flush(name);
		// Batch 1: the first insert. Batch 2: 80 updates merged to one row per author.
		expect(storage.appends.map((x) => x.count)).toEqual([1, 2]);
		expect(memory.rows(name).map((r) => r.seq)).toEqual([1, 2, 3]);
		expect(memory.rows(name).slice(1).map((r) => r.userId)).toEqual([a.opts.userId, b.opts.userId]);
		expect(textOf((await memory.load(name)).state)).toBe(server.getDoc(name)!.getText('t').toString());
		await settle([a, b]);
		expect(a.saved() && b.saved()).toBe(true);
		await server.shutdown();
	});

	it('[D3] persist failure: no ack, the doc stays in memory, retry succeeds, then ack', async () => {
		const { memory, storage, server } = setup();
		const name = docName();
		const errors: unknown[] = [];
		server.on('error', (e) => errors.push(e));
		const c = new TestClient(server, { docName: name, acks: true });
		await settle([c]);
		storage.failAppends = 3;
		c.doc.getText('t').insert(0, 'keep me');
		await until(() => errors.length >= 1, 'first failure');
		c.deliver();
		expect(c.saved()).toBe(false);
		expect(server.getDoc(name)!.getText('t').toString()).toBe('keep me');
		await until(() => (c.deliver(), c.saved()), 'ack after retry');
		expect(errors.length).toBe(3);
		expect(server.stats().persistErrorsTotal).toBe(3);
		expect(memory.rows(name).map((r) => r.seq)).toEqual([1]);
		expect(textOf((await memory.load(name)).state)).toBe('keep me');
		await server.shutdown();
	});

	it('[D4] the initial durable state vector goes to acks connections only, after their initial sync', async () => {
		const { memory, server } = setup();
		const name = docName();
		const seedDoc = new Y.Doc();
		seedDoc.getText('t').insert(0, 'seeded');
		await memory.append(name, 1, [{ update: Y.encodeStateAsUpdate(seedDoc), userId: null, connectionId: null }]);
		const acks = new TestClient(server, { docName: name, acks: true });
		const plain = new TestClient(server, { docName: name, acks: false });
		await settle([acks, plain]);
		expect(acks.durableCount).toBe(1);
		expect(Y.decodeStateVector(acks.durable!)).toEqual(Y.decodeStateVector(Y.encodeStateVector(seedDoc)));
		// After the step 2 answer, never before it.
		const types = acks.socket.sent.map((m) => m[0]! * 10 + (m[0] === 0 ? m[1]! : 0));
		expect(types.indexOf(messageDurableStateVector * 10)).toBeGreaterThan(types.indexOf(1));
		plain.doc.getText('t').insert(0, 'more ');
		await server.flush(name);
		await settle([acks, plain]);
		expect(plain.socket.ofType(messageDurableStateVector)).toHaveLength(0);
		expect(acks.durableCount).toBe(2);
		await server.shutdown();
	});

	it('[D5] sequence numbers are contiguous per document and rows carry their author', async () => {
		const { memory, server } = setup();
		const name = docName();
		const other = docName();
		const a = new TestClient(server, { docName: name, userId: 'ann', connectionId: 'c-ann' });
		const o = new TestClient(server, { docName: other });
		await settle([a, o]);
		for (let i = 0; i < 5; i++) {
			a.doc.getText('t').insert(0, String(i));
			o.doc.getText('t').insert(0, String(i));
			await server.flush();
		}
		expect(memory.rows(name).map((r) => r.seq)).toEqual([1, 2, 3, 4, 5]);
		expect(memory.rows(other).map((r) => r.seq)).toEqual([1, 2, 3, 4, 5]);
		expect(new Set(memory.rows(name).map((r) => `${r.userId}/${r.connectionId}`))).toEqual(new Set(['ann/c-ann']));
		await server.shutdown();
	});

	it('[D7] a delete-only change is acknowledged by the committed frame count, not the state vector', async () => {
		const { server } = setup();
		const name = docName();
		const c = new TestClient(server, { docName: name, acks: true });
		await settle([c]);
		c.doc.getText('t').insert(0, 'abc');
		await server.flush();
		await settle([c]);
		const before = c.durable!;
		expect(c.framesCommitted).toBe(c.framesSent);
		const sent = c.framesSent;
		c.doc.getText('t').delete(0, 3);
		expect(c.framesSent).toBe(sent + 1);
		expect(c.framesCommitted).toBe(sent); // not yet: nothing is committed
		await server.flush();
		await settle([c]);
		expect(c.durable).toEqual(before); // the state vector cannot show a deletion...
		expect(c.framesCommitted).toBe(sent + 1); // ...the frame count does
		expect(server.getDoc(name)!.getText('t').toString()).toBe('');
		await server.shutdown();
	});

	it('[D6] another writer moved the log on: merge its state, commit after it, lose nothing', async () => {
		const memory = new MemoryStorage();
		const one = new SyncServer({ storage: memory, logger: silentLogger, commitDelayMs: 0, retryBaseMs: 1 });
		const two = new SyncServer({ storage: memory, logger: silentLogger, commitDelayMs: 0, retryBaseMs: 1 });
		const name = docName();
		const a = new TestClient(one, { docName: name, acks: true });
		const b = new TestClient(two, { docName: name, acks: true });
		await settle([a, b]);
		a.doc.getText('t').insert(0, 'from-one ');
		await one.flush();
		b.doc.getText('t').insert(0, 'from-two ');
		await two.flush();
		a.doc.getText('t').insert(0, 'again ');
		await one.flush();
		await settle([a, b]);
		const rows = memory.rows(name);
		expect(rows.map((r) => r.seq)).toEqual(rows.map((_, i) => i + 1));
		const stored = textOf((await memory.load(name)).state);
		for (const part of ['from-one', 'from-two', 'again']) expect(stored).toContain(part);
		// Instance one merged instance two's write and sent it to its client.
		expect(a.text()).toBe(stored);
		expect(a.saved() && b.saved()).toBe(true);
		expect(one.stats().persistErrorsTotal + two.stats().persistErrorsTotal).toBeGreaterThanOrEqual(2); // conflicts hit
		await one.shutdown();
		await two.shutdown();
	});
});
