// The "saved" indicator against real Y.Docs: a client doc, a simulated socket that sends update frames
// the way y-websocket does, and a server doc that acknowledges what it committed (state vector + frame
// count, SPEC [D1]/[D7]).
import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { SyncStatus } from '../src/lib/sync/sync-status.svelte';

const REMOTE = Symbol('remote');

function setup() {
	const client = new Y.Doc();
	const server = new Y.Doc();
	const status = new SyncStatus(client);
	/** Frames sent on the current socket and not yet received by the server. */
	let inFlight: Uint8Array[] = [];
	let socketOpen = false;
	let received = 0;
	// Registered after the status, like the provider: sends each local change as an update frame.
	client.on('update', (update: Uint8Array, origin: unknown) => {
		if (origin === REMOTE || !socketOpen) return;
		inFlight.push(update);
		status.frameSent('update');
	});
	/** A new socket: the initial sync sends everything the server lacks as sync step 2. */
	const online = () => {
		socketOpen = true;
		inFlight = [];
		received = 0;
		status.socketOpened();
		status.setConnection('connected');
		inFlight.push(Y.encodeStateAsUpdate(client, Y.encodeStateVector(server)));
		status.frameSent('step2');
		status.setSynced(true);
	};
	const offline = () => {
		socketOpen = false;
		inFlight = [];
		status.setConnection('disconnected');
	};
	/** The server commits `n` (default all) received frames and acknowledges. */
	const commit = (n = inFlight.length) => {
		for (const u of inFlight.splice(0, n)) Y.applyUpdate(server, u, REMOTE);
		received += n;
		status.applyDurableAck(Y.decodeStateVector(Y.encodeStateVector(server)), received);
	};
	const type = (text: string, at = client.getText('t').length) => client.getText('t').insert(at, text);
	return { client, server, status, commit, online, offline, type };
}

describe('SyncStatus', () => {
	it('starts connecting, then reports saved once synced with nothing pending', () => {
		const { status, online } = setup();
		expect(status.phase).toBe('connecting');
		online();
		expect(status.phase).toBe('saved');
		expect(status.unsaved).toBe(0);
	});

	it('a local change is "saving" until its frame is committed and the state vector covers it', () => {
		const { status, online, type, commit, client } = setup();
		online();
		commit();
		type('Hola');
		type(' equip');
		expect(status.phase).toBe('saving');
		expect(status.unsaved).toBe(2);
		// An acknowledgement that predates our edits changes nothing.
		status.applyDurableAck(new Map(), 1);
		expect(status.unsaved).toBe(2);
		// A frame count alone is not enough while the state vector lags (belt and braces).
		status.applyDurableAck(new Map([[client.clientID, 0]]), 3);
		expect(status.unsaved).toBe(2);
		commit();
		expect(status.phase).toBe('saved');
		expect(status.unsaved).toBe(0);
	});

	it('a partial acknowledgement settles only the covered changes', () => {
		const { status, online, type, commit } = setup();
		online();
		commit();
		type('abc');
		type('def');
		commit(1);
		expect(status.unsaved).toBe(1);
		expect(status.phase).toBe('saving');
	});

	it('remote changes are not counted as ours', () => {
		const { client, status, online } = setup();
		online();
		const other = new Y.Doc();
		other.getText('t').insert(0, 'from someone else');
		Y.applyUpdate(client, Y.encodeStateAsUpdate(other), REMOTE);
		expect(client.getText('t').toString()).toBe('from someone else');
		expect(status.unsaved).toBe(0);
		expect(status.phase).toBe('saved');
	});

	it('offline: counts unsaved changes; they ride in the next sync step 2 and are saved when it is committed', () => {
		const { status, online, offline, type, commit } = setup();
		online();
		commit();
		offline();
		expect(status.phase).toBe('offline');
		type('one');
		type(' two');
		type(' three');
		expect(status.phase).toBe('offline');
		expect(status.unsaved).toBe(3);
		status.setConnection('connecting');
		expect(status.phase).toBe('offline');
		online();
		expect(status.phase).toBe('saving');
		commit();
		expect(status.phase).toBe('saved');
	});

	it('the browser going offline shows offline before the socket notices', () => {
		const { status, online } = setup();
		online();
		status.setBrowserOnline(false);
		expect(status.phase).toBe('offline');
		status.setBrowserOnline(true);
		expect(status.phase).toBe('saved');
	});

	it('[D7] a deletion-only change (no new clock) is saved exactly when its frame is committed', () => {
		const { client, status, online, type, commit } = setup();
		online();
		type('hello world');
		commit();
		expect(status.phase).toBe('saved');
		const clock = Y.getState(client.store, client.clientID);
		client.getText('t').delete(0, 6);
		expect(Y.getState(client.store, client.clientID)).toBe(clock); // deletions add no clock
		expect(status.unsaved).toBe(1);
		// An acknowledgement that does not count its frame yet keeps it unsaved.
		status.applyDurableAck(Y.decodeStateVector(Y.encodeStateVector(client)), 2);
		expect(status.phase).toBe('saving');
		commit();
		expect(status.phase).toBe('saved');
	});

	it('[D7] an offline deletion waits for the next socket’s step 2 frame, not the first acknowledgement', () => {
		const { client, status, online, offline, type, commit } = setup();
		online();
		type('hello world');
		commit();
		offline();
		client.getText('t').delete(0, 6);
		expect(status.unsaved).toBe(1);
		online();
		status.applyDurableAck(Y.decodeStateVector(Y.encodeStateVector(client)), 0); // initial ack after sync
		expect(status.unsaved).toBe(1);
		commit();
		expect(status.unsaved).toBe(0);
	});

	it('frames lost with a dropped socket are not counted on the next one', () => {
		const { status, online, offline, type, commit } = setup();
		online();
		commit();
		type('lost in flight');
		offline(); // the frame never reached the server
		online();
		status.applyDurableAck(new Map(), 1); // the new socket's own step 2 counts as frame 1...
		expect(status.unsaved).toBe(1); // ...but the state vector does not cover the change yet
		commit();
		expect(status.unsaved).toBe(0);
	});

	it('a permanent close wins over everything else', () => {
		const { status, online, offline, type } = setup();
		online();
		type('x');
		offline();
		status.stop({ code: 4403, reason: 'forbidden' });
		expect(status.phase).toBe('stopped');
		expect(status.stopped).toEqual({ code: 4403, reason: 'forbidden' });
		expect(status.unsaved).toBe(1);
	});

	it('resumes after a re-check: the stop clears and the phase follows the connection again', () => {
		const { status, online, offline } = setup();
		online();
		offline();
		status.stop({ code: 4403, reason: 'forbidden' });
		status.resume();
		expect(status.stopped).toBeNull();
		expect(status.phase).toBe('offline');
		online();
		expect(status.phase).toBe('saved');
	});

	it('stops listening after destroy', () => {
		const { status, online, type } = setup();
		online();
		status.destroy();
		type('after');
		expect(status.unsaved).toBe(0);
	});
});
