// The persistence contract (SPEC [S1]-[S6]). Implementations: MemoryStorage, DrizzleStorage.

export interface StorageEntry {
	update: Uint8Array;
	userId: string | null;
	connectionId: string | null;
}

export interface LoadedDoc {
	/** Merge of the latest snapshot and every log row after it; null for a document never written. */
	state: Uint8Array | null;
	/** Highest committed sequence number (0 when empty). */
	lastSeq: number;
	/**
	 * Optional: the same content unmerged, the snapshot then each row after it (empty for a document
	 * never written). Applying these in one transaction loads faster than merging them first.
	 */
	parts?: Uint8Array[];
}

export interface DocStorage {
	load(docName: string): Promise<LoadedDoc>;
	/**
	 * Appends rows firstSeq..firstSeq+n-1 in one transaction. Throws SeqConflictError (and writes nothing)
	 * when firstSeq is not exactly lastSeq + 1, e.g. because another writer got there first.
	 */
	append(docName: string, firstSeq: number, entries: StorageEntry[]): Promise<void>;
	/** Writes a snapshot covering seq <= uptoSeq. Log rows are kept; older snapshots may be deleted. */
	compact(docName: string, uptoSeq: number, state: Uint8Array): Promise<void>;
}

/** The log already holds a row at (or beyond) the requested sequence: someone else wrote the doc. */
export class SeqConflictError extends Error {
	override name = 'SeqConflictError';
	constructor(
		readonly docName: string,
		readonly firstSeq: number,
		readonly lastSeq: number | null
	) {
		super(`sequence conflict on ${docName}: wanted ${firstSeq}, log is at ${lastSeq ?? 'unknown'}`);
	}
}
