// Retention of automatic checkpoints. Only kind 'auto' is ever pruned; named versions, session-end
// checkpoints, restores and imports are kept forever (a named version can be renamed, never dropped).
// Dropping a checkpoint loses nothing: the log rows stay, so any point remains reachable by replay.

export interface RetentionCandidate {
	id: string;
	kind: string;
	createdAt: Date;
}

export interface RetentionPolicy {
	/** Every automatic checkpoint younger than this is kept. */
	keepAllMs: number;
	/** Older ones: the newest per day is kept until this age… */
	dailyMs: number;
	/** …and the newest per ISO week after that, forever. */
}

export const DEFAULT_RETENTION: RetentionPolicy = { keepAllMs: 2 * 24 * 3600_000, dailyMs: 30 * 24 * 3600_000 };

export const PRUNABLE_KIND = 'auto';

function weekKey(d: Date): string {
	const t = new Date(Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), d.getUTCDate()));
	const day = (t.getUTCDay() + 6) % 7;
	t.setUTCDate(t.getUTCDate() - day);
	return t.toISOString().slice(0, 10);
}

/** Ids of the automatic checkpoints to delete. */
export function checkpointsToPrune(versions: readonly RetentionCandidate[], now: Date, policy: RetentionPolicy = DEFAULT_RETENTION): string[] {
	const autos = versions.filter((v) => v.kind === PRUNABLE_KIND).sort((a, b) => b.createdAt.getTime() - a.createdAt.getTime());
	const kept = new Set<string>();
	const drop: string[] = [];
	for (const v of autos) {
		const age = now.getTime() - v.createdAt.getTime();
		if (age < policy.keepAllMs) continue;
		const bucket = age < policy.dailyMs ? `d:${v.createdAt.toISOString().slice(0, 10)}` : `w:${weekKey(v.createdAt)}`;
		if (kept.has(bucket)) drop.push(v.id);
		else kept.add(bucket);
	}
	return drop;
}
