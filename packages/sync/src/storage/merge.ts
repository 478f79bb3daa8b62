import * as Y from 'yjs';

/** Merges a snapshot and the log rows after it into one update (no Y.Doc needed). */
export function mergeState(parts: Uint8Array[]): Uint8Array | null {
	if (parts.length === 0) return null;
	if (parts.length === 1) return parts[0]!;
	return Y.mergeUpdates(parts);
}
