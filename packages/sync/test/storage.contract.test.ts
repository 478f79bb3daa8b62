// One contract, every backend: MemoryStorage, DrizzleStorage on in-memory PGlite, and DrizzleStorage on
// real PostgreSQL when TEST_DATABASE_URL is set (doc names are unique per run, so runs may share it).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { and, asc, eq } from 'drizzle-orm';
import { docUpdates, openDatabase, type Database } from '@teixit/db';
import { DrizzleStorage, MemoryStorage, SeqConflictError, SyncServer, type DocStorage, type StorageEntry } from '../src/index.ts';
import { TestClient, docName, settle, silentLogger, textOf, until } from './helpers.ts';

interface Backend {
	storage: DocStorage;
	rows(docName: string): Promise<{ seq: number; userId: string | null; connectionId: string | null }[]>;
	/** How many appends so far fell back to one transaction each (DrizzleStorage's isolation path). */
	isolated(): number;
	close(): Promise<void>;
}

function textUpdate(text: string, base?: Y.Doc): { doc: Y.Doc; update: Uint8Array } {
	const doc = base ?? new Y.Doc();
	const before = Y.encodeStateVector(doc);
	doc.getText('t').insert(doc.getText('t').length, text);
	return { doc, update: Y.encodeStateAsUpdate(doc, before) };
}

const entry = (update: Uint8Array, userId: string | null = 'u1', connectionId: string | null = 'c1'): StorageEntry => ({
	update,
	userId,
	connectionId
});

function drizzleBackend(database: Database): Backend {
	// Only the fallback uses db.transaction: a coalesced statement that always failed would still pass
	// every other assertion here, one append at a time.
	let isolated = 0;
	const transaction = database.db.transaction.bind(database.db);
	database.db.transaction = ((...args: Parameters<typeof transaction>) => (isolated++, transaction(...args))) as typeof transaction;
	return {
		storage: new DrizzleStorage(database.db),
		isolated: () => isolated,
		async rows(name) {
			return database.db
				.select({ seq: docUpdates.seq, userId: docUpdates.userId, connectionId: docUpdates.connectionId })
				.from(docUpdates)
				.where(and(eq(docUpdates.docName, name)))
				.orderBy(asc(docUpdates.seq));
		},
		close: () => database.close()
	};
}

