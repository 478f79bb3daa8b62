// Turns private diagnosis input into what the team may see, and nothing more (DOMAIN A3.1, DESIGN §3):
// when a private or facilitation document of an engagement commits, recount readiness ("7 of 9 have
// scored", no names) and, once the facilitator has revealed the round, publish author-free aggregates
// into the results document, which only the server writes (a facilitator's client could write figures
// into the facilitation document, not there). Individual answers never leave the private documents.
// The first time an engagement is seen (or its results document is loaded), every revealed round of
// every run is recomputed: that is how engagements from before the results document get theirs.
import type * as Y from 'yjs';
import type { Core } from '@teixit/core';
import { facilitationDocName, parseDocName, privateDocName, resultsDocName, workspaceDocName } from '@teixit/core';
import {
	aggregateRun,
	collectAnswers,
	countReady,
	isRevealed,
	publishAggregates,
	readPublished,
	readReadiness,
	readRun,
	readRuns,
	readSession,
	setReadiness
} from '@teixit/model';
import type { SyncServer } from '@teixit/sync';
import { EngagementJobs } from './engagement-jobs.ts';

export interface PublisherLogger {
	error(obj: object, msg: string): void;
}

export class DiagnosisPublisher {
	#jobs: EngagementJobs;
	/** What was last published per engagement/run/round: our own commit must not trigger another write. */
	#lastPublished = new Map<string, string>();
	/** Engagements whose every revealed round was recomputed since this process started. */
	#backfilled = new Set<string>();
	#onCommit = ({ docName }: { docName: string }) => {
		const ref = parseDocName(docName);
		// Our own results writes must not trigger another round.
		if (ref && ref.kind !== 'workspace' && ref.kind !== 'results') this.schedule(ref.engagementId);
	};
	#onLoad = ({ docName }: { docName: string }) => {
		const ref = parseDocName(docName);
		if (ref?.kind === 'results') {
			this.#backfilled.delete(ref.engagementId);
			this.schedule(ref.engagementId);
		}
	};

	constructor(
		private readonly sync: SyncServer,
		private readonly core: Core,
		private readonly logger: PublisherLogger,
		debounceMs = 50
	) {
		this.#jobs = new EngagementJobs((id) => this.#recount(id), (err, engagementId) => this.logger.error({ err, engagementId }, 'diagnosis: publishing aggregates failed'), debounceMs);
		sync.on('commit', this.#onCommit);
		sync.on('load', this.#onLoad);
	}

	stop() {
		this.sync.off('commit', this.#onCommit);
		this.sync.off('load', this.#onLoad);
		this.#jobs.stop();
	}

	schedule(engagementId: string) {
		this.#jobs.schedule(engagementId);
	}

	run(engagementId: string): Promise<void> {
		return this.#jobs.run(engagementId);
	}

	async #recount(engagementId: string) {
		const facName = facilitationDocName(engagementId);
		const session = await this.sync.read(facName, (doc) => readSession(doc));
		const backfill = !this.#backfilled.has(engagementId);
		if (!session.runId && !backfill) return;
		const participants = (await this.core.engagements.rolesOf(engagementId)).filter((m) => m.role === 'member');
		// Read each private document (loaded if needed); answers are copied out as plain values only.
		const privateDocs: Y.Doc[] = await Promise.all(participants.map((p) => this.sync.read(privateDocName(engagementId, p.userId), (doc) => doc)));

		// The run/rounds to (re)publish: the current one, or on a backfill every revealed one.
		const runs = await this.sync.read(workspaceDocName(engagementId), (doc) => (backfill ? readRuns(doc) : [readRun(doc, session.runId!)].filter((r) => r !== null)));
		const targets: { runId: string; round: number; items: ReturnType<typeof aggregateRun>['items'] }[] = [];
		for (const run of runs) {
			const rounds = backfill ? [1, 2] : [session.round];
			for (const round of rounds) {
				if (!(await this.sync.read(facName, (doc) => isRevealed(doc, run.id, round)))) continue;
				targets.push({ runId: run.id, round, items: aggregateRun({ template: run.template, answers: collectAnswers(privateDocs, { runId: run.id, round }) }).items });
			}
		}
		const readiness = session.runId ? { runId: session.runId, round: session.round, ready: countReady(privateDocs, { runId: session.runId, round: session.round }).ready, total: participants.length } : null;

		await this.sync.change(
			resultsDocName(engagementId),
			(doc) => {
				if (readiness) {
					const current = readReadiness(doc, readiness.runId, readiness.round);
					if (!current || current.ready !== readiness.ready || current.total !== readiness.total) setReadiness(doc, readiness);
				}
				for (const t of targets) {
					const key = `${engagementId}/${t.runId}/${t.round}`;
					const serialized = JSON.stringify(t.items);
					if (this.#lastPublished.get(key) === serialized && readPublished(doc, t.runId, t.round).length === t.items.length) continue;
					publishAggregates(doc, { runId: t.runId, round: t.round, items: t.items });
					this.#lastPublished.set(key, serialized);
				}
			},
			{ userId: null }
		);
		this.#backfilled.add(engagementId);
	}
}
