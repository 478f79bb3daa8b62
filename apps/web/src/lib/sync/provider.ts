// The y-websocket client wired to Teixit's sync endpoint and its durable-acknowledgement extension.
import * as decoding from 'lib0/decoding';
import type { Awareness } from 'y-protocols/awareness';
import { WebsocketProvider } from 'y-websocket';
import * as Y from 'yjs';
import { ACKS_PARAM, messageDurableStateVector, shouldRetry } from '@teixit/protocol';
import type { SyncStatus } from './sync-status.svelte';

/** ws(s)://<this host>/sync: one origin, so the session cookie authenticates the upgrade. */
export function syncServerUrl(loc: Pick<Location, 'protocol' | 'host'>): string {
	return `${loc.protocol === 'https:' ? 'wss' : 'ws'}://${loc.host}/sync`;
}

export interface ConnectOptions {
	serverUrl: string;
	docName: string;
	doc: Y.Doc;
	awareness: Awareness;
	status: SyncStatus;
	/** For Node tests (no global WebSocket in Node 20). */
	WebSocketPolyfill?: typeof WebSocket;
}

export function connectProvider({ serverUrl, docName, doc, awareness, status, WebSocketPolyfill }: ConnectOptions): WebsocketProvider {
	const provider = new WebsocketProvider(serverUrl, docName, doc, {
		awareness,
		params: { [ACKS_PARAM]: '1' },
		// Tabs must not sync through BroadcastChannel: the status has to reflect the server, not a sibling tab.
		disableBc: true,
		// Permanent close codes (access revoked, unauthenticated, …) stop the reconnect loop.
		shouldReconnect: (event) => shouldRetry(event.code),
		...(WebSocketPolyfill && { WebSocketPolyfill })
	});

	provider.messageHandlers[messageDurableStateVector] = (_encoder, decoder) => {
		status.applyDurableStateVector(Y.decodeStateVector(decoding.readVarUint8Array(decoder)));
	};
	provider.on('status', ({ status: s }) => status.setConnection(s === 'connected' ? 'connected' : s === 'connecting' ? 'connecting' : 'disconnected'));
	provider.on('sync', (synced) => status.setSynced(synced));
	provider.on('closed', ({ code, reason }) => status.stop({ code, reason }));
	return provider;
}
