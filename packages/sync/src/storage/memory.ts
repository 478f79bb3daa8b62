// In-memory DocStorage: for tests and for running without a database. Same contract as DrizzleStorage.
import { loadedFromParts } from './merge.ts';
import { SeqConflictError, type DocStorage, type LoadedDoc, type StorageEntry } from './types.ts';

export interface MemoryRow extends StorageEntry {
	seq: number;
	createdAt: Date;
}

export interface MemorySnapshot {
	uptoSeq: number;
	state: Uint8Array;
	createdAt: Date;
}

export class MemoryStorage implements DocStorage {
	#rows = new Map<string, MemoryRow[]>();
	#snapshots = new Map<string, MemorySnapshot[]>();

	async load(docName: string): Promise<LoadedDoc> {
		const snapshot = this.#snapshots.get(docName)?.at(-1);
		const after = snapshot?.uptoSeq ?? 0;
		const rows = (this.#rows.get(docName) ?? []).filter((r) => r.seq > after);
		const parts = [...(snapshot ? [snapshot.state] : []), ...rows.map((r) => r.update)];
		return loadedFromParts(parts, Math.max(after, rows.at(-1)?.seq ?? 0));
	}

	async append(docName: string, firstSeq: number, entries: StorageEntry[]): Promise<void> {
		const rows = this.#rows.get(docName) ?? [];
		const lastSeq = rows.at(-1)?.seq ?? 0;
		if (firstSeq !== lastSeq + 1) throw new SeqConflictError(docName, firstSeq, lastSeq);
		const now = new Date();
		const added = entries.map((e, i) => ({
			seq: firstSeq + i,
			update: e.update.slice(),
			userId: e.userId,
			connectionId: e.connectionId,
			createdAt: now
		}));
		this.#rows.set(docName, rows.concat(added));
	}

	async compact(docName: string, uptoSeq: number, state: Uint8Array): Promise<void> {
		const kept = (this.#snapshots.get(docName) ?? []).filter((s) => s.uptoSeq > uptoSeq);
		kept.unshift({ uptoSeq, state: state.slice(), createdAt: new Date() });
		this.#snapshots.set(docName, kept);
	}

	/** Test/inspection helper: the log rows of a document, in order. */
	rows(docName: string): readonly MemoryRow[] {
		return this.#rows.get(docName) ?? [];
	}

	/** Test/inspection helper: the snapshots of a document, oldest first. */
	snapshots(docName: string): readonly MemorySnapshot[] {
		return this.#snapshots.get(docName) ?? [];
	}
}
