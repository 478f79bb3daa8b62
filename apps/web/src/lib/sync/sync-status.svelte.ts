// A truthful "saved" indicator for one Y.Doc.
//
// "Saved" means durably committed on the server, not merely sent: the server tells us what it has committed
// with a Yjs state vector (message type 100, see @teixit/protocol). Every local update event is one unsaved
// change until that vector covers it.
//
// - A change that inserts content advances our client's clock; it is saved once durableSV[clientID] >= the
//   clock right after the change. Exact.
// - A change that only deletes adds no clock (deletions live in the delete set, which a state vector cannot
//   witness). It is saved once a later change of ours is saved (the server commits one connection's updates
//   in order), or once a durable acknowledgement arrives that the server sent after receiving it on the same
//   connection (the first acknowledgement after a reconnect is skipped: it precedes the replay of offline edits).
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
	/** Connection the change went out on (-1: not sent yet, we are offline). */
	epoch: number;
	/** The change is acknowledged once more than this many acks arrived on `epoch`. */
	acksAtSend: number;
}

export class SyncStatus {
	readonly #doc: Y.Doc;
	readonly #onUpdate: (update: Uint8Array, origin: unknown, doc: Y.Doc, tr: Y.Transaction) => void;

	#connection = $state<ConnectionState>('connecting');
	#synced = $state(false);
	#everSynced = $state(false);
	#online = $state(true);
	#stopped = $state<StopReason | null>(null);
	#pending = $state.raw<PendingChange[]>([]);

	// Not reactive on purpose: the UI reads `#pending`, which every acknowledgement re-settles.
	// eslint-disable-next-line svelte/prefer-svelte-reactivity
	#durable = new Map<number, number>();
	#epoch = 0;
	#acksThisEpoch = 0;
	#initialAckSeen = false;
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
		if (state === 'connected') {
			this.#epoch++;
			this.#acksThisEpoch = 0;
			this.#initialAckSeen = false;
			// Whatever we could not send while offline goes out in this connection's initial sync.
			this.#pending = this.#pending.map((p) => (p.epoch === -1 ? { ...p, epoch: this.#epoch, acksAtSend: 1 } : p));
		} else if (this.#connection === 'connected') {
			this.#synced = false;
			// Not acknowledged on the lost connection: will be re-sent by the next initial sync.
			this.#pending = this.#pending.map((p) => ({ ...p, epoch: -1 }));
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

	/** A durable state vector from the server (message type 100). */
	applyDurableStateVector(sv: Map<number, number>) {
		for (const [client, clock] of sv) {
			if (clock > (this.#durable.get(client) ?? 0)) this.#durable.set(client, clock);
		}
		if (this.#connection === 'connected') {
			this.#acksThisEpoch++;
			this.#initialAckSeen = true;
		}
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
		const sending = this.#connection === 'connected';
		const change: PendingChange = {
			clientId,
			clock,
			deletionOnly,
			epoch: sending ? this.#epoch : -1,
			acksAtSend: sending ? this.#acksThisEpoch + (this.#initialAckSeen ? 0 : 1) : 0
		};
		this.#pending = [...this.#pending, change];
		this.#settle();
	}

	#isSaved(p: PendingChange): boolean {
		if (!p.deletionOnly) return (this.#durable.get(p.clientId) ?? 0) >= p.clock;
		return p.epoch === this.#epoch && this.#connection === 'connected' && this.#acksThisEpoch > p.acksAtSend;
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
