// A truthful "saved" indicator for one Y.Doc.
//
// "Saved" means durably committed on the server, not merely sent. The server's acknowledgement (message
// type 100, see @teixit/protocol and SPEC [D1]/[D7]) carries the committed state vector and how many of
// this socket's update-bearing frames (sync step 2 / update) are committed. Every local change is one
// unsaved change until both cover it:
// - the frame that carried it is counted as committed (this alone covers deletions, which add no clock);
// - and, for a change that inserted content, the state vector covers our clock right after it.
// Changes made offline go out in the next socket's sync step 2, and are covered when that frame is.
import * as Y from 'yjs';

export type ConnectionState = 'connecting' | 'connected' | 'disconnected';
export type SyncPhase = 'connecting' | 'offline' | 'saving' | 'saved' | 'stopped';

export interface StopReason {
	code: number;
	reason: string;
}

interface PendingChange {
	clientId: number;
	/** Our clock right after the change; for a deletion-only change, the clock it left unchanged. */
	clock: number;
	deletionOnly: boolean;
	/** Socket the change went out on, and the number of the update-bearing frame that carried it
	 *  (null: not sent yet; it will ride in the next socket's sync step 2). */
	epoch: number;
	frame: number | null;
}

export class SyncStatus {
	readonly #doc: Y.Doc;
	readonly #onUpdate: (update: Uint8Array, origin: unknown, doc: Y.Doc, tr: Y.Transaction) => void;

	#connection = $state<ConnectionState>('connecting');
	#synced = $state(false);
	#everSynced = $state(false);
	#online = $state(true);
	#stopped = $state<StopReason | null>(null);
	#frozen = $state(false);
	#pending = $state.raw<PendingChange[]>([]);

	// Not reactive on purpose: the UI reads `#pending`, which every acknowledgement re-settles.
	// eslint-disable-next-line svelte/prefer-svelte-reactivity
	#durable = new Map<number, number>();
	#epoch = 0;
	#framesSent = 0;
	#framesCommitted = 0;
	#lastClient: number;
	#lastClock: number;

	constructor(doc: Y.Doc) {
		this.#doc = doc;
		this.#lastClient = doc.clientID;
		this.#lastClock = Y.getState(doc.store, doc.clientID);
		this.#onUpdate = (_update, _origin, d, tr) => {
			if (!tr.local) return; // remote changes (applied by the provider) are not ours to save
			this.#recordLocalChange(d);
		};
		doc.on('update', this.#onUpdate);
	}

	/** connecting, offline (with `unsaved` changes waiting), saving…, saved, or stopped for good. */
	get phase(): SyncPhase {
		if (this.#stopped) return 'stopped';
		if (this.#connection !== 'connected' || !this.#online) return this.#everSynced ? 'offline' : 'connecting';
		if (!this.#synced) return 'connecting';
		return this.#pending.length > 0 ? 'saving' : 'saved';
	}

	/** A stored version opened read-only (history): saved on the server, never connected, never changing. */
	get frozen(): boolean {
		return this.#frozen;
	}

	/** Mark this document as a stored version: its phase is "saved" for good (see `frozen`). */
	freeze() {
		this.#frozen = true;
		this.#connection = 'connected';
		this.#synced = true;
		this.#everSynced = true;
	}

	/** Local changes not yet durably committed on the server. */
	get unsaved(): number {
		return this.#pending.length;
	}

	get connection(): ConnectionState {
		return this.#connection;
	}

	get synced(): boolean {
		return this.#synced;
	}

	/** Set when the server closed the connection with a permanent code; we no longer reconnect. */
	get stopped(): StopReason | null {
		return this.#stopped;
	}

	/** What the server has durably committed, per client id (latest acknowledgement). */
	durableClock(clientId: number): number {
		return this.#durable.get(clientId) ?? 0;
	}

	setConnection(state: ConnectionState) {
		if (state === this.#connection) return;
		if (state !== 'connected' && this.#connection === 'connected') {
			this.#synced = false;
			// Not acknowledged on the lost socket: the next socket's sync step 2 re-sends them.
			this.#pending = this.#pending.map((p) => ({ ...p, frame: null }));
		}
		this.#connection = state;
	}

	setSynced(synced: boolean) {
		this.#synced = synced;
		if (synced) this.#everSynced = true;
	}

	/** Browser `online`/`offline` events: show "offline" before the socket notices. */
	setBrowserOnline(online: boolean) {
		this.#online = online;
	}

	stop(reason: StopReason) {
		this.#stopped = reason;
	}

	/** Clear a permanent close before trying again (after re-checking access). */
	resume() {
		this.#stopped = null;
	}

	/** A new socket was created: frames are counted from 1 on each socket. */
	socketOpened() {
		this.#epoch++;
		this.#framesSent = 0;
		this.#framesCommitted = 0;
	}

	/** We sent an update-bearing frame; a sync step 2 carries everything not yet sent on this socket. */
	frameSent(kind: 'step2' | 'update') {
		this.#framesSent++;
		if (kind === 'step2') {
			const frame = this.#framesSent;
			this.#pending = this.#pending.map((p) => (p.epoch !== this.#epoch || p.frame === null ? { ...p, epoch: this.#epoch, frame } : p));
		}
	}

	/** The server's acknowledgement (message type 100): committed state vector and frame count. */
	applyDurableAck(sv: Map<number, number>, committedFrames: number) {
		for (const [client, clock] of sv) {
			if (clock > (this.#durable.get(client) ?? 0)) this.#durable.set(client, clock);
		}
		this.#framesCommitted = Math.max(this.#framesCommitted, committedFrames);
		this.#settle();
	}

	destroy() {
		this.#doc.off('update', this.#onUpdate);
	}

	#recordLocalChange(doc: Y.Doc) {
		const clientId = doc.clientID;
		const clock = Y.getState(doc.store, clientId);
		// Yjs may pick a new client id (on an id clash); a change under a new id is never deletion-only.
		const deletionOnly = clientId === this.#lastClient && clock <= this.#lastClock;
		this.#lastClient = clientId;
		this.#lastClock = clock;
		// Our listener runs before the provider's (the status exists before the provider), which sends
		// this change as the next update frame right after us when connected.
		const sending = this.#connection === 'connected';
		const change: PendingChange = { clientId, clock, deletionOnly, epoch: this.#epoch, frame: sending ? this.#framesSent + 1 : null };
		this.#pending = [...this.#pending, change];
		this.#settle();
	}

	#isSaved(p: PendingChange): boolean {
		if (p.frame === null || p.epoch !== this.#epoch || this.#framesCommitted < p.frame) return false;
		return p.deletionOnly || (this.#durable.get(p.clientId) ?? 0) >= p.clock;
	}

	/** Drop every change up to the last saved one: the server commits our updates in order. */
	#settle() {
		const pending = this.#pending;
		let last = -1;
		for (let i = pending.length - 1; i >= 0; i--) {
			if (this.#isSaved(pending[i]!)) {
				last = i;
				break;
			}
		}
		if (last >= 0) this.#pending = pending.slice(last + 1);
	}
}
