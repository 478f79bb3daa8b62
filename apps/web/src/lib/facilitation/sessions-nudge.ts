// The live nudge between pages about workshop sessions: sessions live in the database, not in a Y.Doc, so
// the page whose session panel starts or ends one sets a timestamp in the workspace document's awareness,
// and the pages that list sessions re-read them when someone else's timestamp changes.
export const SESSIONS_FIELD = 'sessionsAt';

export function announceSessions(awareness: { setLocalStateField: (field: string, value: unknown) => void }) {
	awareness.setLocalStateField(SESSIONS_FIELD, Date.now());
}

/** The latest such timestamp among the other clients' states (0 if none). */
export function latestSessionsSignal(states: Map<number, Record<string, unknown>>, ownClientId: number): number {
	let latest = 0;
	for (const [clientId, s] of states) {
		const at = s[SESSIONS_FIELD];
		if (clientId !== ownClientId && typeof at === 'number' && at > latest) latest = at;
	}
	return latest;
}
