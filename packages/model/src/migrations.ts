// Id'd migrations of the document models, so that documents written by older versions still open.
// (The shape follows tldraw's record migrations: an ordered sequence of { id, up, down? } per model.)
//
// State lives in the `meta` Y.Map of each document:
//   kind                   'workspace' | 'facilitation' | 'results' | 'private'
//   schemaVersion          the version of the last applied migration
//   migration:${id}        ms when applied (one key per applied migration)
// Keys are flat (no nested Y.Map/Y.Array) so that two replicas migrating the same old document at the
// same time write the same keys and converge. Migrations must be written the same way: set-style writes
// (kvWrite, map sets) that give the same result when applied twice on two replicas, never inserts
// that would duplicate. The server should run migrate() when it loads a document, before serving it;
// clients may run it too (it is a no-op when nothing is pending).
import * as Y from 'yjs';
import { DOC_KINDS, type DocKind } from './doc.ts';
import { ACTION_TEXT_FIELDS, OBJECTIVE_TEXT_FIELDS, PLAN_ROOTS } from './plan/actions.ts';
import { HYPOTHESES_ROOT, HYPOTHESIS_TEXT_FIELDS } from './plan/hypotheses.ts';
import { copyTextsToKv, moveTextsOutOfKv, textStore } from './plan/records.ts';

export const META_ROOT = 'meta';

/** Origin of migration transactions: undo managers should not track it; sync engines may attribute
 *  the resulting updates to the system rather than to a person. */
export const MIGRATION_ORIGIN: unique symbol = Symbol('teixit.model.migration');

export interface Migration {
	/** Stable, unique across all kinds, e.g. "workspace/001-initial". Never renamed once shipped. */
	id: string;
	kind: DocKind;
	/** The schemaVersion after this migration; strictly increasing within a kind. */
	version: number;
	description: string;
	up(doc: Y.Doc): void;
	/** Undo `up` for an older reader; optional when `up` only adds. */
	down?(doc: Y.Doc): void;
}

export class MigrationError extends Error {
	override name = 'MigrationError';
	constructor(
		readonly reason: 'wrong-kind' | 'newer-schema' | 'invalid-sequence' | 'irreversible',
		message: string
	) {
		super(message);
	}
}

const initial = (kind: DocKind, description: string): Migration => ({
	id: `${kind}/001-initial`,
	kind,
	version: 1,
	description,
	// Root types are created lazily by name, so the v1 layout needs no writes beyond the stamp in `meta`
	// (which migrate() does). Documents written before this package (v0: the workspace with only the
	// 'notes' fragment) already are valid v1 documents.
	up: () => {},
	down: () => {}
});

const TEXT_COLLECTIONS: readonly (readonly [string, readonly string[]])[] = [
	[PLAN_ROOTS.objectives, OBJECTIVE_TEXT_FIELDS],
	[PLAN_ROOTS.actions, ACTION_TEXT_FIELDS],
	[HYPOTHESES_ROOT, HYPOTHESIS_TEXT_FIELDS]
];

