// connectProvider against a scripted WebSocket: the durable-ack extension (type 100) and permanent close codes.
import * as decoding from 'lib0/decoding';
import * as encoding from 'lib0/encoding';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { Awareness } from 'y-protocols/awareness';
import * as syncProtocol from 'y-protocols/sync';
import * as Y from 'yjs';
import { messageDurableStateVector, messageSync } from '@teixit/protocol';
import { connectProvider, syncServerUrl } from '../src/lib/sync/provider';
import { SyncStatus } from '../src/lib/sync/sync-status.svelte';

class FakeSocket {
	static instances: FakeSocket[] = [];
	static readonly CONNECTING = 0;
	static readonly OPEN = 1;
	static readonly CLOSING = 2;
	static readonly CLOSED = 3;
	readonly OPEN = 1;
	readyState = 0;
	binaryType = 'blob';
	sent: Uint8Array[] = [];
	onopen: (() => void) | null = null;
	onmessage: ((e: { data: ArrayBuffer }) => void) | null = null;
	onclose: ((e: { code: number; reason: string }) => void) | null = null;
	onerror: ((e: unknown) => void) | null = null;
	constructor(readonly url: string) {
		FakeSocket.instances.push(this);
	}
	send(data: Uint8Array) {
		this.sent.push(data);
	}
	close() {
		this.readyState = 3;
	}
	// test helpers
	open() {
		this.readyState = 1;
		this.onopen?.();
	}
	receive(bytes: Uint8Array) {
		this.onmessage?.({ data: bytes.slice().buffer });
	}
	serverClose(code: number, reason = '') {
		this.readyState = 3;
		this.onclose?.({ code, reason });
	}
}

const frame = (write: (e: encoding.Encoder) => void) => {
	const e = encoding.createEncoder();
	write(e);
	return encoding.toUint8Array(e);
};

function setup() {
	FakeSocket.instances = [];
	const doc = new Y.Doc();
	const awareness = new Awareness(doc);
	const status = new SyncStatus(doc);
	const provider = connectProvider({
		serverUrl: 'ws://teixit.test/sync',
		docName: 'e1.workspace',
		doc,
		awareness,
		status,
		WebSocketPolyfill: FakeSocket as unknown as typeof WebSocket
	});
	const socket = FakeSocket.instances[0]!;
	/** What a server answers to the client's sync step 1: step 2 with nothing new. */
	const serverStep2 = () => frame((e) => (encoding.writeVarUint(e, messageSync), syncProtocol.writeSyncStep2(e, new Y.Doc())));
	const ack = (sv: Uint8Array, committedFrames: number) =>
		frame((e) => (encoding.writeVarUint(e, messageDurableStateVector), encoding.writeVarUint8Array(e, sv), encoding.writeVarUint(e, committedFrames)));
	return { doc, awareness, status, provider, socket, serverStep2, ack };
}

afterEach(() => {
	vi.useRealTimers();
});

describe('connectProvider', () => {
	it('builds the sync URL from the page location', () => {
		expect(syncServerUrl({ protocol: 'https:', host: 'teixit.coop' })).toBe('wss://teixit.coop/sync');
		expect(syncServerUrl({ protocol: 'http:', host: '127.0.0.1:3100' })).toBe('ws://127.0.0.1:3100/sync');
	});

	it('asks for durable acks and reports saved only when the server acknowledges', () => {
		const { doc, status, provider, socket, serverStep2, ack } = setup();
		expect(socket.url).toBe('ws://teixit.test/sync/e1.workspace?acks=1');
		expect(status.phase).toBe('connecting');

		socket.open();
		socket.receive(serverStep2());
		expect(status.phase).toBe('saved');

		doc.getText('t').insert(0, 'Hola');
		expect(status.phase).toBe('saving');
		// The update went out as a sync "update" frame.
		const last = decoding.createDecoder(socket.sent.at(-1)!);
		expect(decoding.readVarUint(last)).toBe(messageSync);

		// Frames counted on this socket: 1 = our sync step 2 (answer to the server's step 1, not sent
		// here), so the update is frame 1 or 2; an ack counting too few frames does not save it.
		const updateFrames = socket.sent.filter((f) => f[0] === messageSync && (f[1] === 1 || f[1] === 2)).length;
		socket.receive(ack(Y.encodeStateVector(doc), updateFrames - 1));
		expect(status.phase).toBe('saving');
		socket.receive(ack(Y.encodeStateVector(doc), updateFrames));
		expect(status.phase).toBe('saved');
		provider.destroy();
	});

	it('stops reconnecting after a permanent close code and says why', () => {
		vi.useFakeTimers();
		const { status, provider, socket, serverStep2 } = setup();
		socket.open();
		socket.receive(serverStep2());
		socket.serverClose(4403, 'forbidden');
		expect(status.phase).toBe('stopped');
		expect(status.stopped?.code).toBe(4403);
		vi.advanceTimersByTime(10_000);
		expect(FakeSocket.instances).toHaveLength(1);
		provider.destroy();
	});

	it('reconnects after a transient close and shows offline meanwhile', () => {
		vi.useFakeTimers();
		const { doc, status, provider, socket, serverStep2 } = setup();
		socket.open();
		socket.receive(serverStep2());
		socket.serverClose(4503, 'server-restart');
		expect(status.phase).toBe('offline');
		doc.getText('t').insert(0, 'offline edit');
		expect(status.unsaved).toBe(1);
		vi.advanceTimersByTime(5_000);
		expect(FakeSocket.instances.length).toBeGreaterThan(1);
		provider.destroy();
	});
});
