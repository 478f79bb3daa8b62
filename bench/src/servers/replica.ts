// Real client libraries used once per scenario to prove correctness: y-websocket's WebsocketProvider
// (Teixit, @y/websocket-server) and HocuspocusProvider (Hocuspocus' own framing). Each holds a full Y.Doc.
import { WebSocket } from 'ws';
import type * as Y from 'yjs';
import { WebsocketProvider } from 'y-websocket';
import { HocuspocusProvider } from '@hocuspocus/provider';
import type { Replica } from './types.ts';

function withTimeout<T>(p: Promise<T>, ms: number, what: string, onTimeout: () => void): Promise<T> {
	let timer: NodeJS.Timeout;
	return Promise.race([
		p,
		new Promise<T>((_, reject) => {
			timer = setTimeout(() => {
				onTimeout();
				reject(new Error(`${what}: not synced after ${ms} ms`));
			}, ms);
		})
	]).finally(() => clearTimeout(timer));
}

/** WebsocketProvider connects to `${serverUrl}/${room}?params`; headers (auth) via a ws subclass. */
export function openYWebsocketReplica(
	serverUrl: string,
	room: string,
	doc: Y.Doc,
	opts: { headers?: Record<string, string>; params?: Record<string, string>; timeoutMs?: number } = {}
): Promise<Replica> {
	const headers = opts.headers;
	class AuthedWebSocket extends WebSocket {
		constructor(url: string | URL, protocols?: string | string[]) {
			super(url, protocols, { headers, perMessageDeflate: false });
		}
	}
	const provider = new WebsocketProvider(serverUrl, room, doc, {
		WebSocketPolyfill: AuthedWebSocket as unknown as typeof globalThis.WebSocket,
		disableBc: true,
		params: opts.params ?? {}
	});
	const replica: Replica = { doc, awareness: provider.awareness, destroy: () => provider.destroy() };
	const synced = new Promise<Replica>((resolve) => {
		if (provider.synced) resolve(replica);
		provider.on('sync', (isSynced: boolean) => {
			if (isSynced) resolve(replica);
		});
	});
	return withTimeout(synced, opts.timeoutMs ?? 30_000, `WebsocketProvider ${room}`, () => provider.destroy());
}

export function openHocuspocusReplica(url: string, room: string, doc: Y.Doc, timeoutMs = 30_000): Promise<Replica> {
	let provider: HocuspocusProvider;
	const synced = new Promise<Replica>((resolve) => {
		provider = new HocuspocusProvider({
			url,
			name: room,
			document: doc,
			WebSocketPolyfill: WebSocket,
			onSynced: ({ state }: { state: boolean }) => {
				if (state) resolve({ doc, awareness: provider.awareness!, destroy: () => provider.destroy() });
			}
		} as ConstructorParameters<typeof HocuspocusProvider>[0]);
	});
	return withTimeout(synced, timeoutMs, `HocuspocusProvider ${room}`, () => provider.destroy());
}
