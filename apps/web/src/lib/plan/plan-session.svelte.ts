// The live plan of one engagement: the workspace document (WorkspaceSession: doc, awareness, truthful
// sync status), reactive reads of the plan model, writes that return validation errors instead of
// throwing, and "who is editing which field" through awareness.
import * as Y from 'yjs';
import {
	actionText,
	hypothesisText,
	isPlanValidationError,
	objectiveText,
	listActions,
	listComments,
	listFollowUps,
	listHypotheses,
	listObjectives,
	readCards,
	readStrategies,
	type Action,
	type ActionTextField,
	type DafoCard,
	type DafoStrategy,
	type FollowUp,
	type Hypothesis,
	type HypothesisTextField,
	type Objective,
	type ObjectiveTextField,
	type PlanComment,
	type PlanValidationError
} from '@teixit/model';
import { createContext } from 'svelte';
import { createSubscriber } from 'svelte/reactivity';
import { WorkspaceSession } from '$lib/state/workspace-session.svelte';
import type { PlanMember } from './types';
import { latestSessionsSignal } from '$lib/facilitation/sessions-nudge';

export interface FieldEditor {
	id: string;
	name: string;
	color: string;
}

interface AwarenessState {
	user?: { id?: unknown; name?: unknown; color?: unknown };
	planField?: unknown;
	textCursor?: { field?: unknown } | null;
}

export type PlanTextRef = { kind: 'objective'; field: ObjectiveTextField } | { kind: 'action'; field: ActionTextField } | { kind: 'hypothesis'; field: HypothesisTextField };

/** The record's Y.Text for a co-written field, or null when it has none. */
function liveText(doc: Y.Doc, ref: PlanTextRef, id: string): Y.Text | null {
	switch (ref.kind) {
		case 'objective':
			return objectiveText(doc, id, ref.field);
		case 'action':
			return actionText(doc, id, ref.field);
		case 'hypothesis':
			return hypothesisText(doc, id, ref.field);
	}
}

export class PlanSession {
	readonly ws: WorkspaceSession;
	readonly me: { id: string; name: string };
	readonly members: PlanMember[];
	#version = $state(0);
	#wasSynced = false;
	#subscribeAwareness: () => void;
	#off: (() => void)[] = [];

