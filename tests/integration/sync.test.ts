// The sync path end to end: the stock y-websocket client against our Fastify server and database.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import * as decoding from 'lib0/decoding';
import { docUpdates } from '@teixit/db';
import { eq } from 'drizzle-orm';
import { messageDurableStateVector } from '@teixit/protocol';
import { startApp, type TestApp } from '../utils/app.ts';
import { castOf, type Cast } from '../utils/people.ts';
import { connect, synced, type Client } from '../utils/yclient.ts';
import { eventually } from '../utils/wait.ts';

let t: TestApp;
let cast: Cast;
let restartedOn: TestApp['database'] | undefined;
const clients: Client[] = [];
const open = (...args: Parameters<typeof connect>) => {
	const c = connect(...args);
	clients.push(c);
	return c;
};

beforeAll(async () => {
	t = await startApp();
	cast = await castOf(t);
});
afterAll(async () => {
	for (const c of clients) c.destroy();
	await t?.close();
	if (restartedOn) await restartedOn.dispose();
});

describe('wire compatibility with the stock y-websocket client', () => {
	it('syncs text, maps and arrays both ways, and awareness', async () => {
		const a = open(t.wsUrl, cast.docName, { cookie: cast.facilitator.cookie });
		const b = open(t.wsUrl, cast.docName, { cookie: cast.member.cookie });
		await Promise.all([synced(a), synced(b)]);
		a.doc.getText('notes').insert(0, 'Hola equip');
		b.doc.getMap('meta').set('phase', 'autodiagnosi');
		b.doc.getArray<string>('list').push(['D1', 'D2']);
		await eventually(() => {
			expect(b.doc.getText('notes').toString()).toBe('Hola equip');
			expect(a.doc.getMap('meta').get('phase')).toBe('autodiagnosi');
			expect(a.doc.getArray('list').toArray()).toEqual(['D1', 'D2']);
		});
		a.provider.awareness.setLocalStateField('user', { name: 'Fàtima' });
		await eventually(() => expect([...b.provider.awareness.getStates().values()].map((s) => s.user?.name)).toContain('Fàtima'));
	});

	it('persists every accepted update with attribution, and serves it to a new client after a restart', async () => {
		await eventually(async () => {
			// Client rows carry user and connection; server changes (doc-model migration) carry neither.
			const rows = (await t.database.db.select().from(docUpdates).where(eq(docUpdates.docName, cast.docName))).filter((r) => r.userId !== null);
			expect(rows.length).toBeGreaterThanOrEqual(2);
			expect(new Set(rows.map((r) => r.userId))).toEqual(new Set([cast.ids.facilitator, cast.ids.member]));
			expect(rows.every((r) => r.connectionId)).toBe(true);
		});
		// Same database, new server process state: nothing in memory survives.
		const database = t.database;
		await t.app.close();
		t = await startApp({ database });
		restartedOn = database;
		for (const c of [cast.facilitator, cast.member, cast.observer, cast.outsider, cast.anonymous]) c.base = t.url;
		const c = open(t.wsUrl, cast.docName, { cookie: cast.observer.cookie });
		await synced(c);
		expect(c.doc.getText('notes').toString()).toBe('Hola equip');
		expect(c.doc.getArray('list').toArray()).toEqual(['D1', 'D2']);
	});
});

describe('access', () => {
	it('refuses an observer’s writes: nothing is applied, stored or broadcast', async () => {
		const member = open(t.wsUrl, cast.docName, { cookie: cast.member.cookie });
		const observer = open(t.wsUrl, cast.docName, { cookie: cast.observer.cookie });
		await Promise.all([synced(member), synced(observer)]);
		const before = (await t.database.db.select().from(docUpdates).where(eq(docUpdates.docName, cast.docName))).length;
		observer.doc.getText('notes').insert(0, 'OBSERVER WAS HERE ');
		member.doc.getText('notes').insert(0, '> ');
		await eventually(() => expect(observer.doc.getText('notes').toString()).toContain('> '));
		await new Promise((r) => setTimeout(r, 300));
		expect(member.doc.getText('notes').toString()).not.toContain('OBSERVER');
		const rows = await t.database.db.select().from(docUpdates).where(eq(docUpdates.docName, cast.docName));
		expect(rows.length).toBe(before + 1);
		expect(rows.at(-1)!.userId).toBe(cast.ids.member);
		expect(rows.some((r) => r.userId === cast.ids.observer)).toBe(false);
		const fresh = open(t.wsUrl, cast.docName, { cookie: cast.facilitator.cookie });
		await synced(fresh);
		expect(fresh.doc.getText('notes').toString()).not.toContain('OBSERVER');
	});

	it('authenticates with a personal API token and closes the socket when it is revoked', async () => {
		const token = await cast.member.post('/api/v1/tokens', { name: 'bot' });
		const bot = open(t.wsUrl, cast.docName, { bearer: token.json.token });
		await synced(bot);
		expect(bot.doc.getText('notes').toString()).toContain('Hola equip');
		await cast.member.del(`/api/v1/tokens/${token.json.id}`);
		await eventually(() => expect(bot.closes.map((c) => c.code)).toContain(4403));
	});

	it('closes a member’s live connections with a permanent code when removed', async () => {
		const c = open(t.wsUrl, cast.docName, { cookie: cast.member.cookie });
		await synced(c);
		const res = await cast.facilitator.del(`/api/v1/engagements/${cast.engagementId}/members/${cast.ids.member}`);
		expect(res.status).toBe(204);
		await eventually(() => expect(c.closes.map((x) => x.code)).toContain(4403));
		c.provider.shouldConnect = false;
	});
});

describe('durable acknowledgement', () => {
	it('sends the committed state vector only to clients that asked, covering their change', async () => {
		const received: Map<number, number>[] = [];
		const c = open(t.wsUrl, cast.docName, { cookie: cast.facilitator.cookie }, { acks: '1' });
		c.provider.messageHandlers[messageDurableStateVector] = (_encoder, decoder) => {
			received.push(Y.decodeStateVector(decoding.readVarUint8Array(decoder)));
		};
		await synced(c);
		c.doc.getText('notes').insert(0, 'durable ');
		const clock = Y.encodeStateVector(c.doc) && Y.decodeStateVector(Y.encodeStateVector(c.doc)).get(c.doc.clientID)!;
		await eventually(() => expect(received.some((sv) => (sv.get(c.doc.clientID) ?? 0) >= clock)).toBe(true));
		const rows = await t.database.db.select().from(docUpdates).where(eq(docUpdates.docName, cast.docName));
		const stored = new Y.Doc();
		for (const r of rows) Y.applyUpdate(stored, r.update);
		expect(stored.getText('notes').toString()).toContain('durable ');
	});
});
