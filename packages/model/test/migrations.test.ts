import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import {
	MIGRATIONS,
	MIGRATION_ORIGIN,
	MigrationError,
	aggregateItem,
	kvRead,
	kvWrite,
	latestVersion,
	migrate,
	pendingMigrations,
	publishAggregates,
	readMeta,
	readPublished,
	readReadiness,
	setReadiness,
	readResponses,
	readWorkspace,
	revertMigrations,
	setResponse,
	type DocKind,
	type Migration
} from '../src/index.ts';
import { paragraph, reopen, syncAll } from './helpers.ts';

describe('migrations', () => {
	it('stamps a fresh document of each kind with the v1 layout, once', () => {
		for (const kind of ['workspace', 'results', 'private'] as DocKind[]) {
			const doc = new Y.Doc();
			const origins: unknown[] = [];
			doc.on('update', (_u: Uint8Array, origin: unknown) => origins.push(origin));
			expect(readMeta(doc)).toEqual({ kind: null, schemaVersion: 0, applied: [] });
			const ids = MIGRATIONS[kind].map((m) => m.id);
			const latest = latestVersion(kind);
			expect(ids[0]).toBe(`${kind}/001-initial`);
			expect(migrate(doc, kind, { now: 5 })).toEqual({ from: 0, to: latest, applied: ids, status: 'upgraded' });
			expect(readMeta(reopen(doc))).toEqual({ kind, schemaVersion: latest, applied: [...ids].sort() });
			expect(origins).toEqual([MIGRATION_ORIGIN]);
			// idempotent: nothing pending, no update emitted
			expect(migrate(doc, kind)).toEqual({ from: latest, to: latest, applied: [], status: 'current' });
			expect(origins).toHaveLength(1);
			expect(pendingMigrations(doc, kind)).toEqual([]);
		}
	});

	it('facilitation v2 empties the published figures a facilitator could have forged (they move to the results document)', () => {
		const doc = new Y.Doc();
		migrate(doc, 'facilitation', { migrations: MIGRATIONS.facilitation.slice(0, 1) });
		publishAggregates(doc, { runId: 'T0', round: 1, items: [aggregateItem('D1.1', [{ score: 1 }, { score: 2 }, { score: 3 }])] });
		setReadiness(doc, { runId: 'T0', round: 1, ready: 3, total: 3 });
		expect(readPublished(doc, 'T0', 1)).toHaveLength(1);
		expect(migrate(doc, 'facilitation')).toMatchObject({ from: 1, to: 2, applied: ['facilitation/002-results-moved'], status: 'upgraded' });
		expect(readPublished(doc, 'T0', 1)).toEqual([]);
		expect(readReadiness(doc, 'T0', 1)).toBeNull();
		expect(migrate(doc, 'facilitation').status).toBe('current');
		// A fresh facilitation document gets both at once.
		expect(migrate(new Y.Doc(), 'facilitation').applied).toEqual(['facilitation/001-initial', 'facilitation/002-results-moved']);
	});

	it('opens a workspace written before this package (v0: only the "notes" fragment) and upgrades it', () => {
		// what the app wrote until now, as stored bytes
		const legacy = new Y.Doc();
		legacy.getXmlFragment('notes').insert(0, [paragraph('Acta de la primera sessió')]);
		const stored = Y.encodeStateAsUpdate(legacy);

		const doc = new Y.Doc();
		Y.applyUpdate(doc, stored);
		expect(readMeta(doc).schemaVersion).toBe(0);
		expect(migrate(doc, 'workspace').status).toBe('upgraded');
		expect(readMeta(doc)).toMatchObject({ kind: 'workspace', schemaVersion: latestVersion('workspace') });
		expect(readWorkspace(doc)).toEqual({ runs: [], notes: 'Acta de la primera sessió', itemNotes: {} });
	});

	// A later model change, as it would be written: id'd, set-style, reversible.
	const order: string[] = [];
	const v2: Migration = {
		id: 'private/002-dont-know-flag',
		kind: 'private',
		version: 2,
		description: 'v1 stored "don\'t know" as score 0; v2 uses dontKnow: true',
		up: (doc) => {
			order.push('up2');
			const arr = doc.getArray<unknown>('responses');
			const changes: [string, unknown][] = [];
			for (const [k, v] of kvRead(arr)) {
				const o = v as { score?: unknown };
				if (o && o.score === 0) changes.push([k, { ...o, score: null, dontKnow: true }]);
			}
			kvWrite(arr, changes, { now: 0 });
		},
		down: (doc) => {
			order.push('down2');
			const arr = doc.getArray<unknown>('responses');
			const changes: [string, unknown][] = [];
			for (const [k, v] of kvRead(arr)) {
				const o = v as { dontKnow?: unknown };
				if (o && o.dontKnow === true) changes.push([k, { ...o, score: 0, dontKnow: false }]);
			}
			kvWrite(arr, changes, { now: 0 });
		}
	};
	const v3: Migration = { id: 'private/003-noop', kind: 'private', version: 3, description: 'nothing', up: () => void order.push('up3'), down: () => void order.push('down3') };
	// The sequence as it stood at v1 (the shipped later private migrations are not part of this example).
	const v1Only = MIGRATIONS.private.slice(0, 1);
	const all = [...v1Only, v2, v3];

	function v1PrivateDoc(): Y.Doc {
		const doc = new Y.Doc();
		migrate(doc, 'private', { migrations: v1Only });
		kvWrite(doc.getArray('responses'), [
			['r1/1/D1.1', { score: 0, dontKnow: false }],
			['r1/1/D1.2', { score: 4, dontKnow: false }]
		]);
		return doc;
	}

	it('applies pending migrations in order, idempotently, and the old data reads correctly after', () => {
		order.length = 0;
		const doc = reopen(v1PrivateDoc());
		expect(readResponses(doc).map((r) => [r.itemKey, r.score, r.dontKnow])).toEqual([['D1.2', 4, false]]); // the v1 "0" is unreadable to v3 code
		expect(pendingMigrations(doc, 'private', all).map((m) => m.id)).toEqual(['private/002-dont-know-flag', 'private/003-noop']);
		expect(migrate(doc, 'private', { migrations: all })).toEqual({ from: 1, to: 3, applied: ['private/002-dont-know-flag', 'private/003-noop'], status: 'upgraded' });
		expect(order).toEqual(['up2', 'up3']);
		expect(readResponses(doc).map((r) => [r.itemKey, r.score, r.dontKnow])).toEqual([
			['D1.1', null, true],
			['D1.2', 4, false]
		]);
		expect(migrate(doc, 'private', { migrations: all }).status).toBe('current');
		expect(order).toEqual(['up2', 'up3']);
		// roll back to v1 for an older reader
		expect(revertMigrations(doc, 'private', { to: 1, migrations: all }).applied).toEqual(['private/003-noop', 'private/002-dont-know-flag']);
		expect(order).toEqual(['up2', 'up3', 'down3', 'down2']);
		expect(readMeta(doc)).toEqual({ kind: 'private', schemaVersion: 1, applied: ['private/001-initial'] });
		expect(kvRead(doc.getArray('responses')).get('r1/1/D1.1')).toEqual({ score: 0, dontKnow: false });
		expect(() => revertMigrations(doc, 'private', { to: 0, migrations: [{ ...MIGRATIONS.private[0]!, down: undefined }] })).toThrow(MigrationError);
	});

	it('two replicas migrating the same old document at once converge', () => {
		const base = v1PrivateDoc();
		const a = reopen(base);
		const b = reopen(base);
		migrate(a, 'private', { migrations: all, now: 1 });
		migrate(b, 'private', { migrations: all, now: 2 });
		syncAll(a, b);
		expect(readMeta(a)).toEqual(readMeta(b));
		expect(readMeta(a).schemaVersion).toBe(3);
		expect(readResponses(a)).toEqual(readResponses(b));
		expect(readResponses(a).find((r) => r.itemKey === 'D1.1')).toMatchObject({ score: null, dontKnow: true });
		// the next write cleans the duplicate the two migrations left
		setResponse(a, { runId: 'r1', round: 1, itemKey: 'D1.1' }, { importance: 2 });
		syncAll(a, b);
		expect(a.getArray('responses').length).toBe(2);
		expect(b.getArray('responses').length).toBe(2);
	});

	it('leaves a document from a newer model alone', () => {
		const doc = new Y.Doc();
		doc.getMap('meta').set('kind', 'facilitation');
		doc.getMap('meta').set('schemaVersion', 7);
		let updates = 0;
		doc.on('update', () => updates++);
		expect(migrate(doc, 'facilitation')).toEqual({ from: 7, to: 7, applied: [], status: 'newer' });
		expect(updates).toBe(0);
	});

	it('refuses the wrong kind and broken sequences', () => {
		const doc = new Y.Doc();
		migrate(doc, 'workspace');
		expect(() => migrate(doc, 'private')).toThrow(expect.objectContaining({ name: 'MigrationError', reason: 'wrong-kind' }));
		const m1 = MIGRATIONS.private[0]!;
		expect(() => migrate(new Y.Doc(), 'private', { migrations: [m1, { ...v2, version: 1 }] })).toThrow(/versions must increase/);
		expect(() => migrate(new Y.Doc(), 'private', { migrations: [m1, m1] })).toThrow(/duplicate migration id/);
		expect(() => migrate(new Y.Doc(), 'workspace', { migrations: [m1] })).toThrow(/is for private/);
	});
});
