// The y-websocket client wired to Teixit's sync endpoint and its durable-acknowledgement extension.
import * as decoding from 'lib0/decoding';
import type { Awareness } from 'y-protocols/awareness';
import { WebsocketProvider } from 'y-websocket';
import * as Y from 'yjs';
import { ACKS_PARAM, messageDurableStateVector, messageSync, shouldRetry } from '@teixit/protocol';
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

/** The WebSocket class, counting the update-bearing frames each socket sends (SPEC [D7]). */
function countingSocket(Base: typeof WebSocket, status: SyncStatus): typeof WebSocket {
	return class extends Base {
		constructor(url: string | URL, protocols?: string | string[]) {
			super(url, protocols);
			status.socketOpened();
		}
		override send(data: Parameters<WebSocket['send']>[0]) {
			if (data instanceof Uint8Array && data[0] === messageSync && (data[1] === 1 || data[1] === 2)) status.frameSent(data[1] === 1 ? 'step2' : 'update');
			super.send(data);
		}
	};
}

export function connectProvider({ serverUrl, docName, doc, awareness, status, WebSocketPolyfill }: ConnectOptions): WebsocketProvider {
	const provider = new WebsocketProvider(serverUrl, docName, doc, {
		awareness,
		params: { [ACKS_PARAM]: '1' },
		// Tabs must not sync through BroadcastChannel: the status has to reflect the server, not a sibling tab.
		disableBc: true,
		// Permanent close codes (access revoked, unauthenticated, …) stop the reconnect loop.
		shouldReconnect: (event) => shouldRetry(event.code),
		WebSocketPolyfill: countingSocket(WebSocketPolyfill ?? WebSocket, status)
	});
	// Jitter the reconnect backoff (y-websocket's is a fixed 2^n x 100 ms): a fractional attempt count
	// spreads a whole workshop room's reconnects over 1-2x the delay after a server restart.
	provider.on('connection-close', () => {
		provider.wsUnsuccessfulReconnects += Math.random();
	});

	provider.messageHandlers[messageDurableStateVector] = (_encoder, decoder) => {
		const sv = Y.decodeStateVector(decoding.readVarUint8Array(decoder));
		status.applyDurableAck(sv, decoding.hasContent(decoder) ? decoding.readVarUint(decoder) : 0);
	};
	provider.on('status', ({ status: s }) => status.setConnection(s === 'connected' ? 'connected' : s === 'connecting' ? 'connecting' : 'disconnected'));
	provider.on('sync', (synced) => status.setSynced(synced));
	provider.on('closed', ({ code, reason }) => status.stop({ code, reason }));
	return provider;
}