/** The migrations of each document kind, in order. Append new ones; never edit or reorder shipped ones. */
export const MIGRATIONS: Readonly<Record<DocKind, readonly Migration[]>> = {
	workspace: [
		initial('workspace', "v1: meta; runs (KV); 'notes' fragment; 'notes:<run>:<item>' fragments"),
		// Roots are created lazily by name, so adding the plan roots needs no writes (plan/actions.ts).
		{ id: 'workspace/002-plan', kind: 'workspace', version: 2, description: "v2: 'plan:objectives', 'plan:actions', 'plan:followups', 'plan:hypotheses' (per-field KV records)", up: () => {}, down: () => {} },
		// Lazily created roots again (plan/dafo.ts): nothing to write.
		{ id: 'workspace/003-dafo', kind: 'workspace', version: 3, description: "v3: 'dafoCards', 'dafoClusters' (Y.Map of per-card/cluster Y.Maps)", up: () => {}, down: () => {} },
		{
			id: 'workspace/004-plan-text',
			kind: 'workspace',
			version: 4,
			description: "v4: co-written plan and hypothesis text fields are Y.Texts in '<root>:text' maps instead of LWW strings in the KV (plan/records.ts)",
			// Each string moves into a new Y.Text under a set map key (idempotent, see moveTextsOutOfKv).
			up: (doc) => {
				for (const [root, fields] of TEXT_COLLECTIONS) moveTextsOutOfKv(doc.getArray(root), textStore(doc, root, fields));
			},
			// An older reader reads strings in the KV again; the Y.Texts stay for a later upgrade.
			down: (doc) => {
				for (const [root, fields] of TEXT_COLLECTIONS) copyTextsToKv(doc.getArray(root), textStore(doc, root, fields));
			}
		},
		// Lazily created root again (plan/strategies.ts); the new card fields (impact, likelihood, evidence, sourceType) and the plan's
		// `linkedStrategies` are optional keys that older documents simply lack: nothing to write.
		{ id: 'workspace/005-dafo-strategies', kind: 'workspace', version: 5, description: "v5: 'dafoStrategies' (Y.Map of per-strategy Y.Maps); optional card fields; linkedStrategies on objectives/actions", up: () => {}, down: () => {} }
	],
	facilitation: [
		initial('facilitation', 'v1: meta; control (KV); history (array); published (KV)'),
		{
			id: 'facilitation/002-results-moved',
			kind: 'facilitation',
			version: 2,
			description: 'v2: readiness and aggregates live in the server-only results document; empty `published` here',
			// Facilitators may write this document, so figures in it could be forged. The server recomputes
			// every revealed round from the private documents into the results document (apps/server
			// DiagnosisPublisher), so nothing is lost by emptying it; deleting is idempotent on replicas.
			up: (doc) => {
				const published = doc.getArray('published');
				if (published.length) published.delete(0, published.length);
			},
			// An older reader finds no published figures (it shows "computing"): the old data was not trusted.
			down: () => {}
		}
	],
	results: [initial('results', 'v1: meta; published (KV: aggregates, readiness), written by the server only')],
	private: [
		initial('private', 'v1: meta; responses (KV); status (KV)'),
		{ id: 'private/002-dafo', kind: 'private', version: 2, description: "v2: 'dafoCards' (KV), 'dafoVotes' (KV) (plan/dafo-workshop.ts)", up: () => {}, down: () => {} }
	]
};

export const latestVersion = (kind: DocKind, migrations: readonly Migration[] = MIGRATIONS[kind]) => migrations.at(-1)?.version ?? 0;

export interface DocMeta {
	kind: DocKind | null;
	schemaVersion: number;
	/** Applied migration ids, sorted. */
	applied: string[];
}

const metaMap = (doc: Y.Doc) => doc.getMap<unknown>(META_ROOT);
const MIGRATION_KEY = 'migration:';

export function readMeta(doc: Y.Doc): DocMeta {
	const m = metaMap(doc);
	const kind = m.get('kind');
	const v = m.get('schemaVersion');
	const applied = [...m.keys()].filter((k) => k.startsWith(MIGRATION_KEY)).map((k) => k.slice(MIGRATION_KEY.length)).sort();
	return {
		kind: (DOC_KINDS as readonly unknown[]).includes(kind) ? (kind as DocKind) : null,
		schemaVersion: Number.isInteger(v) ? (v as number) : 0,
		applied
	};
}

function checkSequence(kind: DocKind, migrations: readonly Migration[]) {
	const ids = new Set<string>();
	let last = 0;
	for (const m of migrations) {
		if (m.kind !== kind) throw new MigrationError('invalid-sequence', `migration ${m.id} is for ${m.kind}, not ${kind}`);
		if (ids.has(m.id)) throw new MigrationError('invalid-sequence', `duplicate migration id ${m.id}`);
		if (!(m.version > last)) throw new MigrationError('invalid-sequence', `migration ${m.id}: versions must increase (${m.version} after ${last})`);
		ids.add(m.id);
		last = m.version;
	}
}

