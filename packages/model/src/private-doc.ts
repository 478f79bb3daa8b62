// The private document of one person in one engagement (`${engagementId}.private.${userId}`): their own
// diagnosis answers. Only that person and the server open it; the server reads all of them and
// publishes aggregates, author stripped, into the facilitation document.
//
// Layout (roots):
//   meta       Y.Map    schemaVersion, applied migrations (migrations.ts)
//   responses  KV       `${runId}/${round}/${itemKey}` -> { score, dontKnow, importance?, comment? }
//   status     KV       `ready/${runId}/${round}` -> true   ("I have finished this round")
import type * as Y from 'yjs';
import type { AnswerInput, AnswersByItem } from './aggregate.ts';
import { assertId, assertKey, assertRound, compareKeys, isId, isKey, isRound, type Round } from './keys.ts';
import { kvRead, kvWrite } from './kv.ts';
import type { Importance, Score } from './labels.ts';

export const PRIVATE_ROOTS = { meta: 'meta', responses: 'responses', status: 'status' } as const;

export const MAX_COMMENT_LENGTH = 10_000;

export interface ResponseKey {
	runId: string;
	round: Round;
	itemKey: string;
}

export interface PrivateResponse {
	/** 1..5, or null when not scored (see dontKnow). */
	score: Score | null;
	/** "Don't know": counted, excluded from statistics. Never true together with a score. */
	dontKnow: boolean;
	importance?: Importance;
	comment?: string;
}

export type ResponseRecord = ResponseKey & PrivateResponse;

export const responsesArray = (doc: Y.Doc) => doc.getArray<unknown>(PRIVATE_ROOTS.responses);
const statusArray = (doc: Y.Doc) => doc.getArray<unknown>(PRIVATE_ROOTS.status);

export function responseKey(k: ResponseKey): string {
	assertId(k.runId, 'runId');
	assertRound(k.round);
	assertKey(k.itemKey, 'itemKey');
	return `${k.runId}/${k.round}/${k.itemKey}`;
}

export function parseResponseKey(s: string): ResponseKey | null {
	const parts = s.split('/');
	if (parts.length !== 3) return null;
	const [runId, r, itemKey] = parts as [string, string, string];
	const round = Number(r);
	if (!isId(runId) || !isRound(round) || String(round) !== r || !isKey(itemKey)) return null;
	return { runId, round, itemKey };
}

const isScore = (s: unknown): s is Score => Number.isInteger(s) && (s as number) >= 1 && (s as number) <= 5;
const isImportance = (s: unknown): s is Importance => s === 1 || s === 2 || s === 3;

/** Sanitise a stored value (any client that may write the doc can store anything): invalid fields are
 *  dropped; a don't-know answer never carries a score. Returns null for an empty or unreadable value. */
export function parseResponse(v: unknown): PrivateResponse | null {
	if (!v || typeof v !== 'object') return null;
	const o = v as Record<string, unknown>;
	const dontKnow = o.dontKnow === true;
	const r: PrivateResponse = { score: !dontKnow && isScore(o.score) ? o.score : null, dontKnow };
	if (isImportance(o.importance)) r.importance = o.importance;
	if (typeof o.comment === 'string' && o.comment !== '') r.comment = o.comment.slice(0, MAX_COMMENT_LENGTH);
	if (r.score === null && !r.dontKnow && r.importance === undefined && r.comment === undefined) return null;
	return r;
}

/** Has this response an answer to the maturity question (a score or "don't know")? */
export const isAnswered = (r: PrivateResponse) => r.score !== null || r.dontKnow;

export function readResponse(doc: Y.Doc, key: ResponseKey): PrivateResponse | null {
	return parseResponse(kvRead(responsesArray(doc)).get(responseKey(key)));
}

/** My responses, optionally for one run and round, ordered by run, round, item key. */
export function readResponses(doc: Y.Doc, filter: { runId?: string; round?: Round } = {}): ResponseRecord[] {
	const out: ResponseRecord[] = [];
	for (const [k, v] of kvRead(responsesArray(doc))) {
		const key = parseResponseKey(k);
		if (!key) continue;
		if (filter.runId !== undefined && key.runId !== filter.runId) continue;
		if (filter.round !== undefined && key.round !== filter.round) continue;
		const r = parseResponse(v);
		if (r) out.push({ ...key, ...r });
	}
	return out.sort((a, b) => (a.runId < b.runId ? -1 : a.runId > b.runId ? 1 : a.round - b.round || compareKeys(a.itemKey, b.itemKey)));
}

export interface ResponsePatch {
	/** A score clears "don't know"; null clears the score. */
	score?: Score | null;
	/** true clears the score. */
	dontKnow?: boolean;
	/** null removes it. */
	importance?: Importance | null;
	/** null or '' removes it. */
	comment?: string | null;
}

/** Change some fields of one response (one transaction; the whole value is replaced, see kv.ts).
 *  Returns the new response, or null if it became empty (and was removed). */
