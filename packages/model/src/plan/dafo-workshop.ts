// The live DAFO workshop: the facilitator's controls (facilitation document), each person's private cards
// and ballot (their private document), and what the server publishes from them.
//
// Facilitation document (existing KV roots, keys prefixed `dafo/`):
//   control    dafo/step   -> DafoStep                                   (facilitators)
//              dafo/reveal -> { round, anonymous, at, by? }              (facilitators: "reveal now")
//              dafo/vote   -> VoteConfig                                 (facilitators)
// Results document (`published` KV root, written by the server only, so nobody can forge them):
//   published  dafo/revealed        -> { round, cards, anonymous, at }   (server: last reveal done)
//              dafo/votes/${round}  -> VoteTotals & { closedAt }         (server, once voting closes)
// Private document (new KV roots):
//   dafoCards  cardId -> { quadrant, text, sourceRef?, createdAt, publishedAs?, revealRound? }
//   dafoVotes  `${round}/${cardId}` -> dots
//
// A reveal is a request with a round number: the server publishes every private card not yet published,
// marks it in its author's private document (publishedAs, revealRound), then records the round as done.
// A card written after that waits for the next reveal, so the moment a card appears never points at the
// person who just typed it.
import type * as Y from 'yjs';
import { FACILITATION_ROOTS } from '../facilitation-doc.ts';
import { assertId, isId, isKey } from '../keys.ts';
import { kvRead, kvWrite } from '../kv.ts';
import { RESULTS_ROOTS } from '../results-doc.ts';
import type { Localized } from '../labels.ts';
import { MAX_CARD_TEXT, isQuadrant, type Quadrant } from './dafo.ts';
import { PlanValidationError } from './errors.ts';
import { assertVoteLimits, parseVoteConfig, type Ballot, type VoteConfig, type VoteTotals } from './dafo-votes.ts';

export const DAFO_PRIVATE_ROOTS = { cards: 'dafoCards', votes: 'dafoVotes' } as const;

/** aportació privada -> revelació -> agrupació -> votació -> priorització (CAME). */
export const DAFO_STEPS = ['write', 'reveal', 'cluster', 'vote', 'came'] as const;
export type DafoStep = (typeof DAFO_STEPS)[number];
export const isDafoStep = (v: unknown): v is DafoStep => typeof v === 'string' && (DAFO_STEPS as readonly string[]).includes(v);

export const DAFO_STEP_LABELS: Readonly<Record<DafoStep, Localized>> = {
	write: { ca: 'Aportació privada', es: 'Aportación privada', en: 'Private writing' },
	reveal: { ca: 'Revelació', es: 'Revelación', en: 'Reveal' },
	cluster: { ca: 'Agrupació', es: 'Agrupación', en: 'Clustering' },
	vote: { ca: 'Votació', es: 'Votación', en: 'Voting' },
	came: { ca: 'Priorització (CAME)', es: 'Priorización (CAME)', en: 'Prioritisation (CAME)' }
};

type WriteOpts = { now?: number; origin?: unknown };
const isObj = (v: unknown): v is Record<string, unknown> => !!v && typeof v === 'object' && !Array.isArray(v);
const isNum = (v: unknown): v is number => typeof v === 'number' && Number.isFinite(v);
const isRoundNo = (v: unknown): v is number => Number.isInteger(v) && (v as number) >= 1;

const control = (doc: Y.Doc) => doc.getArray<unknown>(FACILITATION_ROOTS.control);
const published = (doc: Y.Doc) => doc.getArray<unknown>(RESULTS_ROOTS.published);

// ---- facilitation: controls ----

export interface RevealRequest {
	round: number;
	anonymous: boolean;
	at: number;
	by?: string;
}

export interface DafoControl {
	step: DafoStep;
	reveal: RevealRequest | null;
	vote: VoteConfig | null;
}

function parseReveal(v: unknown): RevealRequest | null {
	if (!isObj(v) || !isRoundNo(v.round) || typeof v.anonymous !== 'boolean' || !isNum(v.at)) return null;
	const r: RevealRequest = { round: v.round, anonymous: v.anonymous, at: v.at };
	if (isId(v.by)) r.by = v.by;
	return r;
}

export function readDafoControl(doc: Y.Doc): DafoControl {
	const c = kvRead(control(doc));
	const step = c.get('dafo/step');
	return { step: isDafoStep(step) ? step : 'write', reveal: parseReveal(c.get('dafo/reveal')), vote: parseVoteConfig(c.get('dafo/vote')) };
}

