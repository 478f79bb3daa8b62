// Seeded robustness and convergence tests. Override with FUZZ_SEED / FUZZ_ITERATIONS for long runs.
import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import * as prng from 'lib0/prng';
import * as encoding from 'lib0/encoding';
import { CloseCodes, messageAwareness, messageQueryAwareness, messageSync } from '@teixit/protocol';
import { MemoryStorage, SyncServer } from '../src/index.ts';
import { TestClient, awarenessMsg, docName, sameDoc, settle, silentLogger, step2Msg, syncStep1Msg, tick, updateMsg, docFrom } from './helpers.ts';

const SEED = Number(process.env.FUZZ_SEED ?? 20240611);
const ITERATIONS = Number(process.env.FUZZ_ITERATIONS ?? 4000);

function randomUpdate(gen: prng.PRNG): Uint8Array {
	const d = new Y.Doc();
	d.clientID = prng.uint32(gen, 1, 2 ** 31);
	const kind = prng.int32(gen, 0, 3);
	if (kind === 0) d.getText('t').insert(0, prng.word(gen, 0, 20));
	else if (kind === 1) d.getMap('m').set(prng.word(gen, 1, 4), prng.int32(gen, 0, 1000));
	else if (kind === 2) d.getArray('a').insert(0, [prng.word(gen)]);
	else d.getXmlFragment('x').insert(0, [new Y.XmlText(prng.word(gen))]);
	return Y.encodeStateAsUpdate(d);
}

function validFrame(gen: prng.PRNG): Uint8Array {
	switch (prng.int32(gen, 0, 5)) {
		case 0:
			return syncStep1Msg(docFrom(prng.bool(gen) ? randomUpdate(gen) : null));
		case 1:
			return step2Msg(randomUpdate(gen));
		case 2:
			return updateMsg(randomUpdate(gen));
		case 3:
			return awarenessMsg(
				encoding.encode((e) => {
					encoding.writeVarUint(e, 1);
					encoding.writeVarUint(e, prng.uint32(gen, 1, 2 ** 31));
					encoding.writeVarUint(e, prng.int32(gen, 1, 10));
					encoding.writeVarString(e, JSON.stringify({ n: prng.word(gen) }));
				})
			);
		case 4:
			return encoding.encode((e) => encoding.writeVarUint(e, messageQueryAwareness));
		default:
			return new Uint8Array([messageSync, 0, 1, 0]);
	}
}

/** A mostly-broken frame: random bytes, truncations, bit flips, splices, wrong headers. */
function fuzzFrame(gen: prng.PRNG): Uint8Array {
	const base = validFrame(gen);
	switch (prng.int32(gen, 0, 6)) {
		case 0:
			return prng.uint8Array(gen, prng.int32(gen, 0, 64));
		case 1:
			return base.slice(0, prng.int32(gen, 0, Math.max(0, base.length - 1)));
		case 2: {
			const m = base.slice();
			for (let i = prng.int32(gen, 1, 4); i > 0; i--) m[prng.int32(gen, 0, m.length - 1)]! ^= 1 << prng.int32(gen, 0, 7);
			return m;
		}
		case 3: {
			const m = base.slice();
			const at = prng.int32(gen, 0, m.length);
			const junk = prng.uint8Array(gen, prng.int32(gen, 1, 16));
			return new Uint8Array([...m.slice(0, at), ...junk, ...m.slice(at)]);
		}
		case 4: {
			const headers = [messageSync, messageAwareness, messageQueryAwareness, 2, 100, 255];
			return new Uint8Array([prng.oneOf(gen, headers), ...prng.uint8Array(gen, prng.int32(gen, 0, 32))]);
		}
		case 5:
			return new Uint8Array([messageSync, prng.int32(gen, 0, 2), ...prng.uint8Array(gen, prng.int32(gen, 0, 40))]);
		default:
			return base; // some valid frames keep the fuzzed connections alive longer
	}
}

