// One live DAFO board page: the engagement's workspace (the board, the plan), facilitation (step, reveal
// request, vote configuration), results (reveal record and vote totals, written by the server only) and
// my private document (private cards, my ballot), each with
// the app's provider and truthful status, combined into one status; typed reads and writes through
// @teixit/model.
//
// Privacy: private cards and ballots are written only to the private document. Awareness (workspace only)
// carries the user, never what anyone is writing or voting.
import { createContext } from 'svelte';
import {
	addCard,
	clearTimer,
	extendTimer,
	pauseTimer,
	readSession,
	resumeTimer,
	startTimer,
	type Timer,
	addCluster,
	assignCluster,
	cardText,
	cardToAction,
	cardToObjective,
	closeVote,
	deletePrivateCard,
	latestVoteTotals,
	moveCard,
	openVote,
	orderedDimensions,
	readBallot,
	readCame,
	readCards,
	readClusters,
	readDafoControl,
	readPrivateCards,
	readRevealed,
	readRuns,
	removeCluster,
	renameCluster,
	requestReveal,
	savePrivateCard,
	setCardSource,
	setCardFields,
	setCardStatus,
	addStrategy,
	updateStrategy,
	removeStrategy,
	linkCardTo,
	linkStrategyTo,
	readStrategyViews,
	listObjectives,
	listActions,
	type Action,
	type CardFieldsPatch,
	type CrossStrategy,
	type Objective,
	type StrategyView,
	setDafoStep,
	setMyVotes,
	localize,
	newId,
	type CardCame,
	type DafoCard,
	type DafoCluster,
	type DafoControl,
	type DafoStep,
	type Locale,
	type ObjectiveCategory,
	type PrivateCard,
	type PublishedVotes,
	type Quadrant,
	type RevealDone
} from '@teixit/model';
import type * as Y from 'yjs';
import { WorkspaceSession, type VersionStates } from '$lib/state/workspace-session.svelte';
import { CombinedSyncStatus } from '$lib/diagnosis/combined-status.svelte';
import { ServerClock } from '$lib/diagnosis/server-clock.svelte';
import type { TimerHost } from '$lib/facilitation/timer-host';

export type Role = 'facilitator' | 'member' | 'observer';

export interface DafoSessionOptions {
	docs: { workspace: string; facilitation: string; results: string; private: string | null };
	me: { id: string; name: string };
	role: Role;
	canWriteWorkspace: boolean;
	canWriteFacilitation: boolean;
	/** A stored version instead of the live documents: read-only, nothing connects, no private document. */
	frozen?: VersionStates | null;
	memberIds: string[];
}

export interface CitableItem {
	key: string;
	text: string;
}

function versionOf(doc: Y.Doc, bump: () => void): () => void {
	doc.on('update', bump);
	return () => doc.off('update', bump);
}

export class DafoSession implements TimerHost {
	readonly workspace: WorkspaceSession;
	readonly facilitation: WorkspaceSession;
	/** Server-published reveal record and vote totals (read-only for everyone). */
	readonly resultsDoc: WorkspaceSession;
	/** My private document (facilitators and members write private cards and ballots; observers have none). */
	readonly mine: WorkspaceSession | null;
	readonly status: CombinedSyncStatus;
	readonly clock = new ServerClock();
	readonly me: { id: string; name: string };
	readonly role: Role;
	readonly canEdit: boolean;
	readonly canFacilitate: boolean;
	readonly memberIds: string[];

	#ws = $state(0);
	#fac = $state(0);
	#res = $state(0);
	#priv = $state(0);
	#teardown: (() => void)[] = [];
	#started = false;

