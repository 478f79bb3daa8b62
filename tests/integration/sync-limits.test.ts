// Protection at the server edge: per-address connection rate, message size.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import * as encoding from 'lib0/encoding';
import { CloseCodes, messageSync } from '@teixit/protocol';
import { startApp, type TestApp } from '../utils/app.ts';
import { castOf, type Cast } from '../utils/people.ts';

let t: TestApp;
let cast: Cast;
beforeAll(async () => {
	t = await startApp({ syncConnectionRate: { perSecond: 1, burst: 5 } });
	cast = await castOf(t);
});
afterAll(async () => t?.close());

const attempt = (cookie: string | null) =>
	new Promise<{ status: number; ws?: WebSocket }>((resolve) => {
		const ws = new WebSocket(`${t.wsUrl}/${cast.docName}`, { headers: cookie ? { cookie } : {} });
		ws.on('unexpected-response', (_q, res) => resolve({ status: res.statusCode ?? 0 }));
		ws.on('open', () => resolve({ status: 101, ws }));
		ws.on('error', () => {});
	});

describe('sync edge limits', () => {
	it('refuses connections beyond the per-address rate with 429 before upgrading', async () => {
		const results = [];
		for (let i = 0; i < 8; i++) results.push(await attempt(cast.member.cookie));
		for (const r of results) r.ws?.close();
		const statuses = results.map((r) => r.status);
		expect(statuses.slice(0, 5)).toEqual([101, 101, 101, 101, 101]);
		expect(statuses.slice(5)).toContain(429);
	});

	it('closes a connection that sends an oversize message with a non-retryable code', async () => {
		await new Promise((r) => setTimeout(r, 2500));
		const { ws, status } = await attempt(cast.member.cookie);
		expect(status).toBe(101);
		const closed = new Promise<number>((resolve) => ws!.on('close', (code) => resolve(code)));
		const enc = encoding.createEncoder();
		encoding.writeVarUint(enc, messageSync);
		encoding.writeVarUint(enc, 2);
		encoding.writeVarUint8Array(enc, new Uint8Array(3 * 1024 * 1024));
		ws!.send(encoding.toUint8Array(enc));
		expect(await closed).toBe(CloseCodes.MessageTooBig.code);
	});
});
