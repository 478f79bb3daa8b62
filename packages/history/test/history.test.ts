import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import * as Y from 'yjs';
import { addAction, addCard, addCluster, addComment, addFollowUp, addHypothesis, addObjective, addStrategy, kvRead, kvWrite, migrate, MIGRATIONS, type Migration } from '@teixit/model';
import {
	attributeRows,
	BurstTracker,
	buildTimeline,
	checkpointsToPrune,
	compareDocs,
	docFromState,
	exportVersion,
	ImportError,
	materializeState,
	openVersion,
	parseExport,
	readSections,
	restoreInto,
	sectionLabel
} from '../src/index.ts';
import { apply, editArb, sync } from './edits.ts';

const RUNS = Number(process.env.HISTORY_PROP_RUNS ?? 150);

function para(doc: Y.Doc, text: string, section = 'notes') {
	const p = new Y.XmlElement('paragraph');
	p.insert(0, [new Y.XmlText(text)]);
	const f = doc.getXmlFragment(section);
	f.insert(f.length, [p]);
}

describe('history', () => {
	it('[H1] sections are every root but meta, found generically, with model labels where known', () => {
		const doc = new Y.Doc();
		migrate(doc, 'workspace');
		para(doc, 'Hola');
		doc.getMap('somethingNew').set('a', 1);
		kvWrite(doc.getArray('runs'), [['r1', { id: 'r1', label: 'T0' }]], { now: 1 });
		para(doc, 'nota', 'notes:r1:D1.2');
		const copy = docFromState(Y.encodeStateAsUpdate(doc)); // untyped roots, as a version opens
		const sections = readSections(copy);
		expect(sections.map((s) => [s.name, s.kind])).toEqual([
			['notes', 'xml'],
			['notes:r1:D1.2', 'xml'],
			['runs', 'kv'],
			['somethingNew', 'map']
		]);
		expect(sectionLabel('notes:r1:D1.2', 'ca', copy)).toBe('Notes · T0 · D1.2');
		expect(sectionLabel('notes', 'en')).toBe('Engagement notes');
		expect(sectionLabel('somethingNew', 'es')).toBe('somethingNew');
	});

	it('[H1] every root the plan and DAFO model write has a label of its own', () => {
		const doc = new Y.Doc();
		migrate(doc, 'workspace');
		const obj = addObjective(doc, { title: 'Guanyar licitacions', category: 'compra_publica' }, null);
		const act = addAction(doc, { title: 'Visitar la fira', ownerId: 'user000000000000001' }, null);
		addFollowUp(doc, { targetType: 'action', targetId: act, date: '2026-11-28', progressPct: 10, rag: 'green' }, null);
		addComment(doc, { targetType: 'objective', targetId: obj, text: 'I les escoles?' }, null);
		addHypothesis(doc, { statement: 'Creiem que les escoles compraran', type: 'desirability' }, null);
		addCard(doc, { id: 'cardf1', quadrant: 'F', text: 'Equip', createdAt: 1 });
		addCard(doc, { id: 'cardo1', quadrant: 'O', text: 'Licitacions', createdAt: 1 });
		addCluster(doc, { id: 'clus1', quadrant: 'F', title: 'Persones', createdAt: 1 });
		addStrategy(doc, { id: 'strat1', strategy: 'offensive', cards: ['cardf1', 'cardo1'], text: 'Junts', createdAt: 2 });
		const names = readSections(docFromState(Y.encodeStateAsUpdate(doc))).map((s) => s.name);
		expect(names.length).toBeGreaterThanOrEqual(10);
		for (const name of names) expect(sectionLabel(name, 'ca'), name).not.toBe(name);
	});

	it('[H4] compare reports text diffs, changed scores, added and removed entries, per section', () => {
		const a = new Y.Doc();
		para(a, 'Vendes baixes al mercat local');
		kvWrite(a.getArray('control'), [['agreed/r1/D1.1', { score: 2 }], ['agreed/r1/D1.2', { score: 3 }]], { now: 1 });
		a.getArray('history').push(['x']);
		const b = docFromState(Y.encodeStateAsUpdate(a));
		const t = b.getXmlFragment('notes').get(0) as Y.XmlElement;
		(t.get(0) as Y.XmlText).insert(6, 'molt ');
		kvWrite(b.getArray('control'), [['agreed/r1/D1.1', { score: 4 }], ['agreed/r1/D2.1', { score: 1 }]], { now: 2 });
		const diff = compareDocs(docFromState(Y.encodeStateAsUpdate(a)), docFromState(Y.encodeStateAsUpdate(b)));
		expect(diff.map((d) => d.name)).toEqual(['control', 'notes']);
		expect(diff[0]!.entries).toEqual([
			{ op: 'changed', key: 'agreed/r1/D1.1', before: { score: 2 }, after: { score: 4 } },
			{ op: 'added', key: 'agreed/r1/D2.1', after: { score: 1 } }
		]);
		expect(diff[1]!.text!.filter((p) => p.op === '+').map((p) => p.text).join('')).toContain('molt');
		expect(compareDocs(b, docFromState(Y.encodeStateAsUpdate(b)))).toEqual([]);
	});

	it('[H5] restore is a forward change: the log grows, nothing is rewound, other clients converge', () => {
		const live = new Y.Doc();
		para(live, 'primer');
		const v = Y.encodeStateAsUpdate(live);
		para(live, 'segon');
		live.getMap('dafo').set('s1', 'fort');
		const other = new Y.Doc();
		sync(live, other);
		const before = Y.encodeStateVector(live);
		const updates: Uint8Array[] = [];
		live.on('update', (u: Uint8Array) => updates.push(u));
		const changed = restoreInto(live, docFromState(v));
		expect(changed.sort()).toEqual(['dafo', 'notes']);
		expect(updates).toHaveLength(1); // one transaction
		// nothing is rewound: every change the doc had is still counted (a restore only adds or deletes)
		const after = Y.decodeStateVector(Y.encodeStateVector(live));
		for (const [client, clock] of Y.decodeStateVector(before)) expect(after.get(client)).toBeGreaterThanOrEqual(clock);
		expect(compareDocs(docFromState(v), live)).toEqual([]);
		Y.applyUpdate(other, updates[0]!);
		expect(compareDocs(docFromState(v), other)).toEqual([]);
		// restoring again changes nothing
		expect(restoreInto(live, docFromState(v))).toEqual([]);
	});

	it('[H5] restoring one section leaves the others as they are', () => {
		const live = new Y.Doc();
		para(live, 'primer');
		live.getMap('dafo').set('s1', 'a');
		const v = docFromState(Y.encodeStateAsUpdate(live));
		para(live, 'segon');
		live.getMap('dafo').set('s1', 'b');
		expect(restoreInto(live, v, { sections: ['dafo'] })).toEqual(['dafo']);
		const diff = compareDocs(v, live);
		expect(diff.map((d) => d.name)).toEqual(['notes']);
	});

	it('[H15] restore edits only what differs: typing at the same moment elsewhere in the section survives', () => {
		const server = new Y.Doc();
		para(server, 'primer paràgraf');
		para(server, 'segon paràgraf');
		server.getText('minutes').insert(0, 'acta: tot bé');
		kvWrite(server.getArray('control'), [['step', 1], ['agreed/r1/D1.1', { score: 2 }]], { now: 1 });
		const card = new Y.Map<unknown>();
		server.getMap('dafo').set('c1', card);
		card.set('text', new Y.Text('fort'));
		card.set('quadrant', 'F');
		const version = docFromState(Y.encodeStateAsUpdate(server));
		// Later edits that the restore takes back…
		((server.getXmlFragment('notes').get(1) as Y.XmlElement).get(0) as Y.XmlText).insert(0, 'ESBORRANY ');
		para(server, 'tercer paràgraf');
		server.getText('minutes').insert(server.getText('minutes').length, ' (pendent)');
		kvWrite(server.getArray('control'), [['step', 3]], { now: 2 });
		card.set('quadrant', 'D');
		// …while someone, in sync until now, types elsewhere in the same sections at the same moment.
		const anna = new Y.Doc();
		sync(server, anna);
		((anna.getXmlFragment('notes').get(0) as Y.XmlElement).get(0) as Y.XmlText).insert(0, 'Anna: ');
		anna.getText('minutes').insert(0, '[12/03] ');
		kvWrite(anna.getArray('control'), [['agreed/r1/D2.1', { score: 5 }]], { now: 3 });
		((anna.getMap('dafo').get('c1') as Y.Map<unknown>).get('text') as Y.Text).insert(4, ' i unit');

		const updates: Uint8Array[] = [];
		server.on('update', (u: Uint8Array) => updates.push(u));
		expect(restoreInto(server, version).sort()).toEqual(['control', 'dafo', 'minutes', 'notes']);
		// Nothing the version already had was rewritten: the restore is small, not a copy of the sections.
		expect(updates[0]!.length).toBeLessThan(Y.encodeStateAsUpdate(version).length);
		sync(server, anna);
		for (const d of [server, anna]) {
			const notes = d.getXmlFragment('notes').toArray().map((p) => ((p as Y.XmlElement).get(0) as Y.XmlText).toString());
			expect(notes).toEqual(['Anna: primer paràgraf', 'segon paràgraf']);
			expect(d.getText('minutes').toString()).toBe('[12/03] acta: tot bé');
			const control = kvRead(d.getArray('control'));
			expect(control.get('agreed/r1/D2.1')).toEqual({ score: 5 });
			const c1 = d.getMap('dafo').get('c1') as Y.Map<unknown>;
			expect(c1.get('quadrant')).toBe('F');
			expect((c1.get('text') as Y.Text).toString()).toBe('fort i unit');
		}
		// Without the concurrent typing, the restore leaves exactly the version.
		const alone = docFromState(Y.encodeStateAsUpdate(version));
		para(alone, 'més');
		restoreInto(alone, version);
		expect(compareDocs(version, alone)).toEqual([]);
	});

	it('[H6] property: after restore(v), compare(v, live) is empty, over random multi-client edits', () => {
		fc.assert(
			fc.property(fc.integer({ min: 2, max: 4 }), fc.array(editArb(4), { maxLength: 40 }), fc.array(editArb(4), { maxLength: 40 }), (n, before, after) => {
				const docs = Array.from({ length: n }, () => new Y.Doc());
				let now = 1;
				for (const e of before) apply(docs, { ...e, ...('client' in e ? { client: e.client % n } : { a: e.a % n, b: e.b % n }) } as typeof e, now++);
				for (let i = 1; i < n; i++) sync(docs[0]!, docs[i]!);
				const version = Y.encodeStateAsUpdate(docs[0]!);
				for (const e of after) apply(docs, { ...e, ...('client' in e ? { client: e.client % n } : { a: e.a % n, b: e.b % n }) } as typeof e, now++);
				for (let i = 1; i < n; i++) sync(docs[0]!, docs[i]!);
				// client 0 is the server's live doc; restore there, then everyone receives it
				restoreInto(docs[0]!, docFromState(version));
				expect(compareDocs(docFromState(version), docs[0]!)).toEqual([]);
				for (let i = 1; i < n; i++) sync(docs[0]!, docs[i]!);
				for (let i = 1; i < n; i++) expect(compareDocs(docFromState(version), docs[i]!)).toEqual([]);
			}),
			{ numRuns: RUNS }
		);
	});

	it('[H6] property: edits concurrent with a restore converge on every replica', () => {
		fc.assert(
			fc.property(fc.array(editArb(3), { maxLength: 30 }), fc.array(editArb(3), { maxLength: 15 }), (before, during) => {
				const docs = [new Y.Doc(), new Y.Doc(), new Y.Doc()];
				let now = 1;
				for (const e of before) apply(docs, e, now++);
				sync(docs[0]!, docs[1]!);
				sync(docs[0]!, docs[2]!);
				const version = docFromState(Y.encodeStateAsUpdate(docs[1]!));
				for (const e of during) if (e.t !== 'sync') apply(docs, { ...e, client: 1 + (e.client % 2) } as typeof e, now++);
				restoreInto(docs[0]!, version);
				sync(docs[0]!, docs[1]!);
				sync(docs[0]!, docs[2]!);
				sync(docs[0]!, docs[1]!);
				expect(compareDocs(docs[0]!, docs[1]!)).toEqual([]);
				expect(compareDocs(docs[0]!, docs[2]!)).toEqual([]);
			}),
			{ numRuns: RUNS }
		);
	});

	it('[H3] a version opens from a checkpoint plus log rows, equal to the state at that point', () => {
		const doc = new Y.Doc();
		const rows: Uint8Array[] = [];
		doc.on('update', (u: Uint8Array) => rows.push(u));
		for (let i = 0; i < 50; i++) para(doc, `p${i}`);
		const checkpoint = materializeState(null, rows.slice(0, 20));
		const at35 = materializeState(checkpoint, rows.slice(20, 35));
		const fromScratch = materializeState(null, rows.slice(0, 35));
		expect(compareDocs(docFromState(at35), docFromState(fromScratch))).toEqual([]);
		expect(readSections(docFromState(at35))[0]!.view).toMatchObject({ kind: 'xml', blocks: Array.from({ length: 35 }, (_, i) => `p${i}`) });
	});

	it('[H9] a version from before a doc-model migration opens migrated, and restoring it never touches meta', () => {
		const old = new Y.Doc();
		para(old, 'abans'); // a v0 document: no meta at all
		const v = Y.encodeStateAsUpdate(old);
		const extra: Migration = { id: 'workspace/999-test', kind: 'workspace', version: 99, description: 'test', up: (d) => d.getMap('added').set('x', 1) };
		const opened = openVersion(v, 'workspace');
		expect(opened.migration?.status).toBe('upgraded');
		const live = new Y.Doc();
		migrate(live, 'workspace', { migrations: [...MIGRATIONS.workspace, extra] });
		const metaBefore = live.getMap('meta').toJSON();
		restoreInto(live, opened.doc, { sections: ['notes'] });
		expect(live.getMap('meta').toJSON()).toEqual(metaBefore);
		expect(readSections(live).find((s) => s.name === 'notes')!.view).toMatchObject({ blocks: ['abans'] });
	});

	it('[H7] attribution: who touched which section, the server as system, never a person', () => {
		const doc = new Y.Doc();
		const base = Y.encodeStateAsUpdate(doc);
		const rows: { seq: number; update: Uint8Array; userId: string | null; at: number }[] = [];
		let who: string | null = 'anna';
		doc.on('update', (u: Uint8Array) => rows.push({ seq: rows.length + 1, update: u, userId: who, at: 0 }));
		para(doc, 'a');
		who = 'pau';
		doc.getMap('dafo').set('s', 1);
		para(doc, 'b');
		who = null;
		kvWrite(doc.getArray('published'), [['aggregate/r1/1/D1.1', { mean: 3 }]], { now: 1 });
		const { bySection } = attributeRows(base, rows);
		expect(Object.fromEntries([...bySection].map(([k, m]) => [k, Object.fromEntries(m)]))).toEqual({
			notes: { anna: 1, pau: 1 },
			dafo: { pau: 1 },
			published: { '': 1 }
		});
	});

	it('[H8] export → import round trip; damaged or foreign files are refused with a reason', () => {
		const doc = new Y.Doc();
		para(doc, 'còpia');
		const state = Y.encodeStateAsUpdate(doc);
		const ex = exportVersion({ docName: 'e1.workspace', seq: 7, kind: 'named', label: 'Pla aprovat', createdAt: new Date(0), state });
		const back = parseExport(JSON.parse(JSON.stringify(ex)));
		expect(back.label).toBe('Pla aprovat');
		expect(compareDocs(docFromState(back.state), doc)).toEqual([]);
		const reason = (f: () => unknown) => {
			try {
				f();
			} catch (e) {
				return (e as ImportError).reason;
			}
			return 'accepted';
		};
		expect(reason(() => parseExport({ hello: 1 }))).toBe('not-an-export');
		expect(reason(() => parseExport({ ...ex, version: 2 }))).toBe('unsupported-version');
		expect(reason(() => parseExport({ ...ex, sha256: '0'.repeat(64) }))).toBe('checksum');
		expect(reason(() => parseExport({ ...ex, seq: -1 }))).toBe('bad-field');
		const junk = new Uint8Array([1, 2, 3, 4, 5, 6, 7, 8, 9]);
		const bad = exportVersion({ docName: 'e1.workspace', seq: 1, kind: 'named', label: null, createdAt: new Date(0), state: junk });
		expect(reason(() => parseExport(bad))).toBe('bad-state');
	});

	it('[H2] retention prunes only automatic checkpoints: all recent, one per day, then one per week', () => {
		const now = new Date('2026-06-30T12:00:00Z');
		const h = 3600_000;
		const at = (hoursAgo: number) => new Date(now.getTime() - hoursAgo * h);
		const versions = [
			{ id: 'recent1', kind: 'auto', createdAt: at(1) },
			{ id: 'recent2', kind: 'auto', createdAt: at(2) },
			{ id: 'day5a', kind: 'auto', createdAt: at(24 * 5 + 1) },
			{ id: 'day5b', kind: 'auto', createdAt: at(24 * 5 + 3) },
			{ id: 'named-old', kind: 'named', createdAt: at(24 * 5 + 4) },
			{ id: 'session-old', kind: 'session', createdAt: at(24 * 5 + 5) },
			{ id: 'old1', kind: 'auto', createdAt: at(24 * 60) },
			{ id: 'old2', kind: 'auto', createdAt: at(24 * 60 + 1) }
		];
		expect(checkpointsToPrune(versions, now).sort()).toEqual(['day5b', 'old2']);
	});

	it('[H2] bursts: a checkpoint after M updates and Q ms of quiet, or at once after a long burst', () => {
		const t = new BurstTracker({ minUpdates: 5, quietMs: 1000, maxUpdates: 50 });
		t.record('d', 3, 0);
		expect(t.due(5000)).toEqual([]);
		t.record('d', 3, 100);
		expect(t.due(500)).toEqual([]);
		expect(t.due(1100)).toEqual(['d']);
		t.taken('d');
		t.record('d', 60, 2000);
		expect(t.due(2000)).toEqual(['d']);
	});

	it('[H10] timeline groups bursts by session and person; system activity has no person', () => {
		const m = (iso: string) => new Date(`2026-03-02T${iso}:00Z`);
		const groups = buildTimeline({
			activity: [
				{ at: m('10:00'), userId: 'anna', count: 5, firstSeq: 1, lastSeq: 5 },
				{ at: m('10:01'), userId: 'pau', count: 2, firstSeq: 6, lastSeq: 7 },
				{ at: m('10:02'), userId: null, count: 1, firstSeq: 8, lastSeq: 8 },
				{ at: m('15:00'), userId: 'anna', count: 1, firstSeq: 9, lastSeq: 9 }
			],
			versions: [{ id: 'v1', seq: 8, kind: 'session', label: null, authorId: 'anna', createdAt: m('10:30') }],
			sessions: [{ id: 's1', startedAt: m('09:55'), endedAt: m('10:30') }],
			now: m('16:00')
		});
		expect(groups).toHaveLength(2);
		expect(groups[1]!.session?.id).toBe('s1');
		expect(groups[1]!.bursts[0]!.people).toEqual([
			{ userId: 'anna', updates: 5 },
			{ userId: 'pau', updates: 2 },
			{ userId: null, updates: 1 }
		]);
		expect(groups[1]!.versions.map((v) => v.id)).toEqual(['v1']);
		expect(groups[0]!.session).toBeNull();
	});
});

