import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { CloseCodes, messageSync } from '@teixit/protocol';
import { MemoryStorage, SyncServer } from '../src/index.ts';
import { ControlledStorage, TestClient, docName, settle, silentLogger, tick, until, updateMsg } from './helpers.ts';

function setup(opts: Partial<ConstructorParameters<typeof SyncServer>[0]> = {}) {
	const memory = new MemoryStorage();
	const storage = new ControlledStorage(memory);
	const server = new SyncServer({ storage, logger: silentLogger, commitDelayMs: 0, ...opts });
	return { memory, storage, server };
}

async function seed(memory: MemoryStorage, name: string, text: string) {
	const d = new Y.Doc();
	d.getText('t').insert(0, text);
	await memory.append(name, 1, [{ update: Y.encodeStateAsUpdate(d), userId: 'seed', connectionId: null }]);
}

describe('loading', () => {
	it('[L1] never answers sync step 1 before the document has loaded', async () => {
		const { memory, storage, server } = setup();
		const name = docName();
		await seed(memory, name, 'hello');
		storage.holdLoads();
		const c = new TestClient(server, { docName: name });
		await tick();
		await tick();
		expect(c.socket.sent).toHaveLength(0);
		storage.releaseLoads();
		await settle([c]);
		expect(c.synced).toBe(true);
		expect(c.text()).toBe('hello');
		await server.shutdown();
	});

	it('[L1] queues messages received while loading and replays them after load', async () => {
		const { memory, storage, server } = setup();
		const name = docName();
		await seed(memory, name, 'abc');
		storage.holdLoads();
		const c = new TestClient(server, { docName: name, greet: false });
		const local = new Y.Doc();
		local.getText('t').insert(0, 'X');
		c.handle.receive(updateMsg(Y.encodeStateAsUpdate(local)));
		storage.releaseLoads();
		await until(() => server.getDoc(name) !== null, 'load');
		const text = server.getDoc(name)!.getText('t').toString();
		expect(text).toContain('X');
		expect(text).toContain('abc');
		await server.flush(name);
		expect(memory.rows(name)).toHaveLength(2);
		await server.shutdown();
	});

	it('[L2] a failed load closes the connections with LoadFailed, keeps no room and persists nothing', async () => {
		const { memory, storage, server } = setup();
		const name = docName();
		await seed(memory, name, 'precious');
		storage.failLoads = 1;
		const a = new TestClient(server, { docName: name, greet: false });
		const local = new Y.Doc();
		local.getText('t').insert(0, 'overwrite?');
		a.handle.receive(updateMsg(Y.encodeStateAsUpdate(local)));
		await until(() => a.closed !== null, 'close');
		expect(a.closed).toEqual({ code: CloseCodes.LoadFailed.code, reason: CloseCodes.LoadFailed.reason });
		expect(a.socket.ofType(messageSync)).toHaveLength(0);
		expect(server.documents()).not.toContain(name);
		expect(server.stats().loadErrorsTotal).toBe(1);
		await server.flush();
		expect(memory.rows(name)).toHaveLength(1); // only the seed: nothing from the failed room

		// The next connect retries the load and sees the real data.
		const b = new TestClient(server, { docName: name });
		await settle([b]);
		expect(b.closed).toBeNull();
		expect(b.text()).toBe('precious');
		expect(storage.loads).toBe(2);
		await server.shutdown();
	});

	it('[L2] a load that never answers times out with LoadFailed', async () => {
		const { storage, server } = setup({ loadTimeoutMs: 20 });
		storage.holdLoads();
		const a = new TestClient(server, { docName: docName() });
		await until(() => a.closed !== null, 'close');
		expect(a.closed?.code).toBe(CloseCodes.LoadFailed.code);
		storage.releaseLoads();
		await server.shutdown();
	});

	it('[L3] concurrent joiners share one load', async () => {
		const { memory, storage, server } = setup();
		const name = docName();
		await seed(memory, name, 'shared');
		storage.holdLoads();
		const clients = Array.from({ length: 20 }, () => new TestClient(server, { docName: name }));
		await tick();
		storage.releaseLoads();
		await settle(clients);
		expect(storage.loads).toBe(1);
		for (const c of clients) expect(c.text()).toBe('shared');
		await server.shutdown();
	});

	it('[L4] a join storm of empty clients gets one encoded state (encoded once, shared)', async () => {
		const { memory, server } = setup();
		const name = docName();
		await seed(memory, name, 'x'.repeat(10_000));
		const first = new TestClient(server, { docName: name });
		await settle([first]);
		const storm = Array.from({ length: 100 }, () => new TestClient(server, { docName: name }));
		for (const c of storm) c.deliver();
		const step2 = (c: TestClient) => c.socket.ofType(messageSync).find((m) => m[1] === 1)!;
		const frames = new Set(storm.map(step2));
		expect(frames.size).toBe(1); // the very same Uint8Array object for all 100 joiners
		for (const c of storm) expect(c.text()).toHaveLength(10_000);

		// The cache is invalidated by a change.
		first.doc.getText('t').insert(0, 'new');
		const late = new TestClient(server, { docName: name });
		late.deliver();
		expect(step2(late)).not.toBe([...frames][0]);
		expect(late.text().startsWith('new')).toBe(true);
		await server.shutdown();
	});
});
