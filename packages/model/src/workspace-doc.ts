// The workspace document of an engagement (`${engagementId}.workspace`): facilitators and members write,
// observers read. Diagnosis part of it here; the DAFO board, hypotheses and plan will join it.
//
// Layout (roots):
//   meta                       Y.Map          schemaVersion, applied migrations (migrations.ts)
//   runs                       KV             runId -> Run (with the frozen template snapshot)
//   notes                      Y.XmlFragment  general engagement notes (Tiptap; already used by the app)
//   notes:${runId}:${itemKey}  Y.XmlFragment  shared notes of one item in one run (Tiptap)
//
// Item notes are root-level fragments, not fragments inside a Y.Map: a root type exists by name on
// every replica without being created, so two people who start the same item's notes at once edit the
// same fragment. Two clients putting a new Y.XmlFragment into a map key at once would race, and one
// fragment (with its text) would be lost.
import * as Y from 'yjs';
import { assertId, assertKey, isId, isKey } from './keys.ts';
import { kvRead, kvWrite } from './kv.ts';
import { cloneTemplate, isValidTemplate, assertValidTemplate, type DiagnosisTemplate } from './template.ts';

export const WORKSPACE_ROOTS = { meta: 'meta', runs: 'runs', notes: 'notes' } as const;
export const ITEM_NOTES_PREFIX = 'notes:';

export interface Run {
	id: string;
	/** "T0", "T1", ... */
	label: string;
	templateId: string;
	templateVersion: number;
	/** The template version as it was when the run started; never changes afterwards. */
	template: DiagnosisTemplate;
	startedAt: number;
	closedAt?: number;
}

const runsArray = (doc: Y.Doc) => doc.getArray<unknown>(WORKSPACE_ROOTS.runs);

function parseRun(id: string, v: unknown): Run | null {
	if (!v || typeof v !== 'object') return null;
	const o = v as Record<string, unknown>;
	if (o.id !== id || !isId(id) || typeof o.label !== 'string' || typeof o.startedAt !== 'number' || !isValidTemplate(o.template)) return null;
	const template = cloneTemplate(o.template);
	if (o.templateId !== template.id || o.templateVersion !== template.version) return null;
	const run: Run = { id, label: o.label, templateId: template.id, templateVersion: template.version, template, startedAt: o.startedAt };
	if (typeof o.closedAt === 'number') run.closedAt = o.closedAt;
	return run;
}