describe('text diff', () => {
	it('[H4] word diffs survive long texts: prefix/suffix cut at word boundaries, bounded time', async () => {
		const { diffText } = await import('../src/diff.ts');
		const join = (parts: { op: string; text: string }[], keep: string) => parts.filter((p) => p.op === '=' || p.op === keep).map((p) => p.text).join('');
		fc.assert(
			fc.property(fc.string(), fc.string(), (a, b) => {
				const d = diffText(a, b);
				expect(join(d, '-')).toBe(a);
				expect(join(d, '+')).toBe(b);
			}),
			{ numRuns: RUNS }
		);
		expect(diffText('el gat negre', 'el gos negre')).toEqual([
			{ op: '=', text: 'el ' },
			{ op: '-', text: 'gat' },
			{ op: '+', text: 'gos' },
			{ op: '=', text: ' negre' }
		]);
		const big = Array.from({ length: 200_000 }, (_, i) => `w${i}`).join(' ');
		const other = Array.from({ length: 200_000 }, (_, i) => `z${i}`).join(' ');
		const t0 = performance.now();
		const d = diffText(big, `${big} ${other}`);
		const d2 = diffText(big, other);
		expect(performance.now() - t0).toBeLessThan(3000);
		expect(join(d, '+')).toBe(`${big} ${other}`);
		expect(join(d2, '-')).toBe(big);
	});
});
