// SPEC [D8]: the client's own update bytes are what is logged and relayed.
import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { MemoryStorage, SyncServer } from '../src/index.ts';
import { TestClient, docName, settle, silentLogger, step2Msg, textOf, until, updateMsg } from './helpers.ts';

const messageSync = 0;
const syncUpdate = 2;

function setup() {
	const storage = new MemoryStorage();
	const server = new SyncServer({ storage, logger: silentLogger, commitDelayMs: 1 });
	const name = docName('relay');
	return { storage, server, name };
}

/** Two updates from one writer: `second` depends on `first` (it continues the same text). */
function chain(): { first: Uint8Array; second: Uint8Array; doc: Y.Doc } {
	const doc = new Y.Doc();
	const sv0 = Y.encodeStateVector(doc);
	doc.getText('t').insert(0, 'abc');
	const first = Y.encodeStateAsUpdate(doc, sv0);
	const sv1 = Y.encodeStateVector(doc);
	doc.getText('t').insert(3, 'def');
	return { first, second: Y.encodeStateAsUpdate(doc, sv1), doc };
}

describe('relay of client updates', () => {
	it('[D8] an update frame reaches the other clients byte for byte, and its bytes are the logged row', async () => {
		const { storage, server, name } = setup();
		const a = new TestClient(server, { docName: name });
		const b = new TestClient(server, { docName: name });
		await settle([a, b]);
		const { first, second } = chain();
		a.send(updateMsg(first));
		await settle([a, b]);
		await server.flush(); // its own row: a batch holding both would merge them into one
		// Half of it is known: a re-encoding would carry only `second`; the client's bytes carry both.
		const both = Y.mergeUpdates([first, second]);
		const msg = updateMsg(both);
		const before = b.socket.sent.length;
		a.send(msg);
		await until(() => b.socket.sent.length > before, 'relayed');
		expect([...b.socket.sent.at(-1)!]).toEqual([...msg]);
		await server.flush();
		expect(storage.rows(name).map((r) => [...r.update])).toEqual([[...first], [...both]]);
		await server.shutdown();
	});

	it('[D8] a sync step 2 is relayed as an update frame', async () => {
		const { server, name } = setup();
		const a = new TestClient(server, { docName: name });
		const b = new TestClient(server, { docName: name });
		await settle([a, b]);
		const { first } = chain();
		const before = b.socket.sent.length;
		a.send(step2Msg(first));
		await until(() => b.socket.sent.length > before, 'relayed');
		expect([...b.socket.sent.at(-1)!]).toEqual([...updateMsg(first)]);
		expect(b.socket.sent.at(-1)![1]).toBe(syncUpdate);
		expect(b.socket.sent.at(-1)![0]).toBe(messageSync);
		await server.shutdown();
	});

	it('[D8] an update that changes nothing is neither logged nor relayed', async () => {
		const { storage, server, name } = setup();
		const a = new TestClient(server, { docName: name });
		const b = new TestClient(server, { docName: name });
		await settle([a, b]);
		const { first } = chain();
		a.send(updateMsg(first));
		await settle([a, b]);
		await server.flush();
		const rows = storage.rows(name).length;
		const seen = b.socket.sent.length;
		a.send(updateMsg(first)); // a re-send (e.g. after a lost ack)
		a.send(updateMsg(new Uint8Array([0, 0]))); // an empty update
		await settle([a, b]);
		await server.flush();
		expect(storage.rows(name)).toHaveLength(rows);
		expect(b.socket.sent.length).toBe(seen);
		await server.shutdown();
	});

	it('[D8] an update waiting for a missing dependency is logged and relayed at once, and survives a reload', async () => {
		const { storage, server, name } = setup();
		const a = new TestClient(server, { docName: name });
		const b = new TestClient(server, { docName: name });
		await settle([a, b]);
		const { first, second, doc } = chain();
		const seen = b.socket.sent.length;
		a.send(updateMsg(second)); // its dependency has not arrived: Yjs keeps it pending
		await settle([a, b]);
		expect(b.socket.sent.length).toBe(seen + 1);
		await server.flush();
		expect(storage.rows(name)).toHaveLength(1);
		a.send(updateMsg(first));
		await settle([a, b]);
		await server.flush();
		expect(server.getDoc(name)!.getText('t').toString()).toBe('abcdef');
		await server.shutdown();
		// A fresh server builds the whole text from the log.
		const loaded = await storage.load(name);
		expect(textOf(loaded.state)).toBe(doc.getText('t').toString());
	});
});
