// Turns private diagnosis input into what the team may see, and nothing more (DOMAIN A3.1, DESIGN §3):
// when a private or facilitation document of an engagement commits, recount readiness ("7 of 9 have
// scored", no names) and, once the facilitator has revealed the round, publish author-free aggregates
// into the facilitation document. Individual answers never leave the private documents.
import type * as Y from 'yjs';
import type { Core } from '@teixit/core';
import { facilitationDocName, parseDocName, privateDocName, workspaceDocName } from '@teixit/core';
import {
	aggregateRun,
	collectAnswers,
	countReady,
	isRevealed,
	publishAggregates,
	readPublished,
	readReadiness,
	readRun,
	readSession,
	setReadiness
} from '@teixit/model';
import type { SyncServer } from '@teixit/sync';

export interface PublisherLogger {
	error(obj: object, msg: string): void;
}

export class DiagnosisPublisher {
	#timers = new Map<string, ReturnType<typeof setTimeout>>();
	#running = new Map<string, Promise<void>>();
	/** What was last published per engagement/run/round: our own commit must not trigger another write. */
	#lastPublished = new Map<string, string>();
	#onCommit = ({ docName }: { docName: string }) => {
		const ref = parseDocName(docName);
		if (ref && ref.kind !== 'workspace') this.schedule(ref.engagementId);
	};

	constructor(
		private readonly sync: SyncServer,
		private readonly core: Core,
		private readonly logger: PublisherLogger,
		private readonly debounceMs = 50
	) {
		sync.on('commit', this.#onCommit);
	}

	stop() {
		this.sync.off('commit', this.#onCommit);
		for (const t of this.#timers.values()) clearTimeout(t);
		this.#timers.clear();
	}

	schedule(engagementId: string) {
		if (this.#timers.has(engagementId)) return;
		this.#timers.set(
			engagementId,
			setTimeout(() => {
				this.#timers.delete(engagementId);
				void this.run(engagementId);
			}, this.debounceMs)
		);
	}

	/** One recount at a time per engagement; a request during a run schedules another. */
	async run(engagementId: string): Promise<void> {
		const previous = this.#running.get(engagementId);
		if (previous) {
			await previous;
			return this.run(engagementId);
		}
		const work = this.#recount(engagementId).catch((err) => this.logger.error({ err, engagementId }, 'diagnosis: publishing aggregates failed'));
		this.#running.set(engagementId, work);
		try {
			await work;
		} finally {
			this.#running.delete(engagementId);
		}
	}

	async #recount(engagementId: string) {
		const facName = facilitationDocName(engagementId);
		const session = await this.sync.read(facName, (doc) => readSession(doc));
		if (!session.runId) return;
		const { runId, round } = session;
		const participants = (await this.core.engagements.rolesOf(engagementId)).filter((m) => m.role === 'member');
		const privateDocs: Y.Doc[] = [];
		// Read each private document (loaded if needed); answers are copied out as plain values only.
		const answers = await Promise.all(participants.map((p) => this.sync.read(privateDocName(engagementId, p.userId), (doc) => doc)));
		privateDocs.push(...answers);
		const ready = countReady(privateDocs, { runId, round });
		const readiness = { ready: ready.ready, total: participants.length };

		const revealed = await this.sync.read(facName, (doc) => isRevealed(doc, runId, round));
		let published: ReturnType<typeof aggregateRun>['items'] | null = null;
		if (revealed) {
			const run = await this.sync.read(workspaceDocName(engagementId), (doc) => readRun(doc, runId));
			if (run) published = aggregateRun({ template: run.template, answers: collectAnswers(privateDocs, { runId, round }) }).items;
		}

		await this.sync.change(
			facName,
			(doc) => {
				const current = readReadiness(doc, runId, round);
				if (!current || current.ready !== readiness.ready || current.total !== readiness.total) setReadiness(doc, { runId, round, ...readiness });
				if (!published) return;
				const key = `${engagementId}/${runId}/${round}`;
				const serialized = JSON.stringify(published);
				if (this.#lastPublished.get(key) === serialized && readPublished(doc, runId, round).length === published.length) return;
				publishAggregates(doc, { runId, round, items: published });
				this.#lastPublished.set(key, serialized);
			},
			{ userId: null }
		);
	}
}
