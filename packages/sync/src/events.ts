// A tiny typed event emitter for metrics hooks. Listener errors are swallowed: metrics must never
// break sync.

export interface SyncEvents {
	/** A document finished loading from storage. */
	load: { docName: string; ms: number; bytes: number; lastSeq: number };
	/** A document was removed from memory. */
	unload: { docName: string };
	/** A batch was committed: `count` rows from `firstSeq`, holding `updates` client updates. */
	commit: { docName: string; count: number; updates: number; bytes: number; firstSeq: number; ms: number };
	/** Durable acks were sent; `ms` = oldest update in the batch received -> ack sent. */
	ack: { docName: string; ms: number; connections: number };
	/** A snapshot was written. */
	compact: { docName: string; uptoSeq: number; bytes: number; ms: number };
	/** The server closed a connection. */
	close: { docName: string; connectionId: string; userId: string; code: number; reason: string };
	/** A read-only connection sent an update; it was ignored. */
	refused: { docName: string; connectionId: string; userId: string };
	error: { docName?: string; kind: 'load' | 'persist' | 'compact' | 'message' | 'poisoned'; error: unknown };
}

type Listener<T> = (payload: T) => void;

export class TypedEmitter<E extends object> {
	#listeners = new Map<keyof E, Set<Listener<never>>>();

	on<K extends keyof E>(event: K, fn: Listener<E[K]>): this {
		let set = this.#listeners.get(event);
		if (!set) this.#listeners.set(event, (set = new Set()));
		set.add(fn as Listener<never>);
		return this;
	}

	off<K extends keyof E>(event: K, fn: Listener<E[K]>): this {
		this.#listeners.get(event)?.delete(fn as Listener<never>);
		return this;
	}

	emit<K extends keyof E>(event: K, payload: E[K]): void {
		const set = this.#listeners.get(event);
		if (!set) return;
		for (const fn of set) {
			try {
				(fn as Listener<E[K]>)(payload);
			} catch {
				// a metrics listener must not break the engine
			}
		}
	}
}
