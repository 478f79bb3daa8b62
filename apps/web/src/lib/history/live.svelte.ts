// The history pages hear the server when a version of a document they can read is written, renamed or
// dropped (server-sent events, GET /api/v1/engagements/:id/history/events, same access rules as the
// timeline), and refresh then instead of waiting for a button or a tab focus. Why SSE and not a read
// connection to the live documents: versions are rows in the database, not document content, and a
// one-way stream from the API is what the timeline needs; EventSource reconnects by itself.
export interface HistoryEvent {
	doc: 'workspace' | 'facilitation';
	/** 'audited': a history action was recorded in the audit (the audit page refreshes on it). */
	change: 'written' | 'renamed' | 'dropped' | 'audited';
	/** The version's kind, or the audited action. */
	kind: string | null;
}

export class HistoryLive {
	/** The stream is open: the page is up to date without refreshing by hand. */
	connected = $state(false);
	#source: EventSource | null = null;

	constructor(
		readonly engagementId: string,
		readonly onEvent: (e: HistoryEvent) => void
	) {}

	start() {
		if (this.#source || typeof EventSource === 'undefined') return;
		const source = new EventSource(`/api/v1/engagements/${encodeURIComponent(this.engagementId)}/history/events`);
		source.onopen = () => (this.connected = true);
		// EventSource retries by itself; a refusal (404, 401) closes it for good.
		source.onerror = () => (this.connected = source.readyState === EventSource.OPEN);
		source.addEventListener('history', (ev) => {
			try {
				this.onEvent(JSON.parse((ev as MessageEvent<string>).data) as HistoryEvent);
			} catch {
				/* a malformed event is ignored; the next one refreshes */
			}
		});
		this.#source = source;
	}

	stop() {
		this.#source?.close();
		this.#source = null;
		this.connected = false;
	}
}

/** Runs `fn` now, or once more right after the run in flight ends (events can come in bursts). */
export function coalesced(fn: () => Promise<void>): () => void {
	let running = false;
	let again = false;
	const run = async () => {
		if (running) {
			again = true;
			return;
		}
		running = true;
		try {
			do {
				again = false;
				await fn();
			} while (again);
		} finally {
			running = false;
		}
	};
	return () => void run();
}
