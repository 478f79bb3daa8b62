import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import * as encoding from 'lib0/encoding';
import { CloseCodes, messageQueryAwareness, messageSync } from '@teixit/protocol';
import { MemoryStorage, SyncServer, type SyncLimits } from '../src/index.ts';
import { TestClient, docName, frame, settle, silentLogger, updateMsg } from './helpers.ts';

function setup(limits: Partial<SyncLimits>, clock = { t: 0 }) {
	const memory = new MemoryStorage();
	const server = new SyncServer({ storage: memory, logger: silentLogger, commitDelayMs: 0, limits, now: () => clock.t });
	return { memory, server, clock };
}

const queryAwareness = frame((e) => encoding.writeVarUint(e, messageQueryAwareness));

describe('limits', () => {
	it('[P1] a message above maxMessageBytes closes MessageTooBig and is not applied', async () => {
		const { server, memory } = setup({ maxMessageBytes: 1000 });
		const name = docName();
		const c = new TestClient(server, { docName: name });
		await settle([c]);
		c.doc.getText('t').insert(0, 'x'.repeat(2000));
		expect(c.closed).toEqual({ code: CloseCodes.MessageTooBig.code, reason: CloseCodes.MessageTooBig.reason });
		await server.flush();
		expect(server.getDoc(name)!.getText('t').length).toBe(0);
		expect(memory.rows(name)).toHaveLength(0);
		await server.shutdown();
	});

	it('[P2] more messages per second than the bucket allows closes RateLimited; refill lets a client continue', async () => {
		const { server, clock } = setup({ messagesPerSecond: 10, messageBurst: 20 });
		const name = docName();
		const c = new TestClient(server, { docName: name, greet: false });
		await server.flush(name); // loaded; the client sends nothing on its own
		for (let i = 0; i < 20; i++) c.handle.receive(queryAwareness);
		expect(c.closed).toBeNull();
		clock.t += 1000; // 10 more tokens
		for (let i = 0; i < 10; i++) c.handle.receive(queryAwareness);
		expect(c.closed).toBeNull();
		c.handle.receive(queryAwareness);
		expect(c.closed?.code).toBe(CloseCodes.RateLimited.code);
		await server.shutdown();
	});

	it('[P3] more bytes per second than the bucket allows closes RateLimited', async () => {
		const { server } = setup({ bytesPerSecond: 1000, byteBurst: 3000, maxMessageBytes: 1500 });
		const name = docName();
		const c = new TestClient(server, { docName: name });
		await settle([c]);
		c.doc.getText('t').insert(0, 'y'.repeat(900));
		c.doc.getText('t').insert(0, 'y'.repeat(900));
		expect(c.closed).toBeNull();
		c.doc.getText('t').insert(0, 'y'.repeat(900)); // ~2.7 KB + handshake > 3000 in no time
		c.doc.getText('t').insert(0, 'y'.repeat(900));
		expect(c.closed?.code).toBe(CloseCodes.RateLimited.code);
		await server.shutdown();
	});

	it('[P4] a consumer whose socket buffer exceeds maxBufferedBytes is closed SlowConsumer', async () => {
		const { server } = setup({ maxBufferedBytes: 10_000 });
		const name = docName();
		const writer = new TestClient(server, { docName: name });
		const slow = new TestClient(server, { docName: name });
		await settle([writer, slow]);
		slow.socket.bufferedAmount = 10_001;
		writer.doc.getText('t').insert(0, 'broadcast');
		expect(slow.closed?.code).toBe(CloseCodes.SlowConsumer.code);
		expect(writer.closed).toBeNull();
		expect(server.stats().connections).toBe(1);
		await server.shutdown();
	});

	it('[P5] malformed and truncated messages close BadMessage; receive never throws; the doc is untouched', async () => {
		const { server, memory } = setup({});
		const name = docName();
		const good = new TestClient(server, { docName: name });
		good.doc.getText('t').insert(0, 'intact');
		await settle([good]);
		await server.flush();
		const valid = updateMsg((() => {
			const d = new Y.Doc();
			d.getText('t').insert(0, 'zzz');
			return Y.encodeStateAsUpdate(d);
		})());
		const bad: Uint8Array[] = [
			new Uint8Array([]),
			new Uint8Array([99]),
			new Uint8Array([messageSync]),
			new Uint8Array([messageSync, 7, 0]),
			new Uint8Array([messageSync, 0, 5, 1]), // step 1 claiming 5 bytes, has 1
			new Uint8Array([messageSync, 0, 1, 0, 42]), // trailing bytes
			new Uint8Array([messageSync, 2, 3, 255, 255, 255]), // garbage update
			valid.slice(0, valid.length - 3), // truncated
			new Uint8Array([0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x01]) // varint overflow
		];
		for (const msg of bad) {
			const c = new TestClient(server, { docName: name, greet: false });
			await settle([c]);
			expect(() => c.handle.receive(msg)).not.toThrow();
			expect(c.closed?.code, `message ${[...msg].join(',')}`).toBe(CloseCodes.BadMessage.code);
			expect(() => c.handle.receive(valid)).not.toThrow(); // ignored after close
			expect(() => c.handle.closed()).not.toThrow();
		}
		await server.flush();
		expect(good.closed).toBeNull();
		expect(server.getDoc(name)!.getText('t').toString()).toBe('intact');
		expect(memory.rows(name)).toHaveLength(1);
		expect(server.stats().badMessagesTotal).toBe(bad.length);
		await server.shutdown();
	});
});
