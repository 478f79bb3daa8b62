// [D4] kill -9 under load loses no acknowledged update; unacknowledged ones are re-sent on reconnect.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import * as decoding from 'lib0/decoding';
import { messageDurableStateVector } from '@teixit/protocol';
import { createTestDatabaseUrl, usingPostgres } from '../utils/db.ts';
import { ApiClient } from '../utils/http.ts';
import { cliCreateUser, freePort, spawnServer, type DbEnv, type SpawnedServer } from '../utils/spawn.ts';
import { connect, synced, type Client } from '../utils/yclient.ts';
import { eventually } from '../utils/wait.ts';

const cleanup: (() => Promise<unknown> | void)[] = [];
afterAll(async () => {
	for (const c of cleanup.reverse()) await c();
});

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('[D4] durability across kill -9', () => {
	it('keeps every acknowledged update through three kills under load, and converges with nothing lost', { timeout: 240_000 }, async () => {
		let dbEnv: DbEnv;
		if (usingPostgres()) {
			const { url, drop } = await createTestDatabaseUrl();
			cleanup.push(drop);
			dbEnv = { DATABASE_URL: url };
		} else dbEnv = { DATA_DIR: mkdtempSync(join(tmpdir(), 'teixit-kill-')) };
		cliCreateUser(dbEnv, { email: 'k@example.org', name: 'K', password: 'kill-password', admin: true });

		const port = await freePort();
		let server: SpawnedServer = await spawnServer(dbEnv, { port });
		cleanup.push(() => server.kill('SIGKILL'));
		const api = new ApiClient(server.url);
		expect((await api.post('/api/v1/auth/login', { email: 'k@example.org', password: 'kill-password' })).status).toBe(204);
		const docName = (await api.post('/api/v1/engagements', { coopName: 'Durable' })).json.docName as string;

		// Writers push one item per transaction into their own array: their clock = items pushed.
		const writers: { c: Client; acked: number; pushed: number }[] = [];
		for (let i = 0; i < 3; i++) {
			const c = connect(server.wsUrl, docName, { cookie: api.cookie }, { acks: '1' });
			cleanup.push(() => c.destroy());
			const w = { c, acked: 0, pushed: 0 };
			c.provider.messageHandlers[messageDurableStateVector] = (_e, decoder) => {
				const sv = Y.decodeStateVector(decoding.readVarUint8Array(decoder));
				w.acked = Math.max(w.acked, sv.get(c.doc.clientID) ?? 0);
			};
			writers.push(w);
		}
		await Promise.all(writers.map((w) => synced(w.c)));
		let writing = true;
		const loops = writers.map(async (w, i) => {
			while (writing) {
				w.c.doc.getArray<number>(`log-${i}`).push([w.pushed++]);
				await sleep(3);
			}
		});

		for (let round = 0; round < 3; round++) {
			await sleep(700);
			const ackedAtKill = writers.map((w) => w.acked);
			expect(Math.min(...ackedAtKill), `round ${round}: writers got acks`).toBeGreaterThan(0);
			await server.kill('SIGKILL');
			// Restart where the writers cannot reach it yet, and read what was durably stored.
			const probe = await spawnServer(dbEnv);
			const reader = connect(probe.wsUrl, docName, { cookie: api.cookie });
			await synced(reader);
			writers.forEach((_, i) => {
				expect(reader.doc.getArray(`log-${i}`).length, `round ${round}, writer ${i}`).toBeGreaterThanOrEqual(ackedAtKill[i]!);
			});
			reader.destroy();
			await probe.kill('SIGTERM');
			// Back on the writers' port: they reconnect and re-send what was not stored.
			server = await spawnServer(dbEnv, { port });
		}
		writing = false;
		await Promise.all(loops);
		await eventually(() => writers.forEach((w) => expect(w.acked).toBe(w.pushed)), 30_000, 100);

		const finalReader = connect(server.wsUrl, docName, { cookie: api.cookie });
		cleanup.push(() => finalReader.destroy());
		await synced(finalReader);
		writers.forEach((w, i) => {
			const items = finalReader.doc.getArray<number>(`log-${i}`).toArray();
			expect(items.length).toBe(w.pushed);
			expect(items).toEqual([...Array(w.pushed).keys()]);
		});
		await server.kill('SIGTERM');
	});
});

describe('graceful shutdown', () => {
	it('on SIGTERM flushes, closes clients with the retryable server-restart code and exits 0', { timeout: 120_000 }, async () => {
		let dbEnv: DbEnv;
		if (usingPostgres()) {
			const { url, drop } = await createTestDatabaseUrl();
			cleanup.push(drop);
			dbEnv = { DATABASE_URL: url };
		} else dbEnv = { DATA_DIR: mkdtempSync(join(tmpdir(), 'teixit-term-')) };
		cliCreateUser(dbEnv, { email: 't@example.org', name: 'T', password: 'term-password', admin: true });
		const server = await spawnServer(dbEnv);
		cleanup.push(() => server.kill('SIGKILL'));
		const api = new ApiClient(server.url);
		await api.post('/api/v1/auth/login', { email: 't@example.org', password: 'term-password' });
		const docName = (await api.post('/api/v1/engagements', { coopName: 'Drain' })).json.docName as string;
		const c = connect(server.wsUrl, docName, { cookie: api.cookie }, { acks: '1' });
		cleanup.push(() => c.destroy());
		let acked = 0;
		c.provider.messageHandlers[messageDurableStateVector] = (_e, decoder) => {
			acked = Math.max(acked, Y.decodeStateVector(decoding.readVarUint8Array(decoder)).get(c.doc.clientID) ?? 0);
		};
		await synced(c);
		for (let i = 0; i < 200; i++) c.doc.getArray('a').push([i]);
		await eventually(() => expect(acked).toBe(200));
		c.provider.shouldConnect = false; // observe the close instead of reconnecting
		const code = await server.kill('SIGTERM');
		expect(code).toBe(0);
		expect(c.closes.map((x) => x.code)).toContain(4503);
		const again = await spawnServer(dbEnv);
		const reader = connect(again.wsUrl, docName, { cookie: api.cookie });
		await synced(reader);
		expect(reader.doc.getArray('a').length).toBe(200);
		reader.destroy();
		await again.kill('SIGTERM');
	});
});
