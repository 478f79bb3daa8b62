import { describe, expect, it } from 'vitest';
import { CloseCodes, messageDurableStateVector } from '@teixit/protocol';
import { MemoryStorage, SyncServer } from '../src/index.ts';
import { ControlledStorage, SocketDouble, TestClient, docName, settle, silentLogger, sleep, textOf, until } from './helpers.ts';

function setup(opts: Partial<ConstructorParameters<typeof SyncServer>[0]> = {}) {
	const memory = new MemoryStorage();
	const storage = new ControlledStorage(memory);
	const server = new SyncServer({ storage, logger: silentLogger, commitDelayMs: 0, retryBaseMs: 5, retryMaxMs: 20, ...opts });
	return { memory, storage, server };
}

describe('lifecycle', () => {
	it('[U1] unloads after the grace period, with everything persisted; the next connect loads it back', async () => {
		const { memory, storage, server } = setup({ unloadGraceMs: 10 });
		const name = docName();
		const unloaded: string[] = [];
		server.on('unload', (e) => unloaded.push(e.docName));
		const a = new TestClient(server, { docName: name });
		await settle([a]);
		storage.holdAppends();
		a.doc.getText('t').insert(0, 'persist before unload');
		a.close();
		await sleep(30);
		expect(server.documents()).toContain(name); // commit still held: not unloaded
		storage.releaseAppends();
		await until(() => unloaded.includes(name), 'unload');
		expect(server.documents()).not.toContain(name);
		expect(server.stats().documents).toBe(0);
		expect(textOf((await memory.load(name)).state)).toBe('persist before unload');
		const b = new TestClient(server, { docName: name });
		await settle([b]);
		expect(b.text()).toBe('persist before unload');
		expect(storage.loads).toBe(2);
		await server.shutdown();
	});

	it('[U1] a document whose commits keep failing stays in memory until they succeed', async () => {
		const { memory, storage, server } = setup({ unloadGraceMs: 5 });
		const name = docName();
		const a = new TestClient(server, { docName: name });
		await settle([a]);
		storage.failAppends = 5;
		a.doc.getText('t').insert(0, 'do not lose me');
		a.close();
		await until(() => !server.documents().includes(name), 'unload after retries', 10_000);
		expect(server.stats().persistErrorsTotal).toBe(5);
		expect(textOf((await memory.load(name)).state)).toBe('do not lose me');
		await server.shutdown();
	});

	it('[U2] a connect during the grace period reuses the loaded room', async () => {
		const { storage, server } = setup({ unloadGraceMs: 40 });
		const name = docName();
		const unloads: string[] = [];
		server.on('unload', (e) => unloads.push(e.docName));
		const a = new TestClient(server, { docName: name });
		a.doc.getText('t').insert(0, 'warm');
		await settle([a]);
		const doc = server.getDoc(name);
		a.close();
		await sleep(5);
		const b = new TestClient(server, { docName: name });
		await settle([b]);
		expect(b.text()).toBe('warm');
		await sleep(80); // well past the grace period: b keeps the room alive
		expect(unloads).toEqual([]);
		expect(server.getDoc(name)).toBe(doc);
		b.doc.getText('t').insert(0, 'still ');
		await server.flush();
		expect(server.getDoc(name)!.getText('t').toString()).toBe('still warm');
		expect(storage.loads).toBe(1);
		await server.shutdown();
	});

	it('[G1] shutdown stops accepting, commits everything, acks, then closes with ServerRestart', async () => {
		const { memory, storage, server } = setup();
		const name = docName();
		const a = new TestClient(server, { docName: name, acks: true });
		await settle([a]);
		storage.holdAppends();
		a.doc.getText('t').insert(0, 'last words');
		const done = server.shutdown();
		const late = new SocketDouble();
		server.connect({ docName: name, socket: late, userId: 'u', connectionId: 'late', access: 'write', acks: false });
		expect(late.closedWith?.code).toBe(CloseCodes.ServerRestart.code);
		a.doc.getText('t').insert(0, 'dropped while draining ');
		expect(a.closed).toBeNull();
		storage.releaseAppends();
		await done;
		expect(a.closed?.code).toBe(CloseCodes.ServerRestart.code);
		expect(textOf((await memory.load(name)).state)).toBe('last words');
		a.deliver();
		expect(a.socket.ofType(messageDurableStateVector).length).toBe(2);
		expect(server.stats().documents).toBe(0);
	});

	it('[G2] shutdown gives up after shutdownTimeoutMs when storage is down', async () => {
		const { storage, server } = setup({ shutdownTimeoutMs: 30 });
		const name = docName();
		const a = new TestClient(server, { docName: name });
		await settle([a]);
		storage.failAppends = Number.POSITIVE_INFINITY;
		a.doc.getText('t').insert(0, 'stuck');
		await server.shutdown();
		expect(a.closed?.code).toBe(CloseCodes.ServerRestart.code);
		expect(silentLogger.errors.some((e) => JSON.stringify(e).includes(name))).toBe(true);
	});

	it('[R1] closeWhere closes exactly the matching connections with the given code', async () => {
		const { server } = setup();
		const d1 = docName();
		const d2 = docName();
		const ann1 = new TestClient(server, { docName: d1, userId: 'ann' });
		const ann2 = new TestClient(server, { docName: d2, userId: 'ann' });
		const bob = new TestClient(server, { docName: d1, userId: 'bob' });
		await settle([ann1, ann2, bob]);
		const n = server.closeWhere((c) => c.userId === 'ann' && c.docName === d1, CloseCodes.Forbidden);
		expect(n).toBe(1);
		expect(ann1.closed?.code).toBe(CloseCodes.Forbidden.code);
		expect(ann2.closed).toBeNull();
		expect(bob.closed).toBeNull();
		expect(server.stats().connections).toBe(2);
		await server.shutdown();
	});

	it('[X1] change() applies an attributed server-side change, broadcast and persisted', async () => {
		const { memory, server } = setup({ unloadGraceMs: 5 });
		const name = docName();
		const a = new TestClient(server, { docName: name });
		await settle([a]);
		await server.change(name, (doc) => doc.getMap('m').set('revealed', true), { userId: 'facilitator' });
		await settle([a]);
		expect(a.doc.getMap('m').get('revealed')).toBe(true);
		expect(memory.rows(name).at(-1)?.userId).toBe('facilitator');
		expect(memory.rows(name).at(-1)?.connectionId).toBeNull();
		// On a document nobody has open: loaded, changed, persisted, then unloaded.
		const cold = docName();
		await server.change(cold, (doc) => doc.getText('t').insert(0, 'aggregate'));
		expect(textOf((await memory.load(cold)).state)).toBe('aggregate');
		await until(() => !server.documents().includes(cold), 'unload');
		await server.shutdown();
	});
});
