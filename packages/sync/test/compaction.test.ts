import { describe, expect, it } from 'vitest';
import { MemoryStorage, SyncServer } from '../src/index.ts';
import { ControlledStorage, TestClient, docName, settle, silentLogger, textOf, until } from './helpers.ts';

describe('compaction', () => {
	it('[C1] [C3] writes a snapshot every compactEvery updates, keeps every log row, and load equals live state', async () => {
		const memory = new MemoryStorage();
		const storage = new ControlledStorage(memory);
		const server = new SyncServer({ storage, logger: silentLogger, commitDelayMs: 0, compactEvery: 5 });
		const name = docName();
		const c = new TestClient(server, { docName: name });
		await settle([c]);
		for (let i = 0; i < 12; i++) {
			c.doc.transact(() => {
				c.doc.getText('t').insert(0, `${i},`);
				if (i % 3 === 0) c.doc.getText('t').delete(0, 1); // deletions too, one update per round
			});
			await server.flush(name);
		}
		expect(storage.compactions.map((x) => x.uptoSeq)).toEqual([5, 10]);
		expect(storage.compactViolations).toEqual([]);
		expect(memory.rows(name)).toHaveLength(12); // history keeps its attribution
		expect(memory.snapshots(name).map((s) => s.uptoSeq)).toEqual([10]); // older snapshot replaced
		const loaded = await memory.load(name);
		expect(loaded.lastSeq).toBe(12);
		expect(textOf(loaded.state)).toBe(server.getDoc(name)!.getText('t').toString());

		// [C3] A cold start loads from the snapshot plus the rows after it.
		await server.shutdown();
		const again = new SyncServer({ storage: memory, logger: silentLogger });
		const d = new TestClient(again, { docName: name });
		await settle([d]);
		expect(d.text()).toBe(c.text());
		await again.shutdown();
	});

	it('[C1] counts log rows (what a load replays), not updates: a batch of one author\'s updates counts once', async () => {
		const { memory, storage, server, name, c } = await heldBatch({ compactEvery: 3 }, 'bcdefg'); // six updates, one row
		expect(memory.rows(name)).toHaveLength(2);
		expect(storage.compactions).toEqual([]); // 7 updates, but only 2 rows to replay
		c.doc.getText('t').insert(0, '>');
		await server.flush(name);
		expect(storage.compactions.map((x) => x.uptoSeq)).toEqual([3]);
		expect(textOf(storage.compactions[0]!.state)).toBe('>abcdefg');
		expect(storage.compactViolations).toEqual([]);
		await server.shutdown();
	});

	it('[C1] also snapshots every compactUpdates updates, however few rows hold them', async () => {
		const { memory, storage, server, name } = await heldBatch({ compactEvery: 100, compactUpdates: 6 }, 'bcdef'); // 6 updates so far
		expect(memory.rows(name)).toHaveLength(2);
		expect(storage.compactions.map((x) => x.uptoSeq)).toEqual([2]);
		expect(textOf(storage.compactions[0]!.state)).toBe('abcdef');
		expect(storage.compactViolations).toEqual([]);
		await server.shutdown();
	});

	it('[C2] a snapshot holds only committed updates, even when more arrived during the commit', async () => {
		const memory = new MemoryStorage();
		const storage = new ControlledStorage(memory);
		const server = new SyncServer({ storage, logger: silentLogger, commitDelayMs: 0, compactEvery: 1 });
		const name = docName();
		const c = new TestClient(server, { docName: name });
		await settle([c]);
		storage.holdAppends();
		c.doc.getText('t').insert(0, 'committed');
		await until(() => storage.appendsWaiting === 1, 'append in flight');
		c.doc.getText('t').insert(0, 'pending ');
		storage.releaseAppends();
		await server.flush(name);
		expect(storage.compactions[0]).toMatchObject({ docName: name, uptoSeq: 1 });
		expect(textOf(storage.compactions[0]!.state)).toBe('committed'); // not 'pending committed'
		expect(storage.compactViolations).toEqual([]);
		expect(textOf((await memory.load(name)).state)).toBe('pending committed');
		await server.shutdown();
	});

	it('[C2] a room that never goes idle is compacted from the doc encoded at the cut, without reloading from storage', async () => {
		const memory = new MemoryStorage();
		const storage = new ControlledStorage(memory);
		const server = new SyncServer({ storage, logger: silentLogger, commitDelayMs: 0, compactEvery: 2 });
		const name = docName();
		const c = new TestClient(server, { docName: name });
		await settle([c]);
		const loadsBefore = storage.loads;
		storage.holdAppends();
		c.doc.getText('t').insert(0, 'a');
		await until(() => storage.appendsWaiting === 1, 'first append in flight');
		c.doc.getText('t').insert(1, 'b'); // pending while the first batch commits: the room is never idle
		c.doc.getText('t').insert(2, 'c');
		storage.releaseAppends();
		await server.flush(name);
		expect(storage.loads).toBe(loadsBefore); // no rebuild from storage
		expect(storage.compactions).toHaveLength(1);
		expect(storage.compactions[0]).toMatchObject({ docName: name, uptoSeq: 2 });
		expect(textOf(storage.compactions[0]!.state)).toBe('abc');
		expect(storage.compactViolations).toEqual([]);
		await server.shutdown();
	});

	it('[C2] a batch that fails to commit writes no snapshot; the retried batch does', async () => {
		const memory = new MemoryStorage();
		const storage = new ControlledStorage(memory);
		const server = new SyncServer({ storage, logger: silentLogger, commitDelayMs: 0, compactEvery: 1, retryBaseMs: 1, retryMaxMs: 5 });
		const name = docName();
		const c = new TestClient(server, { docName: name });
		await settle([c]);
		storage.failAppends = 1;
		c.doc.getText('t').insert(0, 'x');
		await server.flush(name);
		expect(storage.compactions.map((x) => x.uptoSeq)).toEqual([1]);
		expect(textOf(storage.compactions[0]!.state)).toBe('x');
		expect(storage.compactViolations).toEqual([]);
		await server.shutdown();
	});
});

/**
 * One client writes 'a' (its append held in flight), then each of `chars` as its own update appended
 * to the text: they wait as one batch, so one log row. Returns once everything is committed.
 */
async function heldBatch(opts: { compactEvery: number; compactUpdates?: number }, chars: string) {
	const memory = new MemoryStorage();
	const storage = new ControlledStorage(memory);
	const server = new SyncServer({ storage, logger: silentLogger, commitDelayMs: 0, ...opts });
	const name = docName();
	const c = new TestClient(server, { docName: name });
	await settle([c]);
	storage.holdAppends();
	const text = c.doc.getText('t');
	text.insert(0, 'a');
	await until(() => storage.appendsWaiting === 1, 'first append in flight');
	for (const ch of chars) text.insert(text.length, ch);
	storage.releaseAppends();
	await server.flush(name);
	return { memory, storage, server, name, c };
}
