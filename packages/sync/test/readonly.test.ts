import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { MemoryStorage, SyncServer } from '../src/index.ts';
import { TestClient, docName, settle, silentLogger, step2Msg, updateMsg } from './helpers.ts';

describe('read-only connections', () => {
	it('[A1] get the document and others\' presence; their updates are refused, never applied, persisted or relayed', async () => {
		const memory = new MemoryStorage();
		const server = new SyncServer({ storage: memory, logger: silentLogger, commitDelayMs: 0, limits: { awarenessThrottleMs: 0 } });
		const name = docName();
		const writer = new TestClient(server, { docName: name });
		writer.doc.getText('t').insert(0, 'visible');
		writer.setPresence({ name: 'writer' });
		const reader = new TestClient(server, { docName: name, access: 'read' });
		const other = new TestClient(server, { docName: name });
		await settle([writer, reader, other]);
		expect(reader.synced).toBe(true);
		expect(reader.text()).toBe('visible');
		expect([...reader.peers().values()]).toContainEqual({ name: 'writer' });
		expect(server.stats().refusedTotal).toBe(0); // its empty sync step 2 reply is not a refusal

		// The reader edits locally: the update is sent, refused, and goes nowhere.
		reader.doc.getText('t').insert(0, 'HACK ');
		const forged = new Y.Doc();
		forged.getMap('m').set('role', 'admin');
		reader.handle.receive(step2Msg(Y.encodeStateAsUpdate(forged)));
		reader.handle.receive(updateMsg(Y.encodeStateAsUpdate(forged)));
		await settle([writer, reader, other]);
		await server.flush();
		expect(server.getDoc(name)!.getText('t').toString()).toBe('visible');
		expect(server.getDoc(name)!.getMap('m').size).toBe(0);
		expect(other.text()).toBe('visible');
		expect(memory.rows(name).every((r) => r.userId === writer.opts.userId)).toBe(true);
		expect(server.stats().refusedTotal).toBe(3);
		expect(reader.closed).toBeNull(); // choice documented in SPEC [A1]: ignore and count, keep presence

		// Its presence is relayed (observers appear in the presence bar).
		reader.setPresence({ name: 'observer' });
		await settle([writer, reader, other]);
		expect([...other.peers().values()]).toContainEqual({ name: 'observer' });

		// Writes keep flowing to the reader.
		writer.doc.getText('t').insert(7, '!');
		await settle([writer, reader, other]);
		expect(reader.doc.getText('t').toString()).toContain('visible!');
		await server.shutdown();
	});
});
