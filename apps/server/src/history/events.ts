// "The history of a document changed": a version was written (named, automatic, session, restore,
// imported), renamed or dropped by retention, or a history action on it was audited. The store emits it after the row is committed; the events
// route (routes/api/history.ts) forwards it as server-sent events to the history pages of people who may
// read that document, so their timeline and audit refresh at once. In-process: one server owns a document.
import { EventEmitter } from 'node:events';

export interface HistoryChange {
	docName: string;
	/** What happened to which version ('dropped' lists several; 'audited': an audit row was written). */
	change: 'written' | 'renamed' | 'dropped' | 'audited';
	/** The version's kind, or the audited action. */
	kind: string | null;
	versionIds: string[];
}

export class HistoryEvents {
	readonly #bus = new EventEmitter();

	constructor() {
		// One listener per open history page: no fixed ceiling (each removes itself on disconnect).
		this.#bus.setMaxListeners(0);
	}

	emit(change: HistoryChange) {
		this.#bus.emit('change', change);
	}

	/** Returns the unsubscribe function. */
	subscribe(listener: (change: HistoryChange) => void): () => void {
		this.#bus.on('change', listener);
		return () => this.#bus.off('change', listener);
	}
}