/** All runs, oldest first (ties by id). Unreadable entries are skipped. */
export function readRuns(doc: Y.Doc): Run[] {
	const out: Run[] = [];
	for (const [id, v] of kvRead(runsArray(doc))) {
		const r = parseRun(id, v);
		if (r) out.push(r);
	}
	return out.sort((a, b) => a.startedAt - b.startedAt || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
}

export function readRun(doc: Y.Doc, id: string): Run | null {
	return parseRun(id, kvRead(runsArray(doc)).get(id));
}

/** "T0" for the first run, "T1" for the next, ... */
export const suggestRunLabel = (runs: readonly Run[]) => `T${runs.length}`;

/** Start a run on a template version, freezing a copy of it. Throws if the id is taken or the
 *  template is invalid. */
export function createRun(doc: Y.Doc, opts: { id: string; label: string; template: DiagnosisTemplate; startedAt: number; origin?: unknown }): Run {
	assertId(opts.id, 'run id');
	assertValidTemplate(opts.template);
	const run: Run = {
		id: opts.id,
		label: opts.label,
		templateId: opts.template.id,
		templateVersion: opts.template.version,
		template: cloneTemplate(opts.template),
		startedAt: opts.startedAt
	};
	doc.transact(() => {
		if (kvRead(runsArray(doc)).has(opts.id)) throw new Error(`run ${opts.id} already exists`);
		kvWrite(runsArray(doc), [[opts.id, run]], { now: opts.startedAt });
	}, opts.origin);
	return run;
}

function updateRun(doc: Y.Doc, id: string, change: (r: Run) => void, origin: unknown, now?: number) {
	doc.transact(() => {
		const r = readRun(doc, id);
		if (!r) throw new Error(`no run ${id}`);
		change(r);
		kvWrite(runsArray(doc), [[id, r]], { now });
	}, origin);
}

export function closeRun(doc: Y.Doc, opts: { id: string; at: number; origin?: unknown }): void {
	updateRun(doc, opts.id, (r) => void (r.closedAt = opts.at), opts.origin, opts.at);
}

export function renameRun(doc: Y.Doc, opts: { id: string; label: string; origin?: unknown }): void {
	updateRun(doc, opts.id, (r) => void (r.label = opts.label), opts.origin);
}

/** The general engagement notes (Tiptap: `Collaboration.configure({ fragment })` or `field: 'notes'`). */
export const engagementNotes = (doc: Y.Doc): Y.XmlFragment => doc.getXmlFragment(WORKSPACE_ROOTS.notes);

export function itemNotesName(runId: string, itemKey: string): string {
	assertId(runId, 'runId');
	assertKey(itemKey, 'itemKey');
	return `${ITEM_NOTES_PREFIX}${runId}:${itemKey}`;
}

export function parseItemNotesName(name: string): { runId: string; itemKey: string } | null {
	if (!name.startsWith(ITEM_NOTES_PREFIX)) return null;
	const [runId, itemKey, ...rest] = name.slice(ITEM_NOTES_PREFIX.length).split(':');
	return rest.length === 0 && isId(runId) && isKey(itemKey) ? { runId, itemKey } : null;
}

/** The shared notes of one item in one run (Tiptap: `Collaboration.configure({ fragment })`). */
export const itemNotes = (doc: Y.Doc, runId: string, itemKey: string): Y.XmlFragment => doc.getXmlFragment(itemNotesName(runId, itemKey));

/** Items that have a notes fragment in this replica (after loading: every fragment anyone wrote). */
export function listItemNotes(doc: Y.Doc): { runId: string; itemKey: string }[] {
	const out: { runId: string; itemKey: string }[] = [];
	for (const name of doc.share.keys()) {
		const p = parseItemNotesName(name);
		if (p) out.push(p);
	}
	return out.sort((a, b) => (a.runId < b.runId ? -1 : a.runId > b.runId ? 1 : a.itemKey < b.itemKey ? -1 : a.itemKey > b.itemKey ? 1 : 0));
}

/** Plain text of a notes fragment (paragraphs on separate lines), for exports and tests. */
export function fragmentText(fragment: Y.XmlFragment): string {
	const lines: string[] = [];
	const walk = (node: Y.XmlElement | Y.XmlText | Y.XmlFragment | Y.XmlHook, into: string[]) => {
		if (node instanceof Y.XmlText) for (const d of node.toDelta() as { insert?: unknown }[]) into.push(typeof d.insert === 'string' ? d.insert : '');
		else if (node instanceof Y.XmlElement || node instanceof Y.XmlFragment) for (const c of node.toArray()) walk(c, into);
	};
	for (const block of fragment.toArray()) {
		const parts: string[] = [];
		walk(block, parts);
		lines.push(parts.join(''));
	}
	return lines.join('\n');
}

export interface WorkspaceState {
	runs: Run[];
	notes: string;
	/** By `${runId}:${itemKey}`, as plain text. */
	itemNotes: Record<string, string>;
}

/** The diagnosis part of the workspace document as plain data (notes as plain text). */
export function readWorkspace(doc: Y.Doc): WorkspaceState {
	const notes: Record<string, string> = {};
	for (const { runId, itemKey } of listItemNotes(doc)) notes[`${runId}:${itemKey}`] = fragmentText(itemNotes(doc, runId, itemKey));
	return { runs: readRuns(doc), notes: fragmentText(engagementNotes(doc)), itemNotes: notes };
}
