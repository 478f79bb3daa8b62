// One live diagnosis page: the three documents of an engagement, each with the app's provider, truthful
// sync status and awareness (three WorkspaceSessions), one combined status, the server clock, and typed,
// reactive reads and writes through @teixit/model.
//
//   workspace     runs (frozen templates), shared item notes; awareness = presence (+ viewed item)
//   facilitation  step, round, timer, focus, reveal flags, agreed scores
//   results       readiness counts and aggregates, written by the server only (read-only for everyone)
//   private       my own answers and "I have finished" (members only; nobody else can open it)
//
// Privacy: answers are written only to the private document; awareness carries the user and, during the
// discussion steps only, the item being viewed, never an answer or any progress.
import { createContext } from 'svelte';
import {
	DEFAULT_TEMPLATE,
	clearTimer,
	closeRun,
	createRun,
	extendTimer,
	isRevealed,
	pauseTimer,
	readAgreedScores,
	readPublished,
	readReadiness,
	readReady,
	readResponses,
	readRuns,
	readSession,
	recordAgreedScore,
	resumeTimer,
	setFocus,
	setReady,
	setRescoreItems,
	setResponse,
	setReveal,
	setStep,
	startRun,
	startTimer,
	suggestRunLabel,
	type AgreedScore,
	type DiagnosisTemplate,
	type ItemAggregate,
	type PrivateResponse,
	type Readiness,
	type ResponsePatch,
	type Round,
	type Run,
	type Score,
	type SessionState,
	type Step
} from '@teixit/model';
import type * as Y from 'yjs';
import { WorkspaceSession, type VersionStates } from '$lib/state/workspace-session.svelte';
import { CombinedSyncStatus } from './combined-status.svelte';
import { runResults, type RunResults } from './results';
import { ServerClock } from './server-clock.svelte';
import type { TimerHost } from '$lib/facilitation/timer-host';

export type Role = 'facilitator' | 'member' | 'observer';

export interface DiagnosisSessionOptions {
	docs: { workspace: string; facilitation: string; results: string; private: string | null };
	me: { id: string; name: string };
	role: Role;
	/** Write access per document, as the server granted it. */
	canWriteWorkspace: boolean;
	canWriteFacilitation: boolean;
	/** A stored version instead of the live documents: read-only, nothing connects, no private document. */
	frozen?: VersionStates | null;
}

/** A random id that fits the model's ID_PATTERN (no crypto.randomUUID: it needs a secure context). */
export function randomId(): string {
	const bytes = crypto.getRandomValues(new Uint8Array(12));
	return Array.from(bytes, (b) => b.toString(36).padStart(2, '0')).join('').slice(0, 20);
}

/** Steps where people see each other's viewed item (never while anyone scores in silence). */
export const SHARED_VIEW_STEPS: readonly Step[] = ['discuss', 'agreed'];

function versionOf(doc: Y.Doc, bump: () => void): () => void {
	doc.on('update', bump);
	return () => doc.off('update', bump);
}

export class DiagnosisSession implements TimerHost {
	readonly workspace: WorkspaceSession;
	readonly facilitation: WorkspaceSession;
	/** Server-authored figures: nobody's client can write them, so nobody can forge them. */
	readonly resultsDoc: WorkspaceSession;
	/** My private document; null for observers (they have none) and facilitators (they do not score). */
	readonly mine: WorkspaceSession | null;
	readonly status: CombinedSyncStatus;
	readonly clock = new ServerClock();
	readonly me: { id: string; name: string };
	readonly role: Role;
	readonly canFacilitate: boolean;

	#ws = $state(0);
	#fac = $state(0);
	#res = $state(0);
	#priv = $state(0);
	#teardown: (() => void)[] = [];
	#started = false;

