// Turns private DAFO input into what the team may see (DOMAIN A3.2, DESIGN §3), like the diagnosis
// publisher does for scores:
//  - reveal: when a facilitator requests a reveal round, every unpublished private card of the
//    engagement's facilitators and members goes onto the board, written by the server (userId null),
//    with its author only if the facilitator did not choose anonymity. Anonymous cards carry no author
//    field, the reveal's time instead of the writing time, and a random order; nothing about who wrote
//    what is logged.
//  - votes: when a facilitator closes a vote, the ballots in the private documents are counted and only
//    the totals are published into the results document (server-written only, like the reveal record).
// Each private card is marked in its author's private document (publishedAs) BEFORE the board is
// written, so a crash in between re-adds the same cards under the same ids instead of duplicating them.
import type { Core } from '@teixit/core';
import { facilitationDocName, parseDocName, privateDocName, resultsDocName, workspaceDocName } from '@teixit/core';
import {
	addCard,
	cardsMap,
	countVotes,
	markPrivateCardPublished,
	markRevealed,
	newId,
	planReveal,
	publishVoteTotals,
	readBallot,
	readCards,
	readDafoControl,
	readPrivateCards,
	readRevealed,
	readVoteTotals,
	type PrivateCard,
	type RevealRequest,
	type VoteConfig
} from '@teixit/model';
import type { SyncServer } from '@teixit/sync';
import { EngagementJobs } from './engagement-jobs.ts';

export interface DafoPublisherLogger {
	error(obj: object, msg: string): void;
	info?(obj: object, msg: string): void;
}

export class DafoPublisher {
	#jobs: EngagementJobs;
	#onCommit = ({ docName }: { docName: string }) => {
		// Only the facilitation document carries reveal requests and vote closing; private documents
		// change nothing that is published before such a request.
		const ref = parseDocName(docName);
		if (ref && ref.kind === 'facilitation') this.schedule(ref.engagementId);
	};

	constructor(
		private readonly sync: SyncServer,
		private readonly core: Core,
		private readonly logger: DafoPublisherLogger,
		debounceMs = 50
	) {
		this.#jobs = new EngagementJobs((id) => this.#pass(id), (err, engagementId) => this.logger.error({ err, engagementId }, 'dafo: publishing failed'), debounceMs);
		sync.on('commit', this.#onCommit);
		// A request left pending by a crash or restart (committed, not yet published) is picked up when
		// the facilitation document is next loaded.
		sync.on('load', this.#onCommit);
	}

	stop() {
		this.sync.off('commit', this.#onCommit);
		this.sync.off('load', this.#onCommit);
		this.#jobs.stop();
	}

	schedule(engagementId: string) {
		this.#jobs.schedule(engagementId);
	}

	run(engagementId: string): Promise<void> {
		return this.#jobs.run(engagementId);
	}

	async #pass(engagementId: string) {
		const control = await this.sync.read(facilitationDocName(engagementId), readDafoControl);
		// What was already published lives in the results document, which only the server writes: a
		// facilitator's client cannot forge a "done" reveal or vote totals.
		const resName = resultsDocName(engagementId);
		const state = { control, revealed: await this.sync.read(resName, readRevealed) };
		const reveal = state.control.reveal;
		if (reveal && (!state.revealed || state.revealed.round < reveal.round)) await this.#reveal(engagementId, reveal);
		const vote = state.control.vote;
		if (vote && !vote.open) {
			const done = await this.sync.read(resName, (doc) => readVoteTotals(doc, vote.round) !== null);
			if (!done) await this.#count(engagementId, vote);
		}
	}

	/** Facilitators and members write private cards and ballots; observers have no private document. */
	async #participants(engagementId: string): Promise<string[]> {
		return (await this.core.engagements.rolesOf(engagementId)).filter((m) => m.role !== 'observer').map((m) => m.userId).sort();
	}

	async #reveal(engagementId: string, req: RevealRequest) {
		const people = await this.#participants(engagementId);
		const inputs: { userId: string; cards: PrivateCard[] }[] = [];
		for (const userId of people) inputs.push({ userId, cards: await this.sync.read(privateDocName(engagementId, userId), readPrivateCards) });
		// resumeRound: cards marked by an earlier, interrupted pass of this round keep their board ids.
		const plan = planReveal(inputs, { anonymous: req.anonymous, at: req.at, newId, resumeRound: req.round });

		for (const userId of people) {
			const mine = plan.marks.filter((m) => m.userId === userId);
			if (mine.length === 0) continue;
			await this.sync.change(
				privateDocName(engagementId, userId),
				(doc) => {
					// Idempotent: re-marking a resumed card writes the same value, which costs nothing.
					for (const m of mine) markPrivateCardPublished(doc, m.privateId, m.boardId, req.round);
				},
				{ userId: null }
			);
		}
		const cards = plan.cards;
		await this.sync.change(
			workspaceDocName(engagementId),
			(doc) => {
				for (const c of cards) if (!cardsMap(doc).has(c.id)) addCard(doc, c);
			},
			{ userId: null }
		);
		await this.sync.change(resultsDocName(engagementId), (doc) => markRevealed(doc, { round: req.round, cards: cards.length, anonymous: req.anonymous, at: req.at }), { userId: null });
		this.logger.info?.({ engagementId, round: req.round, cards: cards.length, anonymous: req.anonymous }, 'dafo: cards revealed');
	}

	async #count(engagementId: string, vote: VoteConfig) {
		const people = await this.#participants(engagementId);
		const cardIds = await this.sync.read(workspaceDocName(engagementId), (doc) => new Set(readCards(doc).map((c) => c.id)));
		const ballots: Map<string, number>[] = [];
		for (const userId of people) ballots.push(await this.sync.read(privateDocName(engagementId, userId), (doc) => readBallot(doc, vote.round)));
		const totals = countVotes(ballots, vote, cardIds);
		await this.sync.change(
			resultsDocName(engagementId),
			(doc) => {
				if (!readVoteTotals(doc, vote.round)) publishVoteTotals(doc, { round: vote.round, ...totals, closedAt: vote.at });
			},
			{ userId: null }
		);
	}
}