export function setDafoStep(doc: Y.Doc, step: DafoStep, opts: WriteOpts = {}): void {
	if (!isDafoStep(step)) throw new TypeError(`unknown DAFO step ${JSON.stringify(step)}`);
	kvWrite(control(doc), [['dafo/step', step]], opts);
}

/** Ask the server to publish everyone's private cards (a new reveal round each time). */
export function requestReveal(doc: Y.Doc, opts: { anonymous: boolean; at: number; by?: string; origin?: unknown }): RevealRequest {
	if (typeof opts.anonymous !== 'boolean') throw new TypeError('anonymous must be a boolean');
	let req!: RevealRequest;
	doc.transact(() => {
		// Rounds count the requests in this document; what the server has done is in the results document.
		const prev = readDafoControl(doc).reveal;
		req = { round: (prev?.round ?? 0) + 1, anonymous: opts.anonymous, at: opts.at };
		// The facilitator's name on an anonymous reveal says nothing about the cards; keep it for the log.
		if (opts.by !== undefined) req.by = opts.by;
		kvWrite(control(doc), [['dafo/reveal', req]], { now: opts.at });
	}, opts.origin);
	return req;
}

/** Open a new vote (a new round: ballots of earlier rounds no longer count). */
export function openVote(doc: Y.Doc, opts: { votesPerPerson: number; maxPerCard: number; at: number; origin?: unknown }): VoteConfig {
	assertVoteLimits(opts.votesPerPerson, opts.maxPerCard);
	let cfg!: VoteConfig;
	doc.transact(() => {
		const prev = readDafoControl(doc).vote;
		cfg = { round: (prev?.round ?? 0) + 1, open: true, votesPerPerson: opts.votesPerPerson, maxPerCard: opts.maxPerCard, at: opts.at };
		kvWrite(control(doc), [['dafo/vote', cfg], ['dafo/step', 'vote']], { now: opts.at });
	}, opts.origin);
	return cfg;
}

/** Close the current vote: the server then counts the ballots and publishes the totals. */
export function closeVote(doc: Y.Doc, opts: { at: number; origin?: unknown }): VoteConfig | null {
	let cfg: VoteConfig | null = null;
	doc.transact(() => {
		const prev = readDafoControl(doc).vote;
		if (!prev || !prev.open) return;
		cfg = { ...prev, open: false, at: opts.at };
		kvWrite(control(doc), [['dafo/vote', cfg]], { now: opts.at });
	}, opts.origin);
	return cfg;
}

// ---- results document: what the server publishes ----

export interface RevealDone {
	round: number;
	/** How many cards this reveal published. */
	cards: number;
	anonymous: boolean;
	at: number;
}

export function readRevealed(doc: Y.Doc): RevealDone | null {
	const v = kvRead(published(doc)).get('dafo/revealed');
	if (!isObj(v) || !isRoundNo(v.round) || !Number.isInteger(v.cards) || typeof v.anonymous !== 'boolean' || !isNum(v.at)) return null;
	return { round: v.round, cards: v.cards as number, anonymous: v.anonymous, at: v.at };
}

export function markRevealed(doc: Y.Doc, done: RevealDone, opts: WriteOpts = {}): void {
	if (!isRoundNo(done.round) || !Number.isInteger(done.cards) || done.cards < 0) throw new RangeError('bad reveal record');
	kvWrite(published(doc), [['dafo/revealed', { round: done.round, cards: done.cards, anonymous: done.anonymous, at: done.at }]], opts);
}

export type PublishedVotes = VoteTotals & { round: number; closedAt: number };

export function publishVoteTotals(doc: Y.Doc, v: PublishedVotes, opts: WriteOpts = {}): void {
	if (!isRoundNo(v.round)) throw new RangeError('bad vote round');
	const totals: Record<string, number> = {};
	for (const [id, n] of Object.entries(v.totals)) {
		assertId(id, 'card id');
		if (!Number.isInteger(n) || n < 0) throw new RangeError('vote totals must be non-negative integers');
		totals[id] = n;
	}
	kvWrite(published(doc), [[`dafo/votes/${v.round}`, { totals, voters: v.voters, votesCast: v.votesCast, closedAt: v.closedAt }]], opts);
}

