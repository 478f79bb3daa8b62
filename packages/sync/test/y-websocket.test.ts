// Wire compatibility with the stock y-websocket 3.1.0 client, over an in-process WebSocket double.
import { afterEach, describe, expect, it, vi } from 'vitest';
import * as Y from 'yjs';
import { WebsocketProvider } from 'y-websocket';
import { CloseCodes } from '@teixit/protocol';
import { MemoryStorage, SyncServer, type SyncConnectionHandle } from '../src/index.ts';
import { docName, silentLogger, textOf, until } from './helpers.ts';

interface FakeOptions {
	access?: 'write' | 'read';
	userId?: string;
}

/** A browser-like WebSocket whose other end is SyncServer.connect(); frames are delivered in order, async. */
function fakeWebSocket(server: SyncServer, opts: FakeOptions = {}) {
	let n = 0;
	return class FakeWebSocket {
		static CONNECTING = 0;
		static OPEN = 1;
		static CLOSING = 2;
		static CLOSED = 3;
		readonly CONNECTING = 0;
		readonly OPEN = 1;
		readonly CLOSING = 2;
		readonly CLOSED = 3;
		readyState = 0;
		binaryType = 'arraybuffer';
		onopen: ((e: unknown) => void) | null = null;
		onmessage: ((e: { data: ArrayBuffer }) => void) | null = null;
		onclose: ((e: { code: number; reason: string }) => void) | null = null;
		onerror: ((e: unknown) => void) | null = null;
		#handle: SyncConnectionHandle | null = null;

		constructor(url: string) {
			const u = new URL(url);
			const name = decodeURIComponent(u.pathname.split('/').pop()!);
			setTimeout(() => {
				if (this.readyState !== 0) return;
				this.readyState = 1;
				this.#handle = server.connect({
					docName: name,
					userId: opts.userId ?? 'u',
					connectionId: `ws-${n++}`,
					access: opts.access ?? 'write',
					acks: u.searchParams.get('acks') === '1',
					socket: {
						bufferedAmount: 0,
						send: (data) => {
							const copy = data.slice();
							setTimeout(() => {
								if (this.readyState === 1) this.onmessage?.({ data: copy.buffer });
							});
						},
						close: (code, reason) => {
							setTimeout(() => this.#closed(code, reason));
						}
					}
				});
				this.onopen?.({});
			});
		}

		send(data: ArrayBuffer | Uint8Array) {
			const bytes = data instanceof Uint8Array ? data.slice() : new Uint8Array(data.slice(0));
			setTimeout(() => this.#handle?.receive(bytes));
		}

		close() {
			if (this.readyState >= 2) return;
			this.#closed(1000, '');
		}

		#closed(code: number, reason: string) {
			if (this.readyState === 3) return;
			this.readyState = 3;
			this.#handle?.closed();
			this.onclose?.({ code, reason });
		}
	};
}

const providers: WebsocketProvider[] = [];
function provider(server: SyncServer, name: string, doc: Y.Doc, opts: FakeOptions = {}) {
	const p = new WebsocketProvider('ws://sync.test/sync', name, doc, {
		WebSocketPolyfill: fakeWebSocket(server, opts) as unknown as typeof globalThis.WebSocket,
		disableBc: true
	});
	providers.push(p);
	return p;
}

afterEach(() => {
	for (const p of providers.splice(0)) p.destroy();
	vi.restoreAllMocks();
});

describe('stock y-websocket client', () => {
	it('[W1] [W4] syncs text and presence between two providers and persists the result', async () => {
		const errors = vi.spyOn(console, 'error');
		const memory = new MemoryStorage();
		const server = new SyncServer({ storage: memory, logger: silentLogger, commitDelayMs: 0, limits: { awarenessThrottleMs: 0 } });
		const name = docName();
		const d1 = new Y.Doc();
		const d2 = new Y.Doc();
		const p1 = provider(server, name, d1);
		const p2 = provider(server, name, d2);
		await until(() => p1.synced && p2.synced, 'providers synced');
		d1.getText('t').insert(0, 'hello from 1');
		await until(() => d2.getText('t').toString() === 'hello from 1', 'text relayed');
		d2.getText('t').insert(0, '2 says hi, ');
		await until(() => d1.getText('t').toString() === '2 says hi, hello from 1', 'text relayed back');
		p1.awareness.setLocalStateField('user', { name: 'Ann' });
		await until(() => [...p2.awareness.getStates().values()].some((s) => s['user']?.name === 'Ann'), 'presence');
		await server.flush();
		expect(textOf((await memory.load(name)).state)).toBe('2 says hi, hello from 1');

		// A late joiner gets everything, including presence.
		const d3 = new Y.Doc();
		const p3 = provider(server, name, d3);
		await until(() => p3.synced && d3.getText('t').toString() === '2 says hi, hello from 1', 'late joiner');
		await until(() => [...p3.awareness.getStates().values()].some((s) => s['user']?.name === 'Ann'), 'late presence');

		// Leaving removes presence for the others.
		p1.destroy();
		await until(() => ![...p2.awareness.getStates().values()].some((s) => s['user']?.name === 'Ann'), 'presence removed');
		expect(errors).not.toHaveBeenCalled(); // no "Unable to compute message": no ack frames to a plain client
		await server.shutdown();
	});

	it('[W2] a read-only provider syncs and stays connected; its edits go nowhere', async () => {
		const memory = new MemoryStorage();
		const server = new SyncServer({ storage: memory, logger: silentLogger, commitDelayMs: 0 });
		const name = docName();
		const dw = new Y.Doc();
		const dr = new Y.Doc();
		const pw = provider(server, name, dw);
		const pr = provider(server, name, dr, { access: 'read' });
		dw.getText('t').insert(0, 'authoritative');
		await until(() => pr.synced && dr.getText('t').toString() === 'authoritative', 'reader synced');
		dr.getText('t').insert(0, 'nope ');
		dw.getText('t').insert(13, '!');
		await until(() => dr.getText('t').toString().includes('!'), 'writer edit reaches reader');
		await server.flush();
		expect(dw.getText('t').toString()).toBe('authoritative!');
		expect(textOf((await memory.load(name)).state)).toBe('authoritative!');
		expect(pr.wsconnected).toBe(true);
		expect(pw.wsconnected).toBe(true);
		await server.shutdown();
	});

	it('[W3] a permanent close code (Forbidden) stops the provider from reconnecting', async () => {
		const server = new SyncServer({ storage: new MemoryStorage(), logger: silentLogger });
		const name = docName();
		const p = provider(server, name, new Y.Doc(), { userId: 'revoked' });
		await until(() => p.synced, 'synced');
		const closed: { code: number }[] = [];
		p.on('closed', (e) => closed.push(e));
		expect(server.closeWhere((c) => c.userId === 'revoked', CloseCodes.Forbidden)).toBe(1);
		await until(() => closed.length === 1, 'closed event');
		expect(closed[0]!.code).toBe(CloseCodes.Forbidden.code);
		expect(p.shouldConnect).toBe(false);
		await server.shutdown();
	});
});