	/** `frozen`: a stored version's state (history), shown read-only without connecting. */
	constructor(opts: { docName: string; me: { id: string; name: string }; canWrite: boolean; members: PlanMember[]; frozen?: Uint8Array | null }) {
		this.ws = new WorkspaceSession({ docName: opts.docName, user: opts.me, readOnly: !opts.canWrite, frozen: opts.frozen });
		this.me = opts.me;
		this.members = opts.members;
		const bump = () => this.#version++;
		this.ws.doc.on('update', bump);
		this.#off.push(() => this.ws.doc.off('update', bump));
		const awareness = this.ws.awareness;
		this.#subscribeAwareness = createSubscriber((update) => {
			awareness.on('change', update);
			return () => awareness.off('change', update);
		});
	}

	get readOnly() {
		return this.ws.readOnly;
	}
	get status() {
		return this.ws.status;
	}
	/** The first sync with the server is done (before that an empty plan would be a lie). */
	get loaded() {
		// A plain latch (not state): once synced, a later reconnect does not hide the plan again.
		if (this.ws.status.synced) this.#wasSynced = true;
		return this.#wasSynced;
	}

	get doc() {
		void this.#version; // subscribe: any document change re-reads
		return this.ws.doc;
	}
	get objectives(): Objective[] {
		void this.#version; // subscribe: any document change re-reads
		return listObjectives(this.ws.doc);
	}
	get actions(): Action[] {
		void this.#version; // subscribe: any document change re-reads
		return listActions(this.ws.doc);
	}
	get followUps(): FollowUp[] {
		void this.#version; // subscribe: any document change re-reads
		return listFollowUps(this.ws.doc);
	}
	get comments(): PlanComment[] {
		void this.#version; // subscribe: any document change re-reads
		return listComments(this.ws.doc);
	}
	get hypotheses(): Hypothesis[] {
		void this.#version; // subscribe: any document change re-reads
		return listHypotheses(this.ws.doc);
	}

	/** DAFO cards (archived too: a link to one still shows), for the hypotheses' and objectives' links. */
	get cards(): DafoCard[] {
		void this.#version; // subscribe: any document change re-reads
		return readCards(this.ws.doc, { archived: true });
	}
	get strategies(): DafoStrategy[] {
		void this.#version; // subscribe: any document change re-reads
		return readStrategies(this.ws.doc);
	}

	/** People who may own actions: facilitators and members (observers only watch). */
	get owners(): PlanMember[] {
		return this.members.filter((mb) => mb.role !== 'observer');
	}
	get ownerIds(): string[] {
		return this.owners.map((mb) => mb.userId);
	}
	name(userId: string | null | undefined): string {
		return this.members.find((mb) => mb.userId === userId)?.name ?? '—';
	}

	/** Run a model write; a validation error comes back instead of being thrown. */
	write(fn: () => void): PlanValidationError | null {
		if (this.readOnly) return null;
		try {
			fn();
			return null;
		} catch (e) {
			if (isPlanValidationError(e)) return e;
			throw e;
		}
	}

	/**
	 * The live Y.Text of a co-written field. Every record gets its texts when created (and workspace/004
	 * gave them to older ones), so `live: false` only for a damaged record: its string is then shown in a
	 * read-only field rather than typed into a text that would not be saved.
	 */
	textOf(ref: PlanTextRef, id: string): { text: Y.Text; live: boolean } {
		const doc = this.doc; // subscribes: a restore from history may put a new Y.Text in place
		const t = liveText(doc, ref, id);
		if (t) return { text: t, live: true };
		const key = `${ref.kind}:${id}:${ref.field}`;
		let fallback = this.#detached.get(key);
		if (!fallback) {
			const records: Record<PlanTextRef['kind'], readonly { id: string }[]> = { objective: this.objectives, action: this.actions, hypothesis: this.hypotheses };
			const rec = records[ref.kind].find((x) => x.id === id) as unknown as Record<string, unknown> | undefined;
			fallback = new Y.Doc().getText();
			fallback.insert(0, typeof rec?.[ref.field] === 'string' ? (rec[ref.field] as string) : '');
			this.#detached.set(key, fallback);
		}
		return { text: fallback, live: false };
	}
	// eslint-disable-next-line svelte/prefer-svelte-reactivity -- a cache of fallbacks, not state
	#detached = new Map<string, Y.Text>();

	/** Say which field I am editing ("action:<id>:title"), or null. */
	setEditing(field: string | null) {
		if (this.ws.awareness.getLocalState()?.planField !== field) this.ws.awareness.setLocalStateField('planField', field);
	}

	/** Other people editing `field` now. */
	editorsOf(field: string): FieldEditor[] {
		this.#subscribeAwareness();
		const out: FieldEditor[] = [];
		for (const [clientId, s] of this.ws.awareness.getStates() as Map<number, AwarenessState>) {
			// Short fields say so with `planField`; co-written ones with their caret (CollabText).
			if (clientId === this.ws.awareness.clientID || (s.planField !== field && s.textCursor?.field !== field)) continue;
			const u = s.user;
			if (!u || typeof u.id !== 'string' || typeof u.name !== 'string' || u.id === this.me.id || out.some((x) => x.id === u.id)) continue;
			out.push({ id: u.id, name: u.name, color: typeof u.color === 'string' ? u.color : '#545c59' });
		}
		return out;
	}

	/** The latest session nudge from anyone else here (0 if none): a change means "re-read the sessions". */
	get sessionsSignal(): number {
		this.#subscribeAwareness();
		return latestSessionsSignal(this.ws.awareness.getStates() as Map<number, Record<string, unknown>>, this.ws.awareness.clientID);
	}

	start() {
		this.ws.start();
	}

	destroy() {
		for (const f of this.#off.splice(0)) f();
		this.ws.destroy();
	}
}

export const [getPlanSession, setPlanSession] = createContext<PlanSession>();