export function pendingMigrations(doc: Y.Doc, kind: DocKind, migrations: readonly Migration[] = MIGRATIONS[kind]): Migration[] {
	const applied = new Set(readMeta(doc).applied);
	return migrations.filter((m) => !applied.has(m.id));
}

export interface MigrationResult {
	from: number;
	to: number;
	applied: string[];
	/** 'newer': the document was written by a newer version of the model; nothing was changed and the
	 *  caller should not write to it (ask the user to reload). */
	status: 'current' | 'upgraded' | 'newer';
}

/**
 * Apply the pending migrations of `kind`, in order, in one transaction with MIGRATION_ORIGIN.
 * Idempotent: a second call changes nothing and emits no update.
 */
export function migrate(doc: Y.Doc, kind: DocKind, opts: { migrations?: readonly Migration[]; now?: number } = {}): MigrationResult {
	const migrations = opts.migrations ?? MIGRATIONS[kind];
	checkSequence(kind, migrations);
	const meta = readMeta(doc);
	if (meta.kind !== null && meta.kind !== kind) throw new MigrationError('wrong-kind', `document is a ${meta.kind} document, not ${kind}`);
	const latest = latestVersion(kind, migrations);
	if (meta.schemaVersion > latest) return { from: meta.schemaVersion, to: meta.schemaVersion, applied: [], status: 'newer' };
	const pending = pendingMigrations(doc, kind, migrations);
	if (pending.length === 0 && meta.kind === kind) return { from: meta.schemaVersion, to: meta.schemaVersion, applied: [], status: 'current' };
	const now = opts.now ?? Date.now();
	doc.transact(() => {
		const m = metaMap(doc);
		if (m.get('kind') !== kind) m.set('kind', kind);
		for (const mig of pending) {
			mig.up(doc);
			m.set(MIGRATION_KEY + mig.id, now);
		}
		const to = Math.max(meta.schemaVersion, ...pending.map((p) => p.version));
		if (m.get('schemaVersion') !== to) m.set('schemaVersion', to);
	}, MIGRATION_ORIGIN);
	const after = readMeta(doc);
	return { from: meta.schemaVersion, to: after.schemaVersion, applied: pending.map((p) => p.id), status: pending.length ? 'upgraded' : 'current' };
}

/** Roll a document back to `to` by running `down` of the applied migrations above it, newest first
 *  (for an older reader, or to undo a bad release). Throws if one of them has no `down`. */
export function revertMigrations(doc: Y.Doc, kind: DocKind, opts: { to: number; migrations?: readonly Migration[] }): MigrationResult {
	const migrations = opts.migrations ?? MIGRATIONS[kind];
	checkSequence(kind, migrations);
	const meta = readMeta(doc);
	if (meta.kind !== null && meta.kind !== kind) throw new MigrationError('wrong-kind', `document is a ${meta.kind} document, not ${kind}`);
	const applied = new Set(meta.applied);
	const undo = migrations.filter((m) => m.version > opts.to && applied.has(m.id)).reverse();
	const missing = undo.find((m) => !m.down);
	if (missing) throw new MigrationError('irreversible', `migration ${missing.id} has no down()`);
	if (undo.length === 0) return { from: meta.schemaVersion, to: meta.schemaVersion, applied: [], status: 'current' };
	doc.transact(() => {
		const m = metaMap(doc);
		for (const mig of undo) {
			mig.down!(doc);
			m.delete(MIGRATION_KEY + mig.id);
		}
		m.set('schemaVersion', opts.to);
	}, MIGRATION_ORIGIN);
	return { from: meta.schemaVersion, to: opts.to, applied: undo.map((m) => m.id), status: 'upgraded' };
}
