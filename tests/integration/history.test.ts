// Version history through the real server: roles, named versions, open/compare, restore as a live forward
// change, export/import, automatic checkpoints with retention, and no trace of private documents.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { docVersions } from '@teixit/db';
import { eq } from 'drizzle-orm';
import { kvWrite, resultsDocName } from '@teixit/model';
import { startApp, type TestApp } from '../utils/app.ts';
import { castOf, type Cast } from '../utils/people.ts';
import { connect, synced, type Client } from '../utils/yclient.ts';
import { eventually } from '../utils/wait.ts';

let t: TestApp;
let cast: Cast;
let E: string;
let H: string;
beforeAll(async () => {
	t = await startApp({ checkpointPolicy: { minUpdates: 3, quietMs: 150, maxUpdates: 1000 }, checkpointTickMs: 50 });
	cast = await castOf(t);
	E = cast.engagementId;
	H = `/api/v1/engagements/${E}/history`;
});
afterAll(async () => t?.close());

function para(doc: Y.Doc, text: string) {
	const p = new Y.XmlElement('paragraph');
	p.insert(0, [new Y.XmlText(text)]);
	const f = doc.getXmlFragment('notes');
	f.insert(f.length, [p]);
}
const notesText = (doc: Y.Doc) => doc.getXmlFragment('notes').toArray().map((p) => ((p as Y.XmlElement).get(0) as Y.XmlText).toString());
/** A history event stream opened with `client`'s cookie; `events` fills as they arrive. */
async function listen(client: Cast['member']) {
	const ctl = new AbortController();
	const res = await fetch(`${t.url}/api/v1/engagements/${E}/history/events`, { headers: { cookie: client.cookie ?? '', accept: 'text/event-stream' }, signal: ctl.signal });
	const events: { doc: string; change: string; kind: string | null }[] = [];
	const state = { ended: false };
	if (res.ok && res.body) {
		const reader = res.body.pipeThrough(new TextDecoderStream()).getReader();
		void (async () => {
			let buf = '';
			try {
				for (;;) {
					const { value, done } = await reader.read();
					if (done) {
						state.ended = true;
						return;
					}
					buf += value;
					let i: number;
					while ((i = buf.indexOf('\n\n')) >= 0) {
						const block = buf.slice(0, i);
						buf = buf.slice(i + 2);
						const data = /^data: (.*)$/m.exec(block)?.[1];
						if (/^event: history$/m.test(block) && data) events.push(JSON.parse(data));
					}
				}
			} catch {
				/* aborted */
			}
		})();
	}
	return { status: res.status, type: res.headers.get('content-type'), events, state, close: () => ctl.abort() };
}
const acked = (_c: Client) => eventually(async () => {
	await t.app.sync.flush(cast.docName);
	return true;
});

