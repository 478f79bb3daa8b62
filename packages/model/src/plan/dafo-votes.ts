// Dot voting on DAFO cards: the facilitator's configuration and the count. Ballots are private (each
// person's private document); the server counts them with countVotes and publishes only the totals.
import { PlanValidationError } from './errors.ts';

export const MAX_VOTES_PER_PERSON = 50;

export interface VoteConfig {
	/** Voting round: opening a new vote starts a new round, so older ballots never count again. */
	round: number;
	open: boolean;
	/** Dots each person may place in total. */
	votesPerPerson: number;
	/** Dots one person may place on one card. */
	maxPerCard: number;
	at: number;
}

const isPosInt = (v: unknown, max: number): v is number => Number.isInteger(v) && (v as number) >= 1 && (v as number) <= max;

export function parseVoteConfig(v: unknown): VoteConfig | null {
	if (!v || typeof v !== 'object') return null;
	const o = v as Record<string, unknown>;
	if (!isPosInt(o.round, 1_000_000) || typeof o.open !== 'boolean' || !isPosInt(o.votesPerPerson, MAX_VOTES_PER_PERSON) || !isPosInt(o.maxPerCard, MAX_VOTES_PER_PERSON)) return null;
	if (typeof o.at !== 'number' || !Number.isFinite(o.at)) return null;
	return { round: o.round, open: o.open, votesPerPerson: o.votesPerPerson, maxPerCard: Math.min(o.maxPerCard, o.votesPerPerson), at: o.at };
}

export function assertVoteLimits(votesPerPerson: number, maxPerCard: number) {
	if (!isPosInt(votesPerPerson, MAX_VOTES_PER_PERSON)) throw new PlanValidationError('vote_config', 'votesPerPerson', `votes per person must be an integer 1..${MAX_VOTES_PER_PERSON}`);
	if (!isPosInt(maxPerCard, votesPerPerson)) throw new PlanValidationError('vote_config', 'maxPerCard', 'votes per card must be an integer between 1 and the votes per person');
}

/** One person's ballot: dots by card id. */
export type Ballot = ReadonlyMap<string, number>;

/**
 * A ballot as it counts: dots on cards that exist, whole numbers, at most `maxPerCard` per card and
 * `votesPerPerson` in total. A ballot over budget (a hand-edited document, an old client) is trimmed
 * deterministically, cards in id order, rather than thrown away.
 */
export function validBallot(ballot: Ballot, limits: Pick<VoteConfig, 'votesPerPerson' | 'maxPerCard'>, cardIds: ReadonlySet<string>): Map<string, number> {
	const out = new Map<string, number>();
	let left = limits.votesPerPerson;
	for (const id of [...ballot.keys()].sort()) {
		const n = ballot.get(id)!;
		if (!cardIds.has(id) || !Number.isInteger(n) || n <= 0 || left === 0) continue;
		const counted = Math.min(n, limits.maxPerCard, left);
		out.set(id, counted);
		left -= counted;
	}
	return out;
}

export interface VoteTotals {
	/** Dots per card id (cards with none are absent). */
	totals: Record<string, number>;
	/** How many people placed at least one dot. */
	voters: number;
	votesCast: number;
}

/** Add up ballots. Nothing in the result says who voted for what. */
export function countVotes(ballots: Iterable<Ballot>, limits: Pick<VoteConfig, 'votesPerPerson' | 'maxPerCard'>, cardIds: ReadonlySet<string>): VoteTotals {
	const totals: Record<string, number> = {};
	let voters = 0;
	let votesCast = 0;
	for (const b of ballots) {
		const valid = validBallot(b, limits, cardIds);
		if (valid.size === 0) continue;
		voters++;
		for (const [id, n] of valid) {
			totals[id] = (totals[id] ?? 0) + n;
			votesCast += n;
		}
	}
	const sorted: Record<string, number> = {};
	for (const id of Object.keys(totals).sort()) sorted[id] = totals[id]!;
	return { totals: sorted, voters, votesCast };
}

/** Card ids by total, most voted first (ties by id, so every replica ranks the same way). */
export function rankByVotes(totals: Readonly<Record<string, number>>): { cardId: string; votes: number }[] {
	return Object.entries(totals)
		.map(([cardId, votes]) => ({ cardId, votes }))
		.sort((a, b) => b.votes - a.votes || (a.cardId < b.cardId ? -1 : 1));
}

/** Dots this ballot still has to place. */
export const dotsLeft = (ballot: Ballot, votesPerPerson: number) => votesPerPerson - [...ballot.values()].reduce((s, n) => s + (Number.isInteger(n) && n > 0 ? n : 0), 0);
