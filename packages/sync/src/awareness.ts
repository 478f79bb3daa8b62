// Per-document awareness relay (SPEC [AW1]-[AW5]). Keeps the latest state per Yjs client id as the
// client's own JSON text (validated, never re-serialised), tracks which connection owns each id, and
// coalesces changes into at most one broadcast per throttle window. Nothing here is ever persisted.
import * as decoding from 'lib0/decoding';
import * as encoding from 'lib0/encoding';

/** y-protocols drops states not renewed for 30 s; we do not hand such states to new joiners. */
const OUTDATED_MS = 30_000;

interface ClientState {
	clock: number;
	/** JSON text; null when the client is gone. */
	json: string | null;
	owner: object | null;
	updatedAt: number;
}

export interface AwarenessOptions {
	maxStateBytes: number;
	maxClientsPerOwner: number;
	throttleMs: number;
	now: () => number;
	/** Sends one encoded awareness update (payload of messageAwareness) to every connection. */
	broadcast: (update: Uint8Array) => void;
}

export interface ApplyResult {
	accepted: number;
	dropped: number;
}

const utf8 = new TextDecoder('utf-8', { fatal: true });

export class AwarenessRelay {
	#states = new Map<number, ClientState>();
	#owned = new Map<object, Set<number>>();
	#dirty = new Set<number>();
	#timer: ReturnType<typeof setTimeout> | null = null;
	#lastFlush = -Infinity;

	constructor(private readonly opts: AwarenessOptions) {}

	/** Applies a client's awareness update. Throws on malformed input (caller closes BadMessage). */
	apply(owner: object, update: Uint8Array): ApplyResult {
		const dec = decoding.createDecoder(update);
		const count = decoding.readVarUint(dec);
		const entries: { id: number; clock: number; json: string; isNull: boolean; oversize: boolean }[] = [];
		// Decode and validate everything first, so a malformed message changes nothing.
		for (let i = 0; i < count; i++) {
			const id = decoding.readVarUint(dec);
			const clock = decoding.readVarUint(dec);
			const bytes = decoding.readVarUint8Array(dec);
			const oversize = bytes.length > this.opts.maxStateBytes;
			const json = oversize ? '' : utf8.decode(bytes);
			const isNull = oversize ? false : JSON.parse(json) === null;
			entries.push({ id, clock, json, isNull, oversize });
		}
		if (decoding.hasContent(dec)) throw new Error('trailing bytes in awareness update');

		const now = this.opts.now();
		let accepted = 0;
		let dropped = 0;
		for (const e of entries) {
			if (e.oversize) {
				dropped++;
				continue;
			}
			const prev = this.#states.get(e.id);
			const currClock = prev?.clock ?? 0;
			const newer = e.clock > currClock;
			const sameClockRemoval = e.clock === currClock && e.isNull && prev?.json != null;
			if (!newer && !sameClockRemoval) continue; // stale: ignored like y-protocols does
			const ownedByOther = prev?.owner != null && prev.owner !== owner;
			if (e.isNull && ownedByOther) {
				dropped++; // nobody removes another live connection's presence
				continue;
			}
			const mine = this.#owned.get(owner);
			if (!e.isNull && !mine?.has(e.id) && (mine?.size ?? 0) >= this.opts.maxClientsPerOwner) {
				dropped++;
				continue;
			}
			if (prev?.owner) this.#owned.get(prev.owner)?.delete(e.id);
			if (e.isNull) {
				this.#states.set(e.id, { clock: e.clock, json: null, owner: null, updatedAt: now });
			} else {
				this.#states.set(e.id, { clock: e.clock, json: e.json, owner, updatedAt: now });
				let set = mine;
				if (!set) this.#owned.set(owner, (set = new Set()));
				set.add(e.id);
			}
			this.#dirty.add(e.id);
			accepted++;
		}
		if (accepted > 0) this.#schedule();
		return { accepted, dropped };
	}

	/** Marks every client id owned by `owner` as gone and broadcasts the removal (throttled). */
	removeOwner(owner: object): number {
		const ids = this.#owned.get(owner);
		this.#owned.delete(owner);
		if (!ids || ids.size === 0) return 0;
		const now = this.opts.now();
		for (const id of ids) {
			const s = this.#states.get(id);
			if (!s || s.owner !== owner) continue;
			// Same clock + null state: receivers remove the client (y-protocols applyAwarenessUpdate).
			this.#states.set(id, { clock: s.clock, json: null, owner: null, updatedAt: now });
			this.#dirty.add(id);
		}
		this.#schedule();
		return ids.size;
	}

	/** The current states (for a new joiner or a query-awareness), or null when there are none. */
	encodeAll(): Uint8Array | null {
		const now = this.opts.now();
		const ids: number[] = [];
		for (const [id, s] of this.#states) {
			if (s.json !== null && now - s.updatedAt < OUTDATED_MS) ids.push(id);
		}
		return ids.length ? this.#encode(ids) : null;
	}

	/** Number of live (non-null) client states. */
	get size(): number {
		let n = 0;
		for (const s of this.#states.values()) if (s.json !== null) n++;
		return n;
	}

	/** Sends pending changes now. */
	flush(): void {
		if (this.#timer) {
			clearTimeout(this.#timer);
			this.#timer = null;
		}
		if (this.#dirty.size === 0) return;
		const ids = [...this.#dirty];
		this.#dirty.clear();
		this.#lastFlush = this.opts.now();
		this.#prune();
		this.opts.broadcast(this.#encode(ids));
	}

	destroy(): void {
		if (this.#timer) clearTimeout(this.#timer);
		this.#timer = null;
		this.#dirty.clear();
		this.#states.clear();
		this.#owned.clear();
	}

	#schedule(): void {
		if (this.#timer || this.#dirty.size === 0) return;
		const wait = this.#lastFlush + this.opts.throttleMs - this.opts.now();
		if (wait <= 0) {
			this.flush(); // leading edge
		} else {
			this.#timer = setTimeout(() => {
				this.#timer = null;
				this.flush(); // trailing edge: the latest state of everything that changed
			}, wait);
		}
	}

	#encode(ids: number[]): Uint8Array {
		return encoding.encode((enc) => {
			encoding.writeVarUint(enc, ids.length);
			for (const id of ids) {
				const s = this.#states.get(id);
				encoding.writeVarUint(enc, id);
				encoding.writeVarUint(enc, s?.clock ?? 0);
				encoding.writeVarString(enc, s?.json ?? 'null');
			}
		});
	}

	/** Forgets removed clients after the outdated timeout (their clock no longer matters to peers). */
	#prune(): void {
		const now = this.opts.now();
		for (const [id, s] of this.#states) {
			if (s.json === null && !this.#dirty.has(id) && now - s.updatedAt > OUTDATED_MS) this.#states.delete(id);
		}
	}
}