	constructor(opts: DafoSessionOptions) {
		this.me = opts.me;
		this.role = opts.role;
		this.memberIds = opts.memberIds;
		this.canEdit = opts.role !== 'observer' && opts.canWriteWorkspace && !opts.frozen;
		this.canFacilitate = opts.role === 'facilitator' && opts.canWriteFacilitation && !opts.frozen;
		this.workspace = new WorkspaceSession({ docName: opts.docs.workspace, user: opts.me, readOnly: !opts.canWriteWorkspace, frozen: opts.frozen?.workspace });
		this.facilitation = new WorkspaceSession({ docName: opts.docs.facilitation, user: opts.me, readOnly: !opts.canWriteFacilitation, frozen: opts.frozen?.facilitation });
		this.resultsDoc = new WorkspaceSession({ docName: opts.docs.results, user: opts.me, readOnly: true, frozen: opts.frozen?.results });
		this.mine = opts.role !== 'observer' && opts.docs.private && !opts.frozen ? new WorkspaceSession({ docName: opts.docs.private, user: opts.me, readOnly: false }) : null;
		// Presence lives in the workspace document; the others carry no awareness state at all.
		this.facilitation.awareness.setLocalState(null);
		this.resultsDoc.awareness.setLocalState(null);
		this.mine?.awareness.setLocalState(null);
		this.status = new CombinedSyncStatus([this.workspace.status, this.facilitation.status, this.resultsDoc.status, ...(this.mine ? [this.mine.status] : [])]);
		this.#teardown.push(
			versionOf(this.workspace.doc, () => this.#ws++),
			versionOf(this.facilitation.doc, () => this.#fac++),
			versionOf(this.resultsDoc.doc, () => this.#res++),
			...(this.mine ? [versionOf(this.mine.doc, () => this.#priv++)] : [])
		);
	}

	start() {
		if (this.#started) return;
		this.#started = true;
		this.workspace.start();
		this.facilitation.start();
		this.resultsDoc.start();
		this.mine?.start();
		void this.clock.sync();
	}

	destroy() {
		for (const fn of this.#teardown.splice(0)) fn();
		this.mine?.destroy();
		this.resultsDoc.destroy();
		this.facilitation.destroy();
		this.workspace.destroy();
	}

	get loaded(): boolean {
		const parts = [this.workspace, this.facilitation, this.resultsDoc, ...(this.mine ? [this.mine] : [])];
		return parts.every((p) => p.status.phase === 'saved' || p.status.phase === 'saving' || p.status.phase === 'offline');
	}

	// ---- reads ----

	readonly came: CardCame[] = $derived.by(() => {
		void this.#ws;
		return readCame(this.workspace.doc);
	});

	readonly archived: DafoCard[] = $derived.by(() => {
		void this.#ws;
		return readCards(this.workspace.doc, { archived: true }).filter((c) => c.status === 'archived');
	});

	readonly clusters: DafoCluster[] = $derived.by(() => {
		void this.#ws;
		return readClusters(this.workspace.doc);
	});

	readonly strategies: StrategyView[] = $derived.by(() => {
		void this.#ws;
		return readStrategyViews(this.workspace.doc);
	});

	/** The plan's objectives and actions, for the link pickers. */
	readonly objectives: Objective[] = $derived.by(() => {
		void this.#ws;
		return listObjectives(this.workspace.doc);
	});

	readonly actions: Action[] = $derived.by(() => {
		void this.#ws;
		return listActions(this.workspace.doc);
	});

	/** Board cards I wrote that were revealed without a name: editing them would put my name on them
	 *  in the version history (only I can know this: it comes from my private document). */
	readonly myAnonymousCards: Set<string> = $derived.by(() => {
		void this.#ws;
		// eslint-disable-next-line svelte/prefer-svelte-reactivity -- a local lookup table, never reactive state
		const board = new Map(readCards(this.workspace.doc, { archived: true }).map((c) => [c.id, c]));
		// eslint-disable-next-line svelte/prefer-svelte-reactivity -- a fresh snapshot per version, never mutated
		const out = new Set<string>();
		for (const p of this.myCards) {
			const c = p.publishedAs ? board.get(p.publishedAs) : undefined;
			if (c && c.authorId === undefined) out.add(c.id);
		}
		return out;
	});

	readonly control: DafoControl = $derived.by(() => {
		void this.#fac;
		return readDafoControl(this.facilitation.doc);
	});

	readonly revealed: RevealDone | null = $derived.by(() => {
		void this.#res;
		return readRevealed(this.resultsDoc.doc);
	});

	readonly totals: PublishedVotes | null = $derived.by(() => {
		void this.#res;
		return latestVoteTotals(this.resultsDoc.doc);
	});

	readonly step: DafoStep = $derived(this.control.step);

	/** The engagement's workshop timer (the same one the diagnosis uses: one room, one clock). */
	readonly timer: Timer | null = $derived.by(() => {
		void this.#fac;
		return readSession(this.facilitation.doc).timer;
	});

	get synced(): boolean {
		return this.facilitation.status.synced;
	}

	readonly myCards: PrivateCard[] = $derived.by(() => {
		void this.#priv;
		return this.mine ? readPrivateCards(this.mine.doc) : [];
	});

	readonly myBallot: Map<string, number> = $derived.by(() => {
		void this.#priv;
		const v = this.control.vote;
		// eslint-disable-next-line svelte/prefer-svelte-reactivity -- a fresh snapshot per version, never mutated
		return this.mine && v ? readBallot(this.mine.doc, v.round) : new Map<string, number>();
	});

	/** Diagnosis items of the latest run, to cite on a card. */
	citable(locale: Locale): CitableItem[] {
		void this.#ws;
		const run = readRuns(this.workspace.doc).at(-1);
		if (!run) return [];
		return orderedDimensions(run.template).flatMap((d) => d.items.map((it) => ({ key: it.key, text: localize(it.text, locale) })));
	}

	textOf(cardId: string): Y.Text | null {
		return cardText(this.workspace.doc, cardId);
	}

	// ---- my private cards ----

	savePrivate(card: { id?: string; quadrant: Quadrant; text: string; sourceRef?: string }) {
		if (!this.mine) return;
		savePrivateCard(this.mine.doc, { id: card.id ?? newId(), quadrant: card.quadrant, text: card.text, sourceRef: card.sourceRef, createdAt: this.clock.serverNow() });
	}

	deletePrivate(id: string) {
		if (this.mine) deletePrivateCard(this.mine.doc, id);
	}

	// ---- the board (workspace: facilitators and members) ----

	addCard(quadrant: Quadrant, text: string, sourceRef?: string): string | null {
		if (!this.canEdit) return null;
		return addCard(this.workspace.doc, { id: newId(), quadrant, text, authorId: this.me.id, sourceRef, createdAt: this.clock.serverNow() });
	}

	move(cardId: string, quadrant: Quadrant) {
		if (this.canEdit) moveCard(this.workspace.doc, cardId, quadrant);
	}

	cite(cardId: string, itemKey: string | null) {
		if (this.canEdit) setCardSource(this.workspace.doc, cardId, itemKey);
	}

	setFields(cardId: string, patch: CardFieldsPatch) {
		if (this.canEdit) setCardFields(this.workspace.doc, cardId, patch);
	}

	archive(cardId: string) {
		if (this.canEdit) setCardStatus(this.workspace.doc, cardId, 'archived');
	}

	restore(cardId: string) {
		if (this.canEdit) setCardStatus(this.workspace.doc, cardId, 'active');
	}

	addCluster(quadrant: Quadrant, title: string): string | null {
		if (!this.canEdit) return null;
		return addCluster(this.workspace.doc, { id: newId(), quadrant, title, createdAt: this.clock.serverNow() });
	}

	renameCluster(id: string, title: string) {
		if (this.canEdit) renameCluster(this.workspace.doc, id, title);
	}

	removeCluster(id: string) {
		if (this.canEdit) removeCluster(this.workspace.doc, id);
	}

	assign(cardId: string, clusterId: string | null) {
		if (this.canEdit) assignCluster(this.workspace.doc, cardId, clusterId);
	}

	// ---- votes (my private ballot) ----

	vote(cardId: string, dots: number) {
		const v = this.control.vote;
		if (this.mine && v?.open) setMyVotes(this.mine.doc, { vote: v, cardId, dots, now: this.clock.serverNow() });
	}

	// ---- CAME: one step into the plan ----

	toObjective(cardId: string, category: ObjectiveCategory = 'captacio'): string | null {
		if (!this.canEdit) return null;
		return cardToObjective(this.workspace.doc, { cardId, category, byUserId: this.me.id, now: this.clock.serverNow() });
	}

	toAction(cardId: string, objectiveId: string | null = null): string | null {
		if (!this.canEdit) return null;
		return cardToAction(this.workspace.doc, { cardId, ownerId: this.me.id, objectiveId, byUserId: this.me.id, members: this.memberIds, now: this.clock.serverNow() });
	}

	link(cardId: string, kind: 'objective' | 'action', targetId: string, linked: boolean) {
		if (this.canEdit) linkCardTo(this.workspace.doc, { cardId, kind, targetId, linked, members: this.memberIds, now: this.clock.serverNow() });
	}

	// ---- cross strategies ----

	addStrategy(strategy: CrossStrategy, cards: [string, string], text: string): string | null {
		if (!this.canEdit) return null;
		return addStrategy(this.workspace.doc, { id: newId(), strategy, cards, text, createdAt: this.clock.serverNow(), createdBy: this.me.id });
	}

	updateStrategy(id: string, patch: { text?: string; strategy?: CrossStrategy; cards?: [string, string] }) {
		if (this.canEdit) updateStrategy(this.workspace.doc, id, patch);
	}

	removeStrategy(id: string) {
		if (this.canEdit) removeStrategy(this.workspace.doc, id, { members: this.memberIds, now: this.clock.serverNow() });
	}

	linkStrategy(strategyId: string, kind: 'objective' | 'action', targetId: string, linked: boolean) {
		if (this.canEdit) linkStrategyTo(this.workspace.doc, { strategyId, kind, targetId, linked, members: this.memberIds, now: this.clock.serverNow() });
	}

	// ---- facilitation (the server refuses anyone else's writes to this document) ----

	goTo(step: DafoStep) {
		if (this.canFacilitate) setDafoStep(this.facilitation.doc, step, { now: this.clock.serverNow() });
	}

	reveal(anonymous: boolean) {
		if (!this.canFacilitate) return;
		const doc = this.facilitation.doc;
		const at = this.clock.serverNow();
		doc.transact(() => {
			// The facilitator's id is not recorded on an anonymous reveal either: nothing to correlate.
			requestReveal(doc, { anonymous, at, ...(anonymous ? {} : { by: this.me.id }) });
			setDafoStep(doc, 'cluster', { now: at });
		});
	}

	openVote(votesPerPerson: number, maxPerCard: number) {
		if (this.canFacilitate) openVote(this.facilitation.doc, { votesPerPerson, maxPerCard, at: this.clock.serverNow() });
	}

	closeVote() {
		if (this.canFacilitate) closeVote(this.facilitation.doc, { at: this.clock.serverNow() });
	}

	// ---- timer (TimerHost) ----

	startTimer(minutes: number) {
		if (this.canFacilitate) startTimer(this.facilitation.doc, { durationMs: minutes * 60_000, now: this.clock.serverNow() });
	}

	extendTimer(minutes = 1) {
		if (this.canFacilitate) extendTimer(this.facilitation.doc, { ms: minutes * 60_000, now: this.clock.serverNow() });
	}

	pauseTimer() {
		if (this.canFacilitate) pauseTimer(this.facilitation.doc, { now: this.clock.serverNow() });
	}

	resumeTimer() {
		if (this.canFacilitate) resumeTimer(this.facilitation.doc, { now: this.clock.serverNow() });
	}

	clearTimer() {
		if (this.canFacilitate) clearTimer(this.facilitation.doc, { now: this.clock.serverNow() });
	}
}

export const [getDafoSession, setDafoSession] = createContext<DafoSession>();