export function readVoteTotals(doc: Y.Doc, round: number): PublishedVotes | null {
	const v = kvRead(published(doc)).get(`dafo/votes/${round}`);
	if (!isObj(v) || !isObj(v.totals) || !Number.isInteger(v.voters) || !Number.isInteger(v.votesCast) || !isNum(v.closedAt)) return null;
	const totals: Record<string, number> = {};
	for (const [id, n] of Object.entries(v.totals)) if (isId(id) && Number.isInteger(n) && (n as number) >= 0) totals[id] = n as number;
	return { round, totals, voters: v.voters as number, votesCast: v.votesCast as number, closedAt: v.closedAt };
}

/** The totals of the latest closed vote, if any. */
export function latestVoteTotals(doc: Y.Doc): PublishedVotes | null {
	let best: PublishedVotes | null = null;
	for (const k of kvRead(published(doc)).keys()) {
		const m = /^dafo\/votes\/(\d+)$/.exec(k);
		if (!m) continue;
		const t = readVoteTotals(doc, Number(m[1]));
		if (t && (!best || t.round > best.round)) best = t;
	}
	return best;
}

// ---- private document: my cards and my ballot ----

export interface PrivateCard {
	id: string;
	quadrant: Quadrant;
	text: string;
	sourceRef?: string;
	createdAt: number;
	/** Board card id, once a reveal published it (server). */
	publishedAs?: string;
	revealRound?: number;
}

const privCards = (doc: Y.Doc) => doc.getArray<unknown>(DAFO_PRIVATE_ROOTS.cards);
const privVotes = (doc: Y.Doc) => doc.getArray<unknown>(DAFO_PRIVATE_ROOTS.votes);

function parsePrivateCard(id: string, v: unknown): PrivateCard | null {
	if (!isId(id) || !isObj(v) || !isQuadrant(v.quadrant) || typeof v.text !== 'string' || !isNum(v.createdAt)) return null;
	const c: PrivateCard = { id, quadrant: v.quadrant, text: v.text.slice(0, MAX_CARD_TEXT), createdAt: v.createdAt };
	if (isKey(v.sourceRef)) c.sourceRef = v.sourceRef;
	if (isId(v.publishedAs)) c.publishedAs = v.publishedAs;
	if (isRoundNo(v.revealRound)) c.revealRound = v.revealRound;
	return c;
}

export function readPrivateCards(doc: Y.Doc): PrivateCard[] {
	const out: PrivateCard[] = [];
	for (const [id, v] of kvRead(privCards(doc))) {
		const c = parsePrivateCard(id, v);
		if (c) out.push(c);
	}
	return out.sort((a, b) => a.createdAt - b.createdAt || (a.id < b.id ? -1 : 1));
}

/** Write (create or replace) one of my private cards. Published cards are no longer mine to change
 *  here: they live on the board. Empty text deletes an unpublished card. */
export function savePrivateCard(doc: Y.Doc, card: { id: string; quadrant: Quadrant; text: string; sourceRef?: string; createdAt: number }, opts: WriteOpts = {}): void {
	assertId(card.id, 'card id');
	if (!isQuadrant(card.quadrant)) throw new TypeError(`unknown quadrant ${JSON.stringify(card.quadrant)}`);
	if (typeof card.text !== 'string' || card.text.length > MAX_CARD_TEXT) throw new PlanValidationError('too_long', 'text', `card text must be a string of at most ${MAX_CARD_TEXT} characters`);
	if (card.sourceRef !== undefined && !isKey(card.sourceRef)) throw new TypeError('sourceRef must be an item key');
	doc.transact(() => {
		const cur = parsePrivateCard(card.id, kvRead(privCards(doc)).get(card.id));
		if (cur?.publishedAs) throw new PlanValidationError('already_published', 'text', `card ${card.id} is already on the board`);
		const v: Record<string, unknown> = { quadrant: card.quadrant, text: card.text, createdAt: card.createdAt };
		if (card.sourceRef) v.sourceRef = card.sourceRef;
		kvWrite(privCards(doc), [[card.id, card.text.trim() === '' ? undefined : v]], opts);
	}, opts.origin);
}

export function deletePrivateCard(doc: Y.Doc, id: string, opts: WriteOpts = {}): void {
	doc.transact(() => {
		const cur = parsePrivateCard(id, kvRead(privCards(doc)).get(id));
		if (cur?.publishedAs) throw new PlanValidationError('already_published', 'text', `card ${id} is already on the board`);
		kvWrite(privCards(doc), [[id, undefined]], opts);
	}, opts.origin);
}

