// One truthful status for a page that syncs several documents: "saved" only when every document is
// saved; otherwise the most serious state of any of them.
import type { SyncPhase, SyncStatus, StopReason } from '$lib/sync/sync-status.svelte';

export type StatusLike = Pick<SyncStatus, 'phase' | 'unsaved' | 'stopped'> & { readonly frozen?: boolean };

const SEVERITY: Record<SyncPhase, number> = { stopped: 4, offline: 3, connecting: 2, saving: 1, saved: 0 };

export class CombinedSyncStatus implements StatusLike {
	readonly #parts: readonly StatusLike[];

	constructor(parts: readonly StatusLike[]) {
		this.#parts = parts;
	}

	get phase(): SyncPhase {
		let worst: SyncPhase = 'saved';
		for (const p of this.#parts) if (SEVERITY[p.phase] > SEVERITY[worst]) worst = p.phase;
		return worst;
	}

	/** Every document is a stored version opened read-only (history). */
	get frozen(): boolean {
		return this.#parts.every((p) => p.frozen === true);
	}

	get unsaved(): number {
		return this.#parts.reduce((n, p) => n + p.unsaved, 0);
	}

	get stopped(): StopReason | null {
		for (const p of this.#parts) if (p.stopped) return p.stopped;
		return null;
	}
}