	constructor(opts: DiagnosisSessionOptions) {
		this.me = opts.me;
		this.role = opts.role;
		this.canFacilitate = opts.role === 'facilitator' && opts.canWriteFacilitation && !opts.frozen;
		this.workspace = new WorkspaceSession({ docName: opts.docs.workspace, user: opts.me, readOnly: !opts.canWriteWorkspace, frozen: opts.frozen?.workspace });
		this.facilitation = new WorkspaceSession({ docName: opts.docs.facilitation, user: opts.me, readOnly: !opts.canWriteFacilitation, frozen: opts.frozen?.facilitation });
		this.resultsDoc = new WorkspaceSession({ docName: opts.docs.results, user: opts.me, readOnly: true, frozen: opts.frozen?.results });
		this.mine = opts.role === 'member' && opts.docs.private && !opts.frozen ? new WorkspaceSession({ docName: opts.docs.private, user: opts.me, readOnly: false }) : null;
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

	/** After the server closed connections (e.g. 4403 on a role change) and access turned out unchanged. */
	reconnect() {
		for (const p of [this.workspace, this.facilitation, this.resultsDoc, ...(this.mine ? [this.mine] : [])]) if (p.status.stopped) p.reconnect();
	}

	/** Connect everything (browser only). */
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

	/** Everything needed has arrived from the server at least once. */
	get loaded(): boolean {
		const parts = [this.workspace, this.facilitation, this.resultsDoc, ...(this.mine ? [this.mine] : [])];
		return parts.every((p) => p.status.phase === 'saved' || p.status.phase === 'saving' || p.status.phase === 'offline');
	}

	// ---- reads (reactive: each depends on its document's version) ----

	readonly runs: Run[] = $derived.by(() => {
		void this.#ws;
		return readRuns(this.workspace.doc);
	});

	readonly control: SessionState = $derived.by(() => {
		void this.#fac;
		return readSession(this.facilitation.doc);
	});

	readonly currentRun: Run | null = $derived(this.runs.find((r) => r.id === this.control.runId) ?? null);
	readonly step: Step | null = $derived(this.currentRun ? this.control.step : null);
	readonly round: Round = $derived(this.control.round);

	readiness(runId: string, round: Round): Readiness | null {
		void this.#res;
		return readReadiness(this.resultsDoc.doc, runId, round);
	}

	revealed(runId: string, round: Round): boolean {
		void this.#fac;
		return isRevealed(this.facilitation.doc, runId, round);
	}

	published(runId: string, round: Round): ItemAggregate[] {
		void this.#res;
		return readPublished(this.resultsDoc.doc, runId, round);
	}

	agreed(runId: string): Record<string, AgreedScore> {
		void this.#fac;
		return readAgreedScores(this.facilitation.doc, runId);
	}

	/** The team view of a run, or null before anything was revealed. */
	results(run: Run): RunResults | null {
		const round1 = this.published(run.id, 1);
		if (round1.length === 0) return null;
		return runResults({ runId: run.id, label: run.label, template: run.template, round1, round2: this.published(run.id, 2), agreed: this.agreed(run.id) });
	}

	/** My answers in one run and round, by item key. */
	myResponses(runId: string, round: Round): Map<string, PrivateResponse> {
		void this.#priv;
		// A fresh snapshot per document version (read inside $derived), never mutated: not reactive state.
		// eslint-disable-next-line svelte/prefer-svelte-reactivity
		const out = new Map<string, PrivateResponse>();
		if (this.mine) for (const r of readResponses(this.mine.doc, { runId, round })) out.set(r.itemKey, r);
		return out;
	}

	myReady(runId: string, round: Round): boolean {
		void this.#priv;
		return this.mine ? readReady(this.mine.doc, runId, round) : false;
	}

	// ---- my own input (private document) ----

	answer(itemKey: string, patch: ResponsePatch) {
		const run = this.currentRun;
		if (!this.mine || !run) return;
		setResponse(this.mine.doc, { runId: run.id, round: this.round, itemKey }, patch, { now: this.clock.serverNow() });
	}

	setReady(ready: boolean) {
		const run = this.currentRun;
		if (!this.mine || !run) return;
		setReady(this.mine.doc, { runId: run.id, round: this.round, ready, now: this.clock.serverNow() });
	}

	// ---- presence ----

	/** The item I am looking at, shared only during the discussion steps. */
	setViewing(itemKey: string | null) {
		const share = this.step !== null && SHARED_VIEW_STEPS.includes(this.step) ? itemKey : null;
		const current = (this.workspace.awareness.getLocalState() as { item?: string | null } | null)?.item ?? null;
		if (current !== share) this.workspace.awareness.setLocalStateField('item', share);
	}

	// ---- facilitation (facilitators; the server refuses anyone else's writes to this document) ----

	#now() {
		return this.clock.serverNow();
	}

