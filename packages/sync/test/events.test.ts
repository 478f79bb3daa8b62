import { describe, expect, it } from 'vitest';
import { CloseCodes } from '@teixit/protocol';
import { MemoryStorage, SyncServer, type SyncEvents } from '../src/index.ts';
import { TestClient, docName, settle, silentLogger, until } from './helpers.ts';

describe('metrics events and stats', () => {
	it('[M1] reports load, commit (rows and updates), ack, compact, close and unload; stats gauges follow', async () => {
		const server = new SyncServer({ storage: new MemoryStorage(), logger: silentLogger, commitDelayMs: 0, compactEvery: 2, unloadGraceMs: 1 }); // two authors: at least two rows
		const seen: { [K in keyof SyncEvents]?: SyncEvents[K][] } = {};
		const record = <K extends keyof SyncEvents>(k: K) => server.on(k, (e) => ((seen[k] ??= []) as SyncEvents[K][]).push(e));
		for (const k of ['load', 'commit', 'ack', 'compact', 'close', 'unload', 'error'] as const) record(k);

		const name = docName();
		const a = new TestClient(server, { docName: name, acks: true });
		const b = new TestClient(server, { docName: name });
		await settle([a, b]);
		expect(server.stats()).toMatchObject({ connections: 2, documents: 1 });
		a.doc.transact(() => a.doc.getText('t').insert(0, 'x'));
		a.doc.getText('t').insert(0, 'y');
		b.doc.getText('t').insert(0, 'z');
		await server.flush();
		await settle([a, b]);

		expect(seen.load).toHaveLength(1);
		const rows = seen.commit!.reduce((n, e) => n + e.count, 0);
		const updates = seen.commit!.reduce((n, e) => n + e.updates, 0);
		expect(updates).toBe(3);
		expect(rows).toBeLessThanOrEqual(updates);
		expect(server.stats().updatesTotal).toBe(3);
		expect(server.stats().commitsTotal).toBe(seen.commit!.length);
		expect(seen.ack!.length).toBeGreaterThan(0);
		expect(seen.ack!.every((e) => e.connections === 1 && e.ms >= 0)).toBe(true);
		await until(() => (seen.compact?.length ?? 0) === 1, 'compact');

		server.closeWhere(() => true, CloseCodes.Forbidden);
		expect(seen.close!.map((e) => e.code)).toEqual([CloseCodes.Forbidden.code, CloseCodes.Forbidden.code]);
		expect(server.stats().closesTotal).toEqual({ forbidden: 2 });
		await until(() => (seen.unload?.length ?? 0) === 1, 'unload');
		expect(server.stats()).toMatchObject({ connections: 0, documents: 0, pendingUpdates: 0 });
		expect(seen.error).toBeUndefined();
		await server.shutdown();
	});
});
