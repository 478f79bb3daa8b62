// The results document of an engagement (`${engagementId}.results`): what the server computes from the
// private documents, for everyone to read. Only the server writes it (packages/core `accessFor` gives
// every role read access and nobody write access), so a client, a facilitator's included, cannot put
// forged figures in front of the team.
//
// Layout (roots):
//   meta       Y.Map   schemaVersion, applied migrations (migrations.ts)
//   published  KV      aggregate/${runId}/${round}/${itemKey} -> ItemAggregate (no respondent data)
//                      readiness/${runId}/${round}            -> { ready, total } (counts, no names)
//
// The writers and readers are the `published` ones of facilitation-doc.ts (publishAggregates,
// readPublished, setReadiness, readReadiness), which take any document with this root: until v2 the
// facilitation document held it, and the facilitation migration 002 empties it there.
import type * as Y from 'yjs';
import { kvRead } from './kv.ts';
import { readPublished, readReadiness, type Readiness } from './facilitation-doc.ts';
import type { ItemAggregate } from './aggregate.ts';
import { isId } from './keys.ts';

export const RESULTS_ROOTS = { meta: 'meta', published: 'published' } as const;

export interface ResultsState {
	/** By `${runId}/${round}`, ordered by item key. */
	published: Record<string, ItemAggregate[]>;
	/** By `${runId}/${round}`. */
	readiness: Record<string, Readiness>;
}

/** The whole results document as plain data. */
export function readResults(doc: Y.Doc): ResultsState {
	const state: ResultsState = { published: {}, readiness: {} };
	for (const k of kvRead(doc.getArray<unknown>(RESULTS_ROOTS.published)).keys()) {
		const m = /^(aggregate|readiness)\/([^/]+)\/(\d)(?:\/|$)/.exec(k);
		if (!m || !isId(m[2])) continue;
		const rr = `${m[2]}/${m[3]}`;
		if (m[1] === 'aggregate') {
			if (!state.published[rr]) {
				const items = readPublished(doc, m[2]!, Number(m[3]));
				if (items.length) state.published[rr] = items;
			}
		} else {
			const r = readReadiness(doc, m[2]!, Number(m[3]));
			if (r) state.readiness[rr] = r;
		}
	}
	return state;
}