describe('fuzz', () => {
	it(`[F1] thousands of random/truncated frames (seed ${SEED}) never throw, never touch other documents, and a good client keeps working`, async () => {
		const gen = prng.create(SEED);
		const memory = new MemoryStorage();
		const server = new SyncServer({
			storage: memory,
			logger: { info() {}, warn() {}, error: silentLogger.error },
			commitDelayMs: 0,
			compactEvery: 50,
			limits: { messagesPerSecond: 1e9, messageBurst: 1e9, awarenessThrottleMs: 0 }
		});

		// Bystander documents with stored content.
		const bystanders = [docName('bystander'), docName('bystander')];
		for (const name of bystanders) {
			const c = new TestClient(server, { docName: name });
			c.doc.getText('t').insert(0, `content of ${name}`);
			await settle([c]);
			c.close();
		}
		await server.flush();
		const snapshot = (name: string) => JSON.stringify({ rows: memory.rows(name), snaps: memory.snapshots(name) }, (_k, v) => (v instanceof Uint8Array ? [...v] : v));
		const before = bystanders.map(snapshot);

		const victim = docName('victim');
		const spare = docName('fuzz'); // a second loaded target, so frames are never stuck behind a load
		// Good clients behave like y-websocket: reconnect (same Y.Doc) after a retryable close.
		const good = {
			a: new TestClient(server, { docName: victim, acks: true }),
			b: new TestClient(server, { docName: victim }),
			s: new TestClient(server, { docName: spare })
		};
		const goodCloses: number[] = [];
		const revive = () => {
			for (const key of ['a', 'b', 's'] as const) {
				const c = good[key];
				if (!c.closed) continue;
				goodCloses.push(c.closed.code);
				c.close();
				good[key] = new TestClient(server, { docName: c.opts.docName, doc: c.doc, acks: c.opts.acks });
			}
		};
		await settle(Object.values(good));

		let fuzzer: TestClient | null = null;
		let closes = 0;
		for (let i = 0; i < ITERATIONS; i++) {
			if (!fuzzer || fuzzer.closed) {
				if (fuzzer?.closed) closes++;
				fuzzer = new TestClient(server, {
					docName: prng.int32(gen, 0, 9) < 8 ? victim : spare,
					access: prng.bool(gen) ? 'write' : 'read',
					acks: prng.bool(gen),
					greet: prng.bool(gen),
					autoSend: true
				});
			}
			const msg = fuzzFrame(gen);
			expect(() => fuzzer!.handle.receive(msg)).not.toThrow();
			if (prng.int32(gen, 0, 99) < 2) {
				fuzzer.close(); // the peer goes away on its own
				fuzzer = null;
			}
			if (i % 200 === 0) {
				good.a.doc.getText('t').insert(0, `a${i} `);
				await settle(Object.values(good));
				revive();
				await settle(Object.values(good));
			}
		}
		fuzzer?.close();
		expect(closes).toBeGreaterThan(ITERATIONS / 3);

		// The good clients still work and agree with each other, the server and storage.
		for (let round = 0; round < 5; round++) {
			await settle(Object.values(good));
			await server.flush();
			revive();
		}
		good.a.doc.getText('t').insert(0, 'final-a ');
		good.b.doc.getText('t').insert(0, 'final-b ');
		await settle(Object.values(good));
		await server.flush();
		await settle(Object.values(good));
		const { a, b } = good;
		expect(a.closed).toBeNull();
		expect(b.closed).toBeNull();
		// Only retryable closes ever reached a good client (a reset after a poisoned doc: [B2]).
		expect(goodCloses.filter((code) => code !== CloseCodes.ServerRestart.code)).toEqual([]);
		expect(goodCloses.length > 0).toBe(server.stats().poisonedTotal > 0);
		expect(sameDoc(a.doc, b.doc)).toBe(true);
		expect(sameDoc(a.doc, server.getDoc(victim)!)).toBe(true);
		expect(a.text()).toContain('final-b');
		expect(a.saved()).toBe(true);
		expect(sameDoc(docFrom((await memory.load(victim)).state), a.doc)).toBe(true);

		// Other documents' stored state is byte-for-byte unchanged.
		expect(bystanders.map(snapshot)).toEqual(before);
		const stats = server.stats();
		expect(stats.badMessagesTotal).toBeGreaterThan(ITERATIONS / 3); // the frames really were exercised
		expect(stats.updatesTotal).toBeGreaterThan(ITERATIONS / 50);
		expect(stats.persistErrorsTotal).toBe(0);
		expect(stats.loadErrorsTotal).toBe(0);
		await server.shutdown();
	});

	for (const seed of [SEED, SEED + 1, SEED + 2]) {
		it(`[F2] clients converge with random delivery order, disconnects and reconnects (seed ${seed})`, async () => {
			const gen = prng.create(seed);
			const memory = new MemoryStorage();
			const server = new SyncServer({ storage: memory, logger: silentLogger, commitDelayMs: prng.int32(gen, 0, 2), compactEvery: 40, limits: { awarenessThrottleMs: 0 } });
			const name = docName('converge');
			const docs = Array.from({ length: 4 }, () => new Y.Doc());
			const clients: (TestClient | null)[] = docs.map((doc) => new TestClient(server, { docName: name, doc, autoSend: false, acks: true }));
			const live = () => clients.filter((c): c is TestClient => c !== null);

			for (let i = 0; i < 600; i++) {
				const r = prng.int32(gen, 0, 99);
				const k = prng.int32(gen, 0, docs.length - 1);
				const c = clients[k];
				if (r < 35) {
					const doc = docs[k]!; // offline edits are fine too
					const t = doc.getText('t');
					const op = prng.int32(gen, 0, 2);
					if (op === 0 || t.length === 0) t.insert(prng.int32(gen, 0, t.length), prng.word(gen, 1, 5));
					else if (op === 1) t.delete(prng.int32(gen, 0, t.length - 1), 1);
					else doc.getMap('m').set(prng.word(gen, 1, 2), i);
				} else if (r < 65 && c && c.outbox.length) {
					// Mostly in order (a WebSocket is ordered); sometimes out of order to exercise pending structs.
					c.flushOut(prng.int32(gen, 0, 9) === 0 ? prng.int32(gen, 0, c.outbox.length - 1) : 0);
				} else if (r < 90 && c) {
					c.deliver();
				} else if (r < 94 && c) {
					c.close();
					clients[k] = null;
				} else if (r < 97 && !c) {
					clients[k] = new TestClient(server, { docName: name, doc: docs[k]!, autoSend: false, acks: true });
				} else {
					await tick();
				}
			}
			for (let k = 0; k < docs.length; k++) {
				clients[k] ??= new TestClient(server, { docName: name, doc: docs[k]!, autoSend: false, acks: true });
			}
			await settle(live());
			await server.flush();
			await settle(live());
			const serverDoc = server.getDoc(name)!;
			for (const doc of docs) expect(sameDoc(doc, serverDoc)).toBe(true);
			expect(sameDoc(docFrom((await memory.load(name)).state), serverDoc)).toBe(true);
			for (const c of live()) expect(c.saved()).toBe(true);
			const seqs = memory.rows(name).map((r) => r.seq);
			expect(seqs).toEqual(seqs.map((_, i) => i + 1));
			await server.shutdown();
		});
	}
});