	/** Create the next run (T0, T1, ...) on a template version (frozen into the run) and start the
	 *  session on it. The template comes from the server (the version the facilitator picked). */
	newRun(template: DiagnosisTemplate = DEFAULT_TEMPLATE): Run | null {
		if (!this.canFacilitate || this.workspace.readOnly) return null;
		const at = this.#now();
		const previous = this.currentRun;
		const run = createRun(this.workspace.doc, { id: randomId(), label: suggestRunLabel(this.runs), template, startedAt: at });
		if (previous && previous.closedAt === undefined) closeRun(this.workspace.doc, { id: previous.id, at });
		startRun(this.facilitation.doc, { runId: run.id, at, by: this.me.id });
		return run;
	}

	goToStep(step: Step) {
		if (!this.canFacilitate || !this.currentRun) return;
		const doc = this.facilitation.doc;
		doc.transact(() => {
			if (step === 'rescoring' && this.step !== 'rescoring') {
				// Delphi-lite: re-rate the items the team disagreed on (all items if none).
				const disagreed = this.published(this.currentRun!.id, 1)
					.filter((a) => a.consensus === 'disagreement')
					.map((a) => a.itemKey);
				setRescoreItems(doc, disagreed.length ? disagreed : null, { now: this.#now() });
			}
			// Leaving the second round backwards returns to round 1's results.
			const round = step === 'rescoring' ? undefined : step === 'scoring' ? 1 : this.step === 'rescoring' && !this.revealed(this.currentRun!.id, 2) ? 1 : undefined;
			setStep(doc, { step, at: this.#now(), by: this.me.id, ...(round !== undefined && { round }) });
		});
	}

	/** Reveal the current round: the server then publishes its aggregates. */
	reveal() {
		const run = this.currentRun;
		if (!this.canFacilitate || !run) return;
		const doc = this.facilitation.doc;
		doc.transact(() => {
			setReveal(doc, { runId: run.id, round: this.round, revealed: true, at: this.#now(), by: this.me.id });
			// Round 1 moves on to the reveal step; a second round's results appear where the team is.
			if (this.step === 'scoring') setStep(doc, { step: 'reveal', at: this.#now(), by: this.me.id });
		});
	}

	bringEveryone(itemKey: string) {
		if (!this.canFacilitate) return;
		setFocus(this.facilitation.doc, { itemKey, at: this.#now() });
	}

	recordAgreed(itemKey: string, score: Score, rationale: string) {
		const run = this.currentRun;
		if (!this.canFacilitate || !run) return;
		recordAgreedScore(this.facilitation.doc, { runId: run.id, itemKey, score, rationale: rationale.trim(), recordedBy: this.me.id, at: this.#now() });
	}

	// ---- the shared timer (TimerHost for the generic TimerPanel) ----

	get timer() {
		return this.control.timer;
	}

	/** The facilitation document has synced once (the timer announces nothing before that). */
	get synced() {
		return this.facilitation.status.synced;
	}

	startTimer(minutes: number) {
		if (this.canFacilitate) startTimer(this.facilitation.doc, { durationMs: minutes * 60_000, now: this.#now() });
	}

	extendTimer(minutes = 1) {
		if (this.canFacilitate) extendTimer(this.facilitation.doc, { ms: minutes * 60_000, now: this.#now() });
	}

	pauseTimer() {
		if (this.canFacilitate) pauseTimer(this.facilitation.doc, { now: this.#now() });
	}

	resumeTimer() {
		if (this.canFacilitate) resumeTimer(this.facilitation.doc, { now: this.#now() });
	}

	clearTimer() {
		if (this.canFacilitate) clearTimer(this.facilitation.doc, { now: this.#now() });
	}
}

export const [getDiagnosisSession, setDiagnosisSession] = createContext<DiagnosisSession>();