describe('history API', () => {
	let member: Client;
	let observer: Client;
	let named: { id: string };

	it('[H11] readers see the timeline; private documents and outsiders get 404; observers cannot name', async () => {
		member = connect(t.wsUrl, cast.docName, { cookie: cast.member.cookie });
		observer = connect(t.wsUrl, cast.docName, { cookie: cast.observer.cookie });
		await Promise.all([synced(member), synced(observer)]);
		para(member.doc, 'Diagnosi: vendes baixes');
		await acked(member);
		expect((await cast.observer.get(H + '/workspace')).status).toBe(200);
		expect((await cast.outsider.get(H + '/workspace')).status).toBe(404);
		expect((await cast.anonymous.get(H + '/workspace')).status).toBe(401);
		for (const doc of ['private', `private.${cast.ids.member}`, 'nonsense']) {
			const r = await cast.member.get(`${H}/${doc}`);
			expect(r.status).toBe(404);
			expect(r.json.error.code).toBe('not_found');
		}
		expect((await cast.observer.post(H + '/workspace/versions', { label: 'x' })).status).toBe(403);
		expect((await cast.member.post(H + '/facilitation/versions', { label: 'x' })).status).toBe(403); // members read the facilitation doc
		expect((await cast.member.post(H + '/workspace/versions', { label: '' })).status).toBe(400);
		const r = await cast.member.post(H + '/workspace/versions', { label: 'Autodiagnosi T0 tancada' });
		expect(r.status).toBe(201);
		expect(r.json).toMatchObject({ kind: 'named', label: 'Autodiagnosi T0 tancada', authorId: cast.ids.member });
		named = r.json;
	});

	it('[H3] opens a version read-only with its sections and labels', async () => {
		para(member.doc, 'Segona idea');
		await acked(member);
		const r = await cast.observer.get(`${H}/workspace/open?ref=${named.id}&locale=en`);
		expect(r.status).toBe(200);
		const notes = r.json.sections.find((s: { name: string }) => s.name === 'notes');
		expect(notes).toMatchObject({ label: 'Engagement notes', kind: 'xml', view: { blocks: ['Diagnosi: vendes baixes'] } });
		expect((await cast.observer.get(`${H}/workspace/open?ref=nope`)).status).toBe(404);
		expect((await cast.observer.get(`${H}/workspace/open?ref=seq:99999`)).status).toBe(404);
		expect((await cast.observer.get(`${H}/workspace/open?ref=a%20b`)).status).toBe(400);
	});

	it('[H4] compares two versions and says who changed what', async () => {
		const r = await cast.observer.get(`${H}/workspace/compare?from=${named.id}&to=live`);
		expect(r.status).toBe(200);
		expect(r.json.sections).toHaveLength(1);
		const s = r.json.sections[0];
		expect(s).toMatchObject({ name: 'notes', status: 'changed', authors: [{ userId: cast.ids.member, updates: 1 }] });
		expect(s.text.filter((p: { op: string }) => p.op === '+').map((p: { text: string }) => p.text).join('')).toContain('Segona idea');
		expect(r.json.people[cast.ids.member]).toBe('member');
	});

	it('[H5] restore is a forward change everyone connected receives, recorded in the timeline and audit', async () => {
		expect((await cast.observer.post(`${H}/workspace/versions/${named.id}/restore`, {})).status).toBe(403);
		const r = await cast.facilitator.post(`${H}/workspace/versions/${named.id}/restore`, {});
		expect(r.status).toBe(200);
		expect(r.json.changedSections).toEqual(['notes']);
		expect(r.json.restore).toMatchObject({ kind: 'restore', authorId: cast.ids.facilitator, restoredFrom: { id: named.id, label: 'Autodiagnosi T0 tancada' } });
		await eventually(() => expect(notesText(member.doc)).toEqual(['Diagnosi: vendes baixes']));
		await eventually(() => expect(notesText(observer.doc)).toEqual(['Diagnosi: vendes baixes']));
		const cmp = await cast.member.get(`${H}/workspace/compare?from=${named.id}&to=live`);
		expect(cmp.json.sections).toEqual([]);
		const tl = await cast.member.get(H + '/workspace');
		expect(tl.json.versions.map((v: { kind: string }) => v.kind)).toEqual(expect.arrayContaining(['named', 'restore']));
		// the newer state is not lost: the point before the restore still opens
		const before = tl.json.versions.find((v: { kind: string }) => v.kind === 'restore').seq - 1;
		const old = await cast.member.get(`${H}/workspace/open?ref=seq:${before}`);
		expect(old.json.sections[0].view.blocks).toEqual(['Diagnosi: vendes baixes', 'Segona idea']);
		const audit = await cast.facilitator.get(`/api/v1/engagements/${E}/audit`);
		expect(audit.status).toBe(200);
		expect(audit.json.entries.map((e: { action: string }) => e.action)).toEqual(expect.arrayContaining(['history.restore', 'history.name']));
		expect((await cast.member.get(`/api/v1/engagements/${E}/audit`)).status).toBe(403);
	});

	it('[H2] named versions are renamed, never deleted', async () => {
		const r = await cast.member.patch(`${H}/workspace/versions/${named.id}`, { label: 'Pla aprovat' });
		expect(r.status).toBe(200);
		expect(r.json.label).toBe('Pla aprovat');
		expect((await cast.facilitator.del(`${H}/workspace/versions/${named.id}`)).status).toBe(404);
		expect((await t.database.db.select().from(docVersions).where(eq(docVersions.id, named.id))).length).toBe(1);
	});

	it('[H8] export and re-import a version; a damaged file is refused with a clear error', async () => {
		const ex = await cast.observer.get(`${H}/workspace/versions/${named.id}/export`);
		expect(ex.status).toBe(200);
		expect(ex.json).toMatchObject({ format: 'teixit.version', version: 1, docName: cast.docName });
		const bad = await cast.member.post(`${H}/workspace/import`, { ...ex.json, sha256: 'f'.repeat(64) });
		expect(bad.status).toBe(400);
		expect(bad.json.error).toMatchObject({ code: 'invalid_input', details: { reason: 'checksum' } });
		expect((await cast.member.post(`${H}/facilitation/import`, ex.json)).status).toBe(403);
		const imp = await cast.member.post(`${H}/workspace/import`, ex.json);
		expect(imp.status).toBe(201);
		expect(imp.json).toMatchObject({ kind: 'imported', label: 'Pla aprovat' });
		const opened = await cast.member.get(`${H}/workspace/open?ref=${imp.json.id}`);
		expect(opened.json.sections[0].view.blocks).toEqual(['Diagnosi: vendes baixes']);
	});

	it('[H2] automatic checkpoints after a burst of activity', async () => {
		const before = (await cast.member.get(H + '/workspace')).json.versions.filter((v: { kind: string }) => v.kind === 'auto').length;
		for (let i = 0; i < 4; i++) para(member.doc, `ràfega ${i}`);
		await acked(member);
		await eventually(async () => {
			const tl = await cast.member.get(H + '/workspace');
			expect(tl.json.versions.filter((v: { kind: string }) => v.kind === 'auto').length).toBeGreaterThan(before);
		}, 5000);
	});

	it('[H7] server-published results stay anonymous in the facilitation timeline', async () => {
		await t.app.sync.change(`${E}.facilitation`, (d) => kvWrite(d.getArray('published'), [['aggregate/r1/1/D1.1', { mean: 3 }]], {}), { userId: null });
		const tl = await cast.member.get(H + '/facilitation');
		const people = tl.json.groups.flatMap((g: { bursts: { people: { userId: string | null }[] }[] }) => g.bursts.flatMap((b) => b.people));
		expect(people).toContainEqual(expect.objectContaining({ userId: null }));
		expect(people.every((p: { userId: string | null }) => p.userId === null)).toBe(true);
		member.destroy();
		observer.destroy();
	});
});