function contract(label: string, make: () => Promise<Backend>) {
	describe(`storage contract: ${label}`, () => {
		let backend: Backend;
		beforeAll(async () => {
			backend = await make();
		});
		afterAll(async () => {
			await backend?.close();
		});

		it('[S1] a document never written loads as null at seq 0', async () => {
			const loaded = await backend.storage.load(docName());
			expect(loaded.state).toBeNull();
			expect(loaded.lastSeq).toBe(0);
			expect(loaded.parts ?? []).toEqual([]);
		});

		it('[S2] [S6] append then load returns the merge of all rows and the last seq', async () => {
			const name = docName();
			const one = textUpdate('hello');
			const two = textUpdate(' world', one.doc);
			await backend.storage.append(name, 1, [entry(one.update)]);
			await backend.storage.append(name, 2, [entry(two.update, 'u2', 'c2'), entry(textUpdate('!', one.doc).update, null, null)]);
			const loaded = await backend.storage.load(name);
			expect(loaded.lastSeq).toBe(3);
			expect(textOf(loaded.state)).toBe('hello world!');
			// [S6] attribution is kept per row
			expect(await backend.rows(name)).toEqual([
				{ seq: 1, userId: 'u1', connectionId: 'c1' },
				{ seq: 2, userId: 'u2', connectionId: 'c2' },
				{ seq: 3, userId: null, connectionId: null }
			]);
		});

		it('[S2] [S6] appends to many documents at once keep every byte and author, whatever the names', async () => {
			// Same tick: DrizzleStorage writes these as one statement (arrays + one buffer cut by offset).
			const names = ['a,b', 'q"uote', '{brace}', 'back\\slash', 'NULL', 'ünï €', ' spaced '].map((n) => `${docName()}/${n}`);
			const updates = names.map((n, i) => [textUpdate(`${n}#1`).update, new Uint8Array(Array.from({ length: 256 + i }, (_, b) => b % 256))]);
			const authors: [string | null, string | null][] = [['NULL', 'c,1'], [null, '{x}'], ['u"1', null], ['', 'NULL']];
			const isolated = backend.isolated();
			await Promise.all(
				names.map((n, i) =>
					backend.storage.append(
						n,
						1,
						updates[i]!.map((u, j) => entry(u, ...authors[(i + j) % authors.length]!))
					)
				)
			);
			expect(backend.isolated()).toBe(isolated);
			for (const [i, n] of names.entries()) {
				expect((await backend.rows(n)).map((r) => [r.userId, r.connectionId])).toEqual([authors[i % authors.length], authors[(i + 1) % authors.length]]);
				// the second "update" is raw bytes: load must hand back exactly what was appended
				const loaded = await backend.storage.load(n);
				expect(loaded.lastSeq).toBe(2);
				expect(loaded.parts?.map((p) => [...p])).toEqual(updates[i]!.map((u) => [...u]));
			}
		});

		it('[S3] an append at a taken sequence fails with SeqConflictError and writes nothing', async () => {
			const name = docName();
			const a = textUpdate('a');
			await backend.storage.append(name, 1, [entry(a.update)]);
			const b = textUpdate('b', a.doc);
			await expect(backend.storage.append(name, 1, [entry(b.update), entry(b.update)])).rejects.toBeInstanceOf(SeqConflictError);
			// a gap is refused too: sequences stay contiguous
			await expect(backend.storage.append(name, 3, [entry(b.update)])).rejects.toBeInstanceOf(SeqConflictError);
			expect((await backend.rows(name)).map((r) => r.seq)).toEqual([1]);
			expect(textOf((await backend.storage.load(name)).state)).toBe('a');
		});

		it('[S3] in one batch, a conflicting append fails alone and the others are written', async () => {
			const [taken, fresh, later] = [docName(), docName(), docName()];
			await backend.storage.append(taken, 1, [entry(textUpdate('t').update)]);
			await backend.storage.append(later, 1, [entry(textUpdate('l').update)]);
			// Same tick: DrizzleStorage puts all three in one statement, which checks each document's seq.
			const isolated = backend.isolated();
			const results = await Promise.allSettled([
				backend.storage.append(fresh, 1, [entry(textUpdate('f').update, 'uf', 'cf')]),
				backend.storage.append(taken, 1, [entry(textUpdate('x').update)]),
				backend.storage.append(later, 2, [entry(textUpdate('m').update, null, 'cm'), entry(textUpdate('n').update, 'un', null)])
			]);
			expect(results.map((r) => r.status)).toEqual(['fulfilled', 'rejected', 'fulfilled']);
			expect(backend.isolated()).toBe(isolated);
			expect((results[1] as PromiseRejectedResult).reason).toBeInstanceOf(SeqConflictError);
			expect(await backend.rows(fresh)).toEqual([{ seq: 1, userId: 'uf', connectionId: 'cf' }]);
			expect((await backend.rows(taken)).map((r) => r.seq)).toEqual([1]);
			expect(await backend.rows(later)).toEqual([
				{ seq: 1, userId: 'u1', connectionId: 'c1' },
				{ seq: 2, userId: null, connectionId: 'cm' },
				{ seq: 3, userId: 'un', connectionId: null }
			]);
		});

		it('[S3] of two concurrent appends at the same sequence exactly one wins', async () => {
			const name = docName();
			const results = await Promise.allSettled([
				backend.storage.append(name, 1, [entry(textUpdate('x').update, 'x')]),
				backend.storage.append(name, 1, [entry(textUpdate('y').update, 'y')])
			]);
			expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
			const rejected = results.find((r) => r.status === 'rejected') as PromiseRejectedResult;
			expect(rejected.reason).toBeInstanceOf(SeqConflictError);
			expect(await backend.rows(name)).toHaveLength(1);
		});

		it('[S4] compact writes a snapshot, keeps the log, and load = snapshot + later rows', async () => {
			const name = docName();
			const doc = new Y.Doc();
			const updates: Uint8Array[] = [];
			for (let i = 1; i <= 4; i++) {
				updates.push(textUpdate(String(i), doc).update);
				await backend.storage.append(name, i, [entry(updates.at(-1)!)]);
			}
			await backend.storage.compact(name, 3, Y.mergeUpdates(updates.slice(0, 3)));
			await backend.storage.append(name, 5, [entry(textUpdate('5', doc).update)]);
			const loaded = await backend.storage.load(name);
			expect(loaded.lastSeq).toBe(5);
			expect(textOf(loaded.state)).toBe('12345');
			// The unmerged parts a room applies: the snapshot, then only the rows after it.
			expect(loaded.parts?.length).toBe(3); // snapshot (seq 1-3), rows 4 and 5
			expect(textOf(Y.mergeUpdates(loaded.parts!))).toBe('12345');
			expect((await backend.rows(name)).map((r) => r.seq)).toEqual([1, 2, 3, 4, 5]);
			// A newer snapshot replaces the old one; compacting the same seq twice is harmless.
			await backend.storage.compact(name, 5, Y.encodeStateAsUpdate(doc));
			await backend.storage.compact(name, 5, Y.encodeStateAsUpdate(doc));
			expect(textOf((await backend.storage.load(name)).state)).toBe('12345');
		});

		it('[S4] load really uses the snapshot (rows before it are not re-read)', async () => {
			const name = docName();
			await backend.storage.append(name, 1, [entry(textUpdate('log').update)]);
			// A snapshot that differs from the log proves which one load() used.
			await backend.storage.compact(name, 1, textUpdate('snapshot').update);
			expect(textOf((await backend.storage.load(name)).state)).toBe('snapshot');
		});

		it('[S5] documents are isolated', async () => {
			const x = docName();
			const y = docName();
			await backend.storage.append(x, 1, [entry(textUpdate('x').update)]);
			await backend.storage.append(y, 1, [entry(textUpdate('y').update)]);
			await backend.storage.compact(x, 1, textUpdate('X').update);
			expect(textOf((await backend.storage.load(y)).state)).toBe('y');
			expect((await backend.storage.load(y)).lastSeq).toBe(1);
		});

		it('[S7] end to end: a server persists through it and a new server loads the same state', async () => {
			const name = docName();
			const one = new SyncServer({ storage: backend.storage, logger: silentLogger, commitDelayMs: 1, compactEvery: 10 });
			const a = new TestClient(one, { docName: name, acks: true, userId: 'ann' });
			const b = new TestClient(one, { docName: name, userId: 'bob' });
			await until(() => (a.deliver(), b.deliver(), a.synced && b.synced), 'synced');
			for (let i = 0; i < 25; i++) {
				(i % 2 ? a : b).doc.getText('t').insert(0, `${i} `);
				if (i % 5 === 0) await settle([a, b]);
			}
			await settle([a, b]);
			await one.flush();
			await settle([a, b]);
			expect(a.saved()).toBe(true);
			await one.shutdown();
			const rows = await backend.rows(name);
			expect(rows.map((r) => r.seq)).toEqual(rows.map((_, i) => i + 1));
			expect(new Set(rows.map((r) => r.userId))).toEqual(new Set(['ann', 'bob']));

			const two = new SyncServer({ storage: backend.storage, logger: silentLogger });
			const c = new TestClient(two, { docName: name });
			await until(() => (c.deliver(), c.synced), 'synced');
			expect(c.text()).toBe(a.text());
			await two.shutdown();
		});
	});
}

contract('MemoryStorage', async () => {
	const memory = new MemoryStorage();
	return {
		storage: memory,
		isolated: () => 0,
		rows: async (name) => memory.rows(name).map(({ seq, userId, connectionId }) => ({ seq, userId, connectionId })),
		close: async () => {}
	};
});

contract('DrizzleStorage on PGlite', async () => drizzleBackend(await openDatabase()));

const url = process.env.TEST_DATABASE_URL;
if (url) contract('DrizzleStorage on PostgreSQL', async () => drizzleBackend(await openDatabase({ url, max: 4 })));
else it.skip('storage contract: DrizzleStorage on PostgreSQL (set TEST_DATABASE_URL)', () => {});
