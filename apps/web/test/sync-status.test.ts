// The "saved" indicator against real Y.Docs: a client doc and a server doc that acknowledges what it committed.
import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { SyncStatus } from '../src/lib/sync/sync-status.svelte';

const REMOTE = Symbol('remote');

function setup() {
	const client = new Y.Doc();
	const server = new Y.Doc();
	const status = new SyncStatus(client);
	/** The server receives everything the client has and commits it; returns its durable state vector. */
	const commitAll = () => {
		Y.applyUpdate(server, Y.encodeStateAsUpdate(client, Y.encodeStateVector(server)), REMOTE);
		return Y.decodeStateVector(Y.encodeStateVector(server));
	};
	const online = () => {
		status.setConnection('connected');
		status.setSynced(true);
	};
	const type = (text: string, at = client.getText('t').length) => client.getText('t').insert(at, text);
	return { client, server, status, commitAll, online, type };
}

describe('SyncStatus', () => {
	it('starts connecting, then reports saved once synced with nothing pending', () => {
		const { status, online } = setup();
		expect(status.phase).toBe('connecting');
		status.setConnection('connected');
		expect(status.phase).toBe('connecting'); // connected but not synced yet
		online();
		expect(status.phase).toBe('saved');
		expect(status.unsaved).toBe(0);
	});

	it('a local change is "saving" until the durable state vector covers our clock', () => {
		const { status, online, type, commitAll } = setup();
		online();
		type('Hola');
		type(' equip');
		expect(status.phase).toBe('saving');
		expect(status.unsaved).toBe(2);

		// An acknowledgement that predates our edits changes nothing.
		status.applyDurableStateVector(new Map());
		expect(status.unsaved).toBe(2);

		status.applyDurableStateVector(commitAll());
		expect(status.phase).toBe('saved');
		expect(status.unsaved).toBe(0);
	});

	it('a partial acknowledgement settles only the covered changes', () => {
		const { client, status, online, type } = setup();
		online();
		type('abc');
		const afterFirst = Y.getState(client.store, client.clientID);
		type('def');
		status.applyDurableStateVector(new Map([[client.clientID, afterFirst]]));
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

	it('offline: counts unsaved changes, and they are saved after reconnecting and being acknowledged', () => {
		const { status, online, type, commitAll } = setup();
		online();
		status.setConnection('disconnected');
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
		status.applyDurableStateVector(commitAll());
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

	it('a deletion-only change (no new clock) waits for an acknowledgement sent after it', () => {
		const { client, status, online, type, commitAll } = setup();
		online();
		status.applyDurableStateVector(commitAll()); // the initial acknowledgement of this connection
		type('hello world');
		status.applyDurableStateVector(commitAll());
		expect(status.phase).toBe('saved');

		const clock = Y.getState(client.store, client.clientID);
		client.getText('t').delete(0, 6);
		expect(Y.getState(client.store, client.clientID)).toBe(clock); // deletions add no clock
		expect(status.unsaved).toBe(1);
		expect(status.phase).toBe('saving');

		status.applyDurableStateVector(commitAll());
		expect(status.phase).toBe('saved');
	});

	it('after a reconnect, the first (initial-sync) acknowledgement does not count for an offline deletion', () => {
		const { client, status, online, type, commitAll } = setup();
		online();
		status.applyDurableStateVector(commitAll());
		type('hello world');
		status.applyDurableStateVector(commitAll());

		status.setConnection('disconnected');
		client.getText('t').delete(0, 6);
		expect(status.phase).toBe('offline');
		expect(status.unsaved).toBe(1);

		online();
		status.applyDurableStateVector(commitAll()); // sent by the server right after sync step 2
		expect(status.unsaved).toBe(1);
		status.applyDurableStateVector(commitAll()); // after committing our replayed step 2
		expect(status.unsaved).toBe(0);
	});

	it('a saved later change also settles the deletions before it', () => {
		const { status, online, type, client, commitAll } = setup();
		online();
		type('abc');
		client.getText('t').delete(0, 1);
		type('x');
		expect(status.unsaved).toBe(3);
		// Same connection, no ack in between except one that covers the last insertion.
		status.applyDurableStateVector(commitAll());
		expect(status.unsaved).toBe(0);
	});

	it('a permanent close wins over everything else', () => {
		const { status, online, type } = setup();
		online();
		type('x');
		status.setConnection('disconnected');
		status.stop({ code: 4403, reason: 'forbidden' });
		expect(status.phase).toBe('stopped');
		expect(status.stopped).toEqual({ code: 4403, reason: 'forbidden' });
		expect(status.unsaved).toBe(1);
	});

	it('resumes after a re-check: the stop clears and the phase follows the connection again', () => {
		const { status, online } = setup();
		online();
		status.setConnection('disconnected');
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