describe('history pages: live events, versions in their own views, restore records', () => {
	it('[H12] a version comes with the other shared document at that moment and the results; private documents never', async () => {
		const ws = connect(t.wsUrl, cast.docName, { cookie: cast.member.cookie });
		await synced(ws);
		para(ws.doc, 'Abans de la versió');
		await acked(ws);
		const v = (await cast.member.post(H + '/workspace/versions', { label: 'Per obrir' })).json;
		para(ws.doc, 'Després de la versió');
		await acked(ws);
		const r = await cast.observer.get(`${H}/workspace/snapshot?ref=${v.id}`);
		expect(r.status).toBe(200);
		expect(Object.keys(r.json.states).sort()).toEqual(['facilitation', 'results', 'workspace']);
		const doc = new Y.Doc();
		Y.applyUpdate(doc, Buffer.from(r.json.states.workspace, 'base64'));
		expect(notesText(doc)).toContain('Abans de la versió');
		expect(notesText(doc)).not.toContain('Després de la versió');
		expect(r.json).toMatchObject({ seq: v.seq, at: v.createdAt });
		// Figures the server publishes after the version are not part of it; the live view has them.
		const published = async (ref: string) => {
			const d = new Y.Doc();
			Y.applyUpdate(d, Buffer.from((await cast.observer.get(`${H}/workspace/snapshot?ref=${ref}`)).json.states.results, 'base64'));
			return d.getMap('probe').get('round');
		};
		await t.app.sync.change(resultsDocName(E), (d) => d.getMap('probe').set('round', 2));
		expect(await published('live')).toBe(2);
		expect(await published(v.id)).toBeUndefined();
		expect((await cast.outsider.get(`${H}/workspace/snapshot?ref=${v.id}`)).status).toBe(404);
		expect((await cast.member.get(`${H}/private/snapshot?ref=live`)).status).toBe(404);
		expect((await cast.member.get(`${H}/private.${cast.ids.member}/snapshot?ref=live`)).status).toBe(404);
		ws.destroy();
	});

	it('[H13] the history pages hear at once when a version is named or restored; outsiders and private documents hear nothing', async () => {
		expect((await listen(cast.outsider)).status).toBe(404);
		expect((await listen(cast.anonymous)).status).toBe(401);
		const obs = await listen(cast.observer);
		expect(obs.status).toBe(200);
		expect(obs.type).toMatch(/^text\/event-stream/);
		const v = (await cast.member.post(H + '/workspace/versions', { label: 'En directe' })).json;
		await eventually(() => expect(obs.events).toContainEqual({ doc: 'workspace', change: 'written', kind: 'named' }));
		await cast.facilitator.post(`${H}/workspace/versions/${v.id}/restore`, {});
		await eventually(() => expect(obs.events).toContainEqual({ doc: 'workspace', change: 'written', kind: 'restore' }));
		await eventually(() => expect(obs.events).toContainEqual({ doc: 'workspace', change: 'audited', kind: 'history.restore' }));
		// A version of a private document (none are ever taken; forced here) reaches nobody.
		const n = obs.events.length;
		await t.app.history.checkpoint({ docName: `${E}.private.${cast.ids.member}`, kind: 'auto', label: null, authorId: null });
		await cast.member.post(H + '/workspace/versions', { label: 'Marcador' });
		// Only the marker's own events arrive: the version, then its audit row (the audit page refreshes on it).
		// An automatic checkpoint of the workspace may land meanwhile: this test's restore and the earlier
		// tests' edits can make a burst due (policy above: 3 updates, 150 ms quiet) at any moment.
		await eventually(() => expect(obs.events.slice(n).filter((e) => !(e.doc === 'workspace' && e.kind === 'auto'))).toEqual([
			{ doc: 'workspace', change: 'written', kind: 'named' },
			{ doc: 'workspace', change: 'audited', kind: 'history.name' }
		]));
		expect(obs.events.every((e) => e.doc === 'workspace' || e.doc === 'facilitation')).toBe(true);
		obs.close();
	});

	it('[H14] a restore record names what it restored even after retention dropped that checkpoint', async () => {
		const ws = connect(t.wsUrl, cast.docName, { cookie: cast.member.cookie });
		await synced(ws);
		para(ws.doc, 'Checkpoint automàtic');
		await acked(ws);
		const [auto] = await t.database.db
			.insert(docVersions)
			.values({ id: 'autoretention01', docName: cast.docName, seq: (await cast.member.get(H + '/workspace')).json.lastSeq, kind: 'auto', label: null, authorId: null, state: Y.encodeStateAsUpdate(ws.doc) })
			.returning();
		const r = await cast.facilitator.post(`${H}/workspace/versions/${auto!.id}/restore`, {});
		expect(r.status).toBe(200);
		await t.database.db.delete(docVersions).where(eq(docVersions.id, auto!.id));
		const tl = await cast.member.get(H + '/workspace');
		const rec = tl.json.versions.find((v: { id: string }) => v.id === r.json.restore.id);
		expect(rec.restoredFrom).toEqual({ id: auto!.id, label: null, kind: 'auto', createdAt: auto!.createdAt.toISOString() });
		const audit = await cast.facilitator.get(`/api/v1/engagements/${E}/audit`);
		const entry = audit.json.entries.find((e: { action: string; detail: { restoreId?: string } }) => e.action === 'history.restore' && e.detail.restoreId === r.json.restore.id);
		expect(entry.detail).toMatchObject({ versionId: auto!.id, versionKind: 'auto', versionAt: auto!.createdAt.toISOString() });
		ws.destroy();
	});

	it('[H11] only facilitators read the audit: members and observers are refused, outsiders get 404', async () => {
		expect((await cast.facilitator.get(`/api/v1/engagements/${E}/audit`)).status).toBe(200);
		expect((await cast.member.get(`/api/v1/engagements/${E}/audit`)).status).toBe(403);
		expect((await cast.observer.get(`/api/v1/engagements/${E}/audit`)).status).toBe(403);
		expect((await cast.outsider.get(`/api/v1/engagements/${E}/audit`)).status).toBe(404);
	});

	it('[H13] someone removed from the engagement hears no more: their stream ends', async () => {
		const obs = await listen(cast.observer);
		expect(obs.status).toBe(200);
		expect((await cast.facilitator.del(`/api/v1/engagements/${E}/members/${cast.ids.observer}`)).status).toBeLessThan(300);
		await cast.member.post(H + '/workspace/versions', { label: 'Després de la baixa' });
		await eventually(() => expect(obs.state.ended).toBe(true));
		expect(obs.events).toEqual([]);
		expect((await listen(cast.observer)).status).toBe(404);
	});
});