export function setResponse(doc: Y.Doc, key: ResponseKey, patch: ResponsePatch, opts: { now?: number; origin?: unknown } = {}): PrivateResponse | null {
	const k = responseKey(key);
	if (patch.score !== undefined && patch.score !== null && !isScore(patch.score)) throw new TypeError(`score must be 1..5 or null (got ${JSON.stringify(patch.score)})`);
	if (patch.importance !== undefined && patch.importance !== null && !isImportance(patch.importance))
		throw new TypeError(`importance must be 1..3 or null (got ${JSON.stringify(patch.importance)})`);
	if (patch.comment != null && (typeof patch.comment !== 'string' || patch.comment.length > MAX_COMMENT_LENGTH))
		throw new TypeError(`comment must be a string of at most ${MAX_COMMENT_LENGTH} characters`);
	let result: PrivateResponse | null = null;
	doc.transact(() => {
		const cur = readResponse(doc, key) ?? { score: null, dontKnow: false };
		const next: PrivateResponse = { score: cur.score, dontKnow: cur.dontKnow };
		if (cur.importance !== undefined) next.importance = cur.importance;
		if (cur.comment !== undefined) next.comment = cur.comment;
		if (patch.score !== undefined) {
			next.score = patch.score;
			if (patch.score !== null) next.dontKnow = false;
		}
		if (patch.dontKnow !== undefined) {
			next.dontKnow = patch.dontKnow;
			if (patch.dontKnow) next.score = null;
		}
		if (patch.importance !== undefined) {
			if (patch.importance === null) delete next.importance;
			else next.importance = patch.importance;
		}
		if (patch.comment !== undefined) {
			if (patch.comment === null || patch.comment === '') delete next.comment;
			else next.comment = patch.comment;
		}
		result = parseResponse(next);
		kvWrite(responsesArray(doc), [[k, result ?? undefined]], { now: opts.now });
	}, opts.origin);
	return result;
}

export function clearResponse(doc: Y.Doc, key: ResponseKey, opts: { origin?: unknown } = {}): void {
	kvWrite(responsesArray(doc), [[responseKey(key), undefined]], { origin: opts.origin });
}

const readyKey = (runId: string, round: Round) => {
	assertId(runId, 'runId');
	assertRound(round);
	return `ready/${runId}/${round}`;
};

/** "I have finished this round." The server counts these (without names) into the facilitation doc. */
export function setReady(doc: Y.Doc, opts: { runId: string; round: Round; ready: boolean; now?: number; origin?: unknown }): void {
	kvWrite(statusArray(doc), [[readyKey(opts.runId, opts.round), opts.ready ? true : undefined]], { now: opts.now, origin: opts.origin });
}

export function readReady(doc: Y.Doc, runId: string, round: Round): boolean {
	return kvRead(statusArray(doc)).get(readyKey(runId, round)) === true;
}

export interface PrivateState {
	responses: ResponseRecord[];
	ready: { runId: string; round: Round }[];
}

/** The whole private document as plain data. */
export function readPrivate(doc: Y.Doc): PrivateState {
	const ready: { runId: string; round: Round }[] = [];
	for (const [k, v] of kvRead(statusArray(doc))) {
		const m = /^ready\/([^/]+)\/(\d)$/.exec(k);
		if (m && v === true && isId(m[1])) ready.push({ runId: m[1]!, round: Number(m[2]) });
	}
	ready.sort((a, b) => (a.runId < b.runId ? -1 : a.runId > b.runId ? 1 : a.round - b.round));
	return { responses: readResponses(doc), ready };
}

/**
 * Server side: the answers of many people for one run and round, grouped by item, ready for
 * aggregateRun(). Only answered responses count (a comment alone is not an answer). Each item's answers
 * are sorted by value, so nothing (not even array position across items) ties an answer to a person.
 */
export function collectAnswers(docs: Iterable<Y.Doc>, opts: { runId: string; round: Round }): AnswersByItem {
	const out: Record<string, AnswerInput[]> = {};
	for (const doc of docs) {
		for (const r of readResponses(doc, opts)) {
			if (!isAnswered(r)) continue;
			const a: AnswerInput = { score: r.score };
			if (r.importance !== undefined) a.importance = r.importance;
			(out[r.itemKey] ??= []).push(a);
		}
	}
	const rank = (a: AnswerInput) => (a.score ?? 0) * 10 + (a.importance ?? 0);
	for (const list of Object.values(out)) list.sort((a, b) => rank(a) - rank(b));
	return out;
}

/** Server side: how many of these people marked the round finished. No names leave this function. */
export function countReady(docs: Iterable<Y.Doc>, opts: { runId: string; round: Round }): { ready: number; total: number } {
	let ready = 0;
	let total = 0;
	for (const doc of docs) {
		total++;
		if (readReady(doc, opts.runId, opts.round)) ready++;
	}
	return { ready, total };
}