/** Server: record that a private card was published as board card `boardId` in reveal `round`. */
export function markPrivateCardPublished(doc: Y.Doc, id: string, boardId: string, round: number, opts: WriteOpts = {}): void {
	assertId(boardId, 'board card id');
	const cur = parsePrivateCard(id, kvRead(privCards(doc)).get(id));
	if (!cur) throw new Error(`no private card ${id}`);
	const v: Record<string, unknown> = { quadrant: cur.quadrant, text: cur.text, createdAt: cur.createdAt, publishedAs: boardId, revealRound: round };
	if (cur.sourceRef) v.sourceRef = cur.sourceRef;
	kvWrite(privCards(doc), [[id, v]], opts);
}

/** My ballot in a voting round: dots by card id. */
export function readBallot(doc: Y.Doc, round: number): Map<string, number> {
	const out = new Map<string, number>();
	const prefix = `${round}/`;
	for (const [k, v] of kvRead(privVotes(doc))) {
		if (!k.startsWith(prefix)) continue;
		const id = k.slice(prefix.length);
		if (isId(id) && Number.isInteger(v) && (v as number) > 0) out.set(id, v as number);
	}
	return out;
}

/** Place (or take back) my dots on a card, within the vote's limits. Throws when over a limit or when
 *  the vote is not open; the server applies the same limits when it counts. */
export function setMyVotes(doc: Y.Doc, opts: { vote: VoteConfig; cardId: string; dots: number; now?: number; origin?: unknown }): void {
	assertId(opts.cardId, 'card id');
	if (!opts.vote.open) throw new PlanValidationError('vote_closed', 'votes', 'voting is closed');
	if (!Number.isInteger(opts.dots) || opts.dots < 0 || opts.dots > opts.vote.maxPerCard) throw new PlanValidationError('vote_limit_card', 'votes', `dots on a card must be 0..${opts.vote.maxPerCard}`);
	doc.transact(() => {
		const ballot: Ballot = readBallot(doc, opts.vote.round);
		const others = [...ballot].reduce((s, [id, n]) => (id === opts.cardId ? s : s + n), 0);
		if (others + opts.dots > opts.vote.votesPerPerson) throw new PlanValidationError('vote_limit_person', 'votes', `only ${opts.vote.votesPerPerson} dots per person`);
		kvWrite(privVotes(doc), [[`${opts.vote.round}/${opts.cardId}`, opts.dots === 0 ? undefined : opts.dots]], { now: opts.now });
	}, opts.origin);
}

export interface RevealInput {
	userId: string;
	cards: readonly PrivateCard[];
}

export interface RevealPlan {
	/** Board cards to add, in the order to add them. */
	cards: { id: string; quadrant: Quadrant; text: string; sourceRef?: string; authorId?: string; createdAt: number }[];
	/** Which private card became which board card (to mark in each private document). */
	marks: { userId: string; privateId: string; boardId: string }[];
}

/**
 * Server: what a reveal publishes. Every unpublished, non-empty private card becomes a board card with a
 * fresh id. Anonymous: no author, the reveal's time instead of the writing time, and the cards ordered by
 * their random new ids, so neither a field nor the order ties a card to a person. With `resumeRound`,
 * cards already marked for that round are planned again with their recorded ids (idempotent retry).
 */
export function planReveal(inputs: readonly RevealInput[], opts: { anonymous: boolean; at: number; newId: () => string; resumeRound?: number }): RevealPlan {
	const plan: RevealPlan = { cards: [], marks: [] };
	for (const { userId, cards } of inputs) {
		assertId(userId, 'userId');
		for (const c of cards) {
			// A card already marked for this very round (an interrupted reveal) is planned again under its id.
			const resume = c.publishedAs !== undefined && opts.resumeRound !== undefined && c.revealRound === opts.resumeRound;
			if ((c.publishedAs && !resume) || c.text.trim() === '') continue;
			const id = resume ? c.publishedAs! : opts.newId();
			assertId(id, 'new card id');
			const card: RevealPlan['cards'][number] = { id, quadrant: c.quadrant, text: c.text.trim(), createdAt: opts.anonymous ? opts.at : c.createdAt };
			if (c.sourceRef) card.sourceRef = c.sourceRef;
			if (!opts.anonymous) card.authorId = userId;
			plan.cards.push(card);
			plan.marks.push({ userId, privateId: c.id, boardId: id });
		}
	}
	if (opts.anonymous) plan.cards.sort((a, b) => (a.id < b.id ? -1 : 1));
	return plan;
}
