// Stock y-websocket clients in Node, authenticated by cookie or bearer token.
import WebSocket from 'ws';
import * as Y from 'yjs';
import { WebsocketProvider } from 'y-websocket';

export function wsWithHeaders(headers: Record<string, string>) {
	return class extends WebSocket {
		constructor(url: string, protocols?: string | string[]) {
			super(url, protocols, { headers });
		}
	} as unknown as typeof globalThis.WebSocket;
}

export interface Client {
	doc: Y.Doc;
	provider: WebsocketProvider;
	closes: { code: number; reason: string }[];
	destroy(): void;
}

export function connect(wsUrl: string, docName: string, auth: { cookie?: string | null; bearer?: string }, params: Record<string, string> = {}): Client {
	const headers: Record<string, string> = {};
	if (auth.cookie) headers.cookie = auth.cookie;
	if (auth.bearer) headers.authorization = `Bearer ${auth.bearer}`;
	const doc = new Y.Doc();
	const provider = new WebsocketProvider(wsUrl, docName, doc, { WebSocketPolyfill: wsWithHeaders(headers), disableBc: true, params });
	const closes: Client['closes'] = [];
	provider.on('connection-close', (event: CloseEvent | null) => {
		if (event) closes.push({ code: event.code, reason: event.reason });
	});
	return {
		doc,
		provider,
		closes,
		destroy() {
			provider.destroy();
			doc.destroy();
		}
	};
}

export const synced = (c: Client) =>
	new Promise<void>((resolve) => {
		if (c.provider.synced) return resolve();
		c.provider.once('sync', (s: boolean) => s && resolve());
	});
