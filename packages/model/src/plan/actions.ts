// The commercial action plan (DOMAIN.md A3.4) in the workspace document: objectives, actions and dated
// follow-up entries. Facilitators and members write it, observers read it (the sync server enforces that
// per document). Every write validates against the rules below and throws PlanValidationError.
//
// Roots (each a KV of per-field records, records.ts):
//   plan:objectives        objectiveId/field
//   plan:objectives:text   objectiveId/field -> Y.Text (OBJECTIVE_TEXT_FIELDS, co-written; workspace/004)
//   plan:actions           actionId/field
//   plan:actions:text      actionId/field -> Y.Text (ACTION_TEXT_FIELDS)
//   plan:followups         followUpId/field (written once by its author: plain strings)
import * as Y from 'yjs';
import { isId } from '../keys.ts';
import { newId, readRecord, readRecords, recordText, textStore, writeFields, type Fields } from './records.ts';
import { MAX_TITLE, PlanValidationError, checkDate, checkEnum, checkNumber, checkText, isDate } from './errors.ts';

export const PLAN_ROOTS = { objectives: 'plan:objectives', actions: 'plan:actions', followups: 'plan:followups' } as const;

const objectivesArr = (doc: Y.Doc) => doc.getArray<unknown>(PLAN_ROOTS.objectives);
const actionsArr = (doc: Y.Doc) => doc.getArray<unknown>(PLAN_ROOTS.actions);
const followupsArr = (doc: Y.Doc) => doc.getArray<unknown>(PLAN_ROOTS.followups);

/** Free text a group co-writes: Y.Texts merged character by character (records.ts). The other fields
 *  (dates, numbers, enums, owner, the short KPI unit) stay per-field last-writer-wins. */
export const OBJECTIVE_TEXT_FIELDS = ['title', 'description', 'kpi'] as const;
export type ObjectiveTextField = (typeof OBJECTIVE_TEXT_FIELDS)[number];
export const ACTION_TEXT_FIELDS = ['title', 'description'] as const;
export type ActionTextField = (typeof ACTION_TEXT_FIELDS)[number];
const objectiveTexts = (doc: Y.Doc) => textStore(doc, PLAN_ROOTS.objectives, OBJECTIVE_TEXT_FIELDS);
const actionTexts = (doc: Y.Doc) => textStore(doc, PLAN_ROOTS.actions, ACTION_TEXT_FIELDS);

/** The live text of an objective's field, for a co-editing input (null if the objective has none yet;
 *  `create` makes it, for writers only). */
export const objectiveText = (doc: Y.Doc, id: string, field: ObjectiveTextField, create = false) => recordText(objectivesArr(doc), objectiveTexts(doc), id, field, create);
export const actionText = (doc: Y.Doc, id: string, field: ActionTextField, create = false) => recordText(actionsArr(doc), actionTexts(doc), id, field, create);

// ---------------------------------------------------------------------------------------------------
// Vocabularies (labels in apps/web/messages: plan_category_*, plan_status_*, plan_priority_*, plan_rag_*)

export const OBJECTIVE_CATEGORIES = ['captacio', 'facturacio', 'recuperacio', 'fidelitzacio', 'intercooperacio', 'compra_publica', 'posicionament'] as const;
export type ObjectiveCategory = (typeof OBJECTIVE_CATEGORIES)[number];

export const SMART_KEYS = ['specific', 'measurable', 'achievable', 'relevant', 'timeBound'] as const;
export type SmartKey = (typeof SMART_KEYS)[number];
export type SmartChecklist = Record<SmartKey, boolean>;

export const OBJECTIVE_STATUSES = ['open', 'achieved', 'dropped'] as const;
export type ObjectiveStatus = (typeof OBJECTIVE_STATUSES)[number];

export const ACTION_STATUSES = ['todo', 'doing', 'blocked', 'done', 'dropped'] as const;
export type ActionStatus = (typeof ACTION_STATUSES)[number];

export const PRIORITIES = ['high', 'medium', 'low'] as const;
export type Priority = (typeof PRIORITIES)[number];

export const RAGS = ['green', 'amber', 'red'] as const;
export type Rag = (typeof RAGS)[number];

/**
 * Allowed status changes. Work starts before it is done (todo -> done is refused so that "done" means
 * someone did it); a blocked action is unblocked (-> todo/doing) before it can be done; a done action can
 * be reopened (-> doing); a dropped one can be restored (-> todo).
 */
export const ACTION_TRANSITIONS: Readonly<Record<ActionStatus, readonly ActionStatus[]>> = {
	todo: ['doing', 'blocked', 'dropped'],
	doing: ['todo', 'blocked', 'done', 'dropped'],
	blocked: ['todo', 'doing', 'dropped'],
	done: ['doing'],
	dropped: ['todo']
};

export const canTransition = (from: ActionStatus, to: ActionStatus) => from === to || ACTION_TRANSITIONS[from].includes(to);

// ---------------------------------------------------------------------------------------------------
// Types

/** Where an objective or action came from (a DAFO card, a comment, a hypothesis...), for "turn X into
 *  an action" and the CAME links. */
export interface SourceRef {
	kind: 'dafo' | 'comment' | 'hypothesis' | 'followup';
	id: string;
}

export interface Objective {
	id: string;
	title: string;
	category: ObjectiveCategory;
	description: string;
	smart: SmartChecklist;
	/** KPI name, e.g. "New customers per quarter". */
	kpi: string;
	unit: string;
	baseline: number | null;
	target: number | null;
	deadline: string | null;
	ownerId: string | null;
	status: ObjectiveStatus;
	/** DAFO card ids this objective answers. */
	linkedCards: string[];
	/** DAFO cross strategies (plan/strategies.ts) this objective carries out. */
	linkedStrategies: string[];
	linkedHypotheses: string[];
	source: SourceRef | null;
	createdAt: number;
	createdBy: string | null;
}

export interface Action {
	id: string;
	objectiveId: string | null;
	title: string;
	description: string;
	/** Exactly one owner, an engagement member. */
	ownerId: string;
	supportIds: string[];
	start: string | null;
	due: string | null;
	status: ActionStatus;
	/** ms of the last status change (for "done since the last session"). */
	statusAt: number;
	priority: Priority;
	budgetEur: number | null;
	estTeamHours: number | null;
	dependsOn: string[];
	linkedCards: string[];
	linkedStrategies: string[];
	source: SourceRef | null;
	createdAt: number;
	createdBy: string | null;
}

export interface FollowUp {
	id: string;
	targetType: 'objective' | 'action';
	targetId: string;
	date: string;
	progressPct: number | null;
	kpiValue: number | null;
	rag: Rag;
	blockers: string;
	decision: string;
	nextStep: string;
	authorId: string | null;
	sessionId: string | null;
	createdAt: number;
}

export interface WriteOptions {
	/** Engagement member ids; when given, owners must be among them. */
	members?: Iterable<string>;
	now?: number;
	origin?: unknown;
	/** Use this id instead of a random one (tests, imports). */
	id?: string;
}

// ---------------------------------------------------------------------------------------------------
// Parsing stored records (tolerant: a bad field gets its default, a record without its required fields
// is skipped, so one bad write from an old client never hides the rest of the plan).

const str = (v: unknown, d = '') => (typeof v === 'string' ? v : d);
const num = (v: unknown) => (typeof v === 'number' && Number.isFinite(v) ? v : null);
const ids = (v: unknown) => (Array.isArray(v) ? v.filter(isId) : []);
const date = (v: unknown) => (isDate(v) ? v : null);
const oneOf = <T extends string>(v: unknown, all: readonly T[], d: T): T => (all.includes(v as T) ? (v as T) : d);
function source(v: unknown): SourceRef | null {
	if (!v || typeof v !== 'object') return null;
	const o = v as Record<string, unknown>;
	return (o.kind === 'dafo' || o.kind === 'comment' || o.kind === 'hypothesis' || o.kind === 'followup') && typeof o.id === 'string' ? { kind: o.kind, id: o.id } : null;
}
const live = (f: Fields) => f.removedAt === undefined;

function parseObjective(id: string, f: Fields): Objective | null {
	if (!live(f) || typeof f.title !== 'string' || typeof f.createdAt !== 'number') return null;
	const smart = {} as SmartChecklist;
	for (const k of SMART_KEYS) smart[k] = f[`smart_${k}`] === true;
	return {
		id,
		title: f.title,
		category: oneOf(f.category, OBJECTIVE_CATEGORIES, 'captacio'),
		description: str(f.description),
		smart,
		kpi: str(f.kpi),
		unit: str(f.unit),
		baseline: num(f.baseline),
		target: num(f.target),
		deadline: date(f.deadline),
		ownerId: isId(f.ownerId) ? f.ownerId : null,
		status: oneOf(f.status, OBJECTIVE_STATUSES, 'open'),
		linkedCards: ids(f.linkedCards),
		linkedStrategies: ids(f.linkedStrategies),
		linkedHypotheses: ids(f.linkedHypotheses),
		source: source(f.source),
		createdAt: f.createdAt,
		createdBy: isId(f.createdBy) ? f.createdBy : null
	};
}

function parseAction(id: string, f: Fields): Action | null {
	if (!live(f) || typeof f.title !== 'string' || typeof f.createdAt !== 'number') return null;
	return {
		id,
		objectiveId: isId(f.objectiveId) ? f.objectiveId : null,
		title: f.title,
		description: str(f.description),
		ownerId: str(f.ownerId),
		supportIds: ids(f.supportIds),
		start: date(f.start),
		due: date(f.due),
		status: oneOf(f.status, ACTION_STATUSES, 'todo'),
		statusAt: num(f.statusAt) ?? f.createdAt,
		priority: oneOf(f.priority, PRIORITIES, 'medium'),
		budgetEur: num(f.budgetEur),
		estTeamHours: num(f.estTeamHours),
		dependsOn: ids(f.dependsOn).filter((d) => d !== id),
		linkedCards: ids(f.linkedCards),
		linkedStrategies: ids(f.linkedStrategies),
		source: source(f.source),
		createdAt: f.createdAt,
		createdBy: isId(f.createdBy) ? f.createdBy : null
	};
}

function parseFollowUp(id: string, f: Fields): FollowUp | null {
	if (!live(f) || (f.targetType !== 'objective' && f.targetType !== 'action') || !isId(f.targetId) || !isDate(f.date) || typeof f.createdAt !== 'number') return null;
	return {
		id,
		targetType: f.targetType,
		targetId: f.targetId,
		date: f.date,
		progressPct: num(f.progressPct),
		kpiValue: num(f.kpiValue),
		rag: oneOf(f.rag, RAGS, 'green'),
		blockers: str(f.blockers),
		decision: str(f.decision),
		nextStep: str(f.nextStep),
		authorId: isId(f.authorId) ? f.authorId : null,
		sessionId: isId(f.sessionId) ? f.sessionId : null,
		createdAt: f.createdAt
	};
}

const byCreated = <T extends { createdAt: number; id: string }>(a: T, b: T) => a.createdAt - b.createdAt || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);

// ---------------------------------------------------------------------------------------------------
// Reads

export function listObjectives(doc: Y.Doc): Objective[] {
	const out: Objective[] = [];
	for (const [id, f] of readRecords(objectivesArr(doc), objectiveTexts(doc))) {
		const o = parseObjective(id, f);
		if (o) out.push(o);
	}
	return out.sort(byCreated);
}

export function getObjective(doc: Y.Doc, id: string): Objective | null {
	const f = readRecord(objectivesArr(doc), id, objectiveTexts(doc));
	return f ? parseObjective(id, f) : null;
}

export function listActions(doc: Y.Doc): Action[] {
	const out: Action[] = [];
	for (const [id, f] of readRecords(actionsArr(doc), actionTexts(doc))) {
		const a = parseAction(id, f);
		if (a) out.push(a);
	}
	return out.sort(byCreated);
}

export function getAction(doc: Y.Doc, id: string): Action | null {
	const f = readRecord(actionsArr(doc), id, actionTexts(doc));
	return f ? parseAction(id, f) : null;
}

/** Follow-up entries, oldest first by date (then by creation). */
export function listFollowUps(doc: Y.Doc, target?: { type: 'objective' | 'action'; id: string }): FollowUp[] {
	const out: FollowUp[] = [];
	for (const [id, f] of readRecords(followupsArr(doc))) {
		const e = parseFollowUp(id, f);
		if (e && (!target || (e.targetType === target.type && e.targetId === target.id))) out.push(e);
	}
	return out.sort((a, b) => (a.date < b.date ? -1 : a.date > b.date ? 1 : byCreated(a, b)));
}

// ---------------------------------------------------------------------------------------------------
// Rules

function checkOwner(ownerId: unknown, members: Iterable<string> | undefined, field = 'ownerId'): string {
	if (typeof ownerId !== 'string' || !ownerId) throw new PlanValidationError('owner_required', field, 'an action needs exactly one owner');
	if (!isId(ownerId)) throw new PlanValidationError('invalid', field, `owner id ${JSON.stringify(ownerId)} is not a valid id`);
	if (members && !new Set(members).has(ownerId)) throw new PlanValidationError('owner_not_member', field, `owner ${ownerId} is not a member of this engagement`);
	return ownerId;
}

function checkIds(v: unknown, field: string): string[] {
	if (v === undefined || v === null) return [];
	if (!Array.isArray(v) || !v.every(isId)) throw new PlanValidationError('invalid', field, `${field} must be a list of ids`);
	return [...new Set(v)];
}

function checkSource(v: unknown): SourceRef | null {
	if (v === undefined || v === null) return null;
	const s = source(v);
	if (!s) throw new PlanValidationError('invalid', 'source', 'source must be {kind: dafo|comment|hypothesis|followup, id}');
	return s;
}

/** A dependency cycle through `id` if its dependencies were `dependsOn`, as a list of ids
 *  [id, ..., id], or null. */
export function findDependencyCycle(actions: readonly Pick<Action, 'id' | 'dependsOn'>[], id: string, dependsOn: readonly string[]): string[] | null {
	const deps = new Map<string, readonly string[]>(actions.map((a) => [a.id, a.dependsOn]));
	deps.set(id, dependsOn);
	const path: string[] = [id];
	const seen = new Set<string>();
	const walk = (cur: string): boolean => {
		for (const next of deps.get(cur) ?? []) {
			if (next === id) {
				path.push(id);
				return true;
			}
			if (seen.has(next)) continue;
			seen.add(next);
			path.push(next);
			if (walk(next)) return true;
			path.pop();
		}
		return false;
	};
	return walk(id) ? path : null;
}

/** Ids of actions that take part in a dependency cycle (possible after two replicas each added one
 *  edge at the same time; the UI flags them). */
export function actionsInCycles(actions: readonly Pick<Action, 'id' | 'dependsOn'>[]): Set<string> {
	const out = new Set<string>();
	for (const a of actions) if (findDependencyCycle(actions, a.id, a.dependsOn)) out.add(a.id);
	return out;
}

function checkDependencies(doc: Y.Doc, id: string, dependsOn: string[]): void {
	const actions = listActions(doc);
	const known = new Set(actions.map((a) => a.id));
	for (const d of dependsOn) {
		if (d === id) throw new PlanValidationError('dependency_self', 'dependsOn', 'an action cannot depend on itself');
		if (!known.has(d)) throw new PlanValidationError('dependency_unknown', 'dependsOn', `no action ${d} to depend on`);
	}
	const cycle = findDependencyCycle(actions, id, dependsOn);
	if (cycle) {
		const title = (x: string) => actions.find((a) => a.id === x)?.title ?? x;
		throw new PlanValidationError('dependency_cycle', 'dependsOn', `dependencies would form a cycle: ${cycle.map(title).join(' -> ')}`);
	}
}

function checkDates(start: string | null, due: string | null) {
	if (start && due && due < start) throw new PlanValidationError('due_before_start', 'due', `due date ${due} is before start ${start}`);
}

/**
 * KPI progress from baseline to target: (value - baseline) / (target - baseline). Works for decreasing
 * KPIs (target < baseline, e.g. top-5 customer share) since both differences are then negative.
 * 0 = at baseline, 1 = target reached; may go below 0 or above 1. Null when something is missing or
 * target equals baseline (no direction).
 */
export function kpiProgress(baseline: number | null, target: number | null, value: number | null): number | null {
	if (baseline === null || target === null || value === null || target === baseline) return null;
	return (value - baseline) / (target - baseline);
}

/** The objective's latest KPI value from its follow-ups (by date), or null. */
export function latestKpiValue(followUps: readonly FollowUp[], objectiveId: string): { value: number; date: string } | null {
	let best: FollowUp | null = null;
	for (const f of followUps) if (f.targetType === 'objective' && f.targetId === objectiveId && f.kpiValue !== null && (!best || f.date > best.date || (f.date === best.date && f.createdAt >= best.createdAt))) best = f;
	return best ? { value: best.kpiValue!, date: best.date } : null;
}

/** The latest RAG of a target (objective or action) from its follow-ups, or null. */
export function latestRag(followUps: readonly FollowUp[], type: 'objective' | 'action', id: string): Rag | null {
	let best: FollowUp | null = null;
	for (const f of followUps) if (f.targetType === type && f.targetId === id && (!best || f.date > best.date || (f.date === best.date && f.createdAt >= best.createdAt))) best = f;
	return best?.rag ?? null;
}

// ---------------------------------------------------------------------------------------------------
// Objectives

export interface ObjectiveInput {
	title: string;
	category: ObjectiveCategory;
	description?: string;
	smart?: Partial<SmartChecklist>;
	kpi?: string;
	unit?: string;
	baseline?: number | null;
	target?: number | null;
	deadline?: string | null;
	ownerId?: string | null;
	status?: ObjectiveStatus;
	linkedCards?: string[];
	linkedStrategies?: string[];
	linkedHypotheses?: string[];
	source?: SourceRef | null;
}

/** Validate an objective patch into stored fields. */
function objectiveFields(input: Partial<ObjectiveInput>, current: Objective | null, opts: WriteOptions): Fields {
	const f: Fields = {};
	if ('title' in input || !current) f.title = checkText(input.title, 'title', { required: true, max: MAX_TITLE });
	if ('category' in input || !current) f.category = checkEnum(input.category, OBJECTIVE_CATEGORIES, 'category');
	if ('description' in input) f.description = checkText(input.description, 'description');
	if (input.smart) for (const k of SMART_KEYS) if (k in input.smart) f[`smart_${k}`] = input.smart[k] === true;
	if ('kpi' in input) f.kpi = checkText(input.kpi, 'kpi', { max: MAX_TITLE });
	if ('unit' in input) f.unit = checkText(input.unit, 'unit', { max: 40 });
	if ('baseline' in input) f.baseline = checkNumber(input.baseline, 'baseline');
	if ('target' in input) f.target = checkNumber(input.target, 'target');
	const baseline = 'baseline' in f ? f.baseline : (current?.baseline ?? null);
	const target = 'target' in f ? f.target : (current?.target ?? null);
	if (('baseline' in f || 'target' in f) && baseline !== null && baseline === target) throw new PlanValidationError('kpi_target_equals_baseline', 'target', 'the KPI target must differ from its baseline');
	if ('deadline' in input) f.deadline = checkDate(input.deadline, 'deadline');
	if ('ownerId' in input) f.ownerId = input.ownerId ? checkOwner(input.ownerId, opts.members) : null;
	if ('status' in input) f.status = checkEnum(input.status, OBJECTIVE_STATUSES, 'status');
	if ('linkedCards' in input) f.linkedCards = checkIds(input.linkedCards, 'linkedCards');
	if ('linkedStrategies' in input) f.linkedStrategies = checkIds(input.linkedStrategies, 'linkedStrategies');
	if ('linkedHypotheses' in input) f.linkedHypotheses = checkIds(input.linkedHypotheses, 'linkedHypotheses');
	if ('source' in input) f.source = checkSource(input.source);
	return f;
}

/** Add an objective; returns its id. Throws PlanValidationError on bad input. */
export function addObjective(doc: Y.Doc, input: ObjectiveInput, byUserId?: string | null, opts: WriteOptions = {}): string {
	const id = opts.id ?? newId();
	if (!isId(id)) throw new PlanValidationError('invalid', 'id', `bad id ${JSON.stringify(id)}`);
	const now = opts.now ?? Date.now();
	const f = objectiveFields(input, null, opts);
	doc.transact(() => {
		if (readRecord(objectivesArr(doc), id, objectiveTexts(doc))) throw new PlanValidationError('invalid', 'id', `objective ${id} already exists`);
		writeFields(objectivesArr(doc), id, { ...f, status: f.status ?? 'open', createdAt: now, createdBy: byUserId && isId(byUserId) ? byUserId : null }, { now, texts: objectiveTexts(doc), created: true });
	}, opts.origin);
	return id;
}

/** Change some fields of an objective (only the given ones, so concurrent edits of others survive). */
export function updateObjective(doc: Y.Doc, id: string, patch: Partial<ObjectiveInput>, opts: WriteOptions = {}): void {
	const now = opts.now ?? Date.now();
	doc.transact(() => {
		const cur = getObjective(doc, id);
		if (!cur) throw new PlanValidationError('not_found', 'id', `no objective ${id}`);
		writeFields(objectivesArr(doc), id, objectiveFields(patch, cur, opts), { now, texts: objectiveTexts(doc) });
	}, opts.origin);
}

/** Remove an objective. Its actions stay, unlinked (nothing already written is lost). */
export function removeObjective(doc: Y.Doc, id: string, opts: WriteOptions = {}): void {
	const now = opts.now ?? Date.now();
	doc.transact(() => {
		if (!getObjective(doc, id)) throw new PlanValidationError('not_found', 'id', `no objective ${id}`);
		writeFields(objectivesArr(doc), id, { removedAt: now }, { now });
		for (const a of listActions(doc)) if (a.objectiveId === id) writeFields(actionsArr(doc), a.id, { objectiveId: null }, { now });
	}, opts.origin);
}

// ---------------------------------------------------------------------------------------------------
// Actions

export interface ActionInput {
	title: string;
	ownerId: string;
	objectiveId?: string | null;
	description?: string;
	supportIds?: string[];
	start?: string | null;
	due?: string | null;
	status?: ActionStatus;
	priority?: Priority;
	budgetEur?: number | null;
	estTeamHours?: number | null;
	dependsOn?: string[];
	linkedCards?: string[];
	linkedStrategies?: string[];
	source?: SourceRef | null;
}

function actionFields(doc: Y.Doc, id: string, input: Partial<ActionInput>, current: Action | null, opts: WriteOptions, now: number): Fields {
	const f: Fields = {};
	if ('title' in input || !current) f.title = checkText(input.title, 'title', { required: true, max: MAX_TITLE });
	if ('ownerId' in input || !current) f.ownerId = checkOwner(input.ownerId, opts.members);
	if ('objectiveId' in input) {
		const o = input.objectiveId ?? null;
		if (o !== null && !getObjective(doc, o)) throw new PlanValidationError('not_found', 'objectiveId', `no objective ${o}`);
		f.objectiveId = o;
	}
	if ('description' in input) f.description = checkText(input.description, 'description');
	if ('supportIds' in input) f.supportIds = checkIds(input.supportIds, 'supportIds');
	if ('start' in input) f.start = checkDate(input.start, 'start');
	if ('due' in input) f.due = checkDate(input.due, 'due');
	if ('start' in f || 'due' in f) checkDates('start' in f ? (f.start as string | null) : (current?.start ?? null), 'due' in f ? (f.due as string | null) : (current?.due ?? null));
	if ('priority' in input) f.priority = checkEnum(input.priority, PRIORITIES, 'priority');
	if ('budgetEur' in input) f.budgetEur = checkNumber(input.budgetEur, 'budgetEur', { min: 0 });
	if ('estTeamHours' in input) f.estTeamHours = checkNumber(input.estTeamHours, 'estTeamHours', { min: 0 });
	const dependsOn = 'dependsOn' in input ? checkIds(input.dependsOn, 'dependsOn') : (current?.dependsOn ?? []);
	if ('dependsOn' in input) {
		checkDependencies(doc, id, dependsOn);
		f.dependsOn = dependsOn;
	}
	if ('status' in input) {
		const to = checkEnum(input.status, ACTION_STATUSES, 'status');
		const from = current?.status ?? 'todo';
		if (current && !canTransition(from, to)) throw new PlanValidationError('transition_not_allowed', 'status', `an action cannot go from ${from} to ${to} (allowed: ${ACTION_TRANSITIONS[from].join(', ')})`);
		if (to === 'done') {
			const actions = new Map(listActions(doc).map((a) => [a.id, a]));
			const open = dependsOn.map((d) => actions.get(d)).filter((a): a is Action => !!a && a.status !== 'done' && a.status !== 'dropped');
			if (open.length) throw new PlanValidationError('dependencies_not_done', 'status', `first finish what this action depends on: ${open.map((a) => a.title).join(', ')}`);
		}
		if (to !== from || !current) {
			f.status = to;
			f.statusAt = now;
		}
	}
	if ('linkedCards' in input) f.linkedCards = checkIds(input.linkedCards, 'linkedCards');
	if ('linkedStrategies' in input) f.linkedStrategies = checkIds(input.linkedStrategies, 'linkedStrategies');
	if ('source' in input) f.source = checkSource(input.source);
	return f;
}

/** Add an action; returns its id. Throws PlanValidationError on bad input (no owner, owner not a member
 *  when `opts.members` is given, due before start, unknown objective, dependency cycle...). */
export function addAction(doc: Y.Doc, input: ActionInput, byUserId?: string | null, opts: WriteOptions = {}): string {
	const id = opts.id ?? newId();
	if (!isId(id)) throw new PlanValidationError('invalid', 'id', `bad id ${JSON.stringify(id)}`);
	const now = opts.now ?? Date.now();
	doc.transact(() => {
		if (readRecord(actionsArr(doc), id, actionTexts(doc))) throw new PlanValidationError('invalid', 'id', `action ${id} already exists`);
		const f = actionFields(doc, id, { status: 'todo', priority: 'medium', ...input }, null, opts, now);
		writeFields(actionsArr(doc), id, { ...f, createdAt: now, createdBy: byUserId && isId(byUserId) ? byUserId : null }, { now, texts: actionTexts(doc), created: true });
	}, opts.origin);
	return id;
}

/** Change some fields of an action. A status change must be an allowed transition. */
export function updateAction(doc: Y.Doc, id: string, patch: Partial<ActionInput>, opts: WriteOptions = {}): void {
	const now = opts.now ?? Date.now();
	doc.transact(() => {
		const cur = getAction(doc, id);
		if (!cur) throw new PlanValidationError('not_found', 'id', `no action ${id}`);
		writeFields(actionsArr(doc), id, actionFields(doc, id, patch, cur, opts, now), { now, texts: actionTexts(doc) });
	}, opts.origin);
}

export const setActionStatus = (doc: Y.Doc, id: string, status: ActionStatus, opts: WriteOptions = {}) => updateAction(doc, id, { status }, opts);

/** Remove an action and drop it from other actions' dependencies. */
export function removeAction(doc: Y.Doc, id: string, opts: WriteOptions = {}): void {
	const now = opts.now ?? Date.now();
	doc.transact(() => {
		if (!getAction(doc, id)) throw new PlanValidationError('not_found', 'id', `no action ${id}`);
		writeFields(actionsArr(doc), id, { removedAt: now }, { now });
		for (const a of listActions(doc)) if (a.dependsOn.includes(id)) writeFields(actionsArr(doc), a.id, { dependsOn: a.dependsOn.filter((d) => d !== id) }, { now });
	}, opts.origin);
}

// ---------------------------------------------------------------------------------------------------
// Follow-up entries

export interface FollowUpInput {
	targetType: 'objective' | 'action';
	targetId: string;
	date: string;
	progressPct?: number | null;
	kpiValue?: number | null;
	rag: Rag;
	blockers?: string;
	decision?: string;
	nextStep?: string;
	sessionId?: string | null;
}

export function addFollowUp(doc: Y.Doc, input: FollowUpInput, byUserId?: string | null, opts: WriteOptions = {}): string {
	const id = opts.id ?? newId();
	const now = opts.now ?? Date.now();
	const targetType = checkEnum(input.targetType, ['objective', 'action'] as const, 'targetType');
	const f: Fields = {
		targetType,
		targetId: input.targetId,
		date: checkDate(input.date, 'date', true),
		progressPct: checkNumber(input.progressPct, 'progressPct', { min: 0, max: 100 }),
		kpiValue: checkNumber(input.kpiValue, 'kpiValue'),
		rag: checkEnum(input.rag, RAGS, 'rag'),
		blockers: checkText(input.blockers, 'blockers'),
		decision: checkText(input.decision, 'decision'),
		nextStep: checkText(input.nextStep, 'nextStep'),
		sessionId: input.sessionId && isId(input.sessionId) ? input.sessionId : null,
		authorId: byUserId && isId(byUserId) ? byUserId : null,
		createdAt: now
	};
	doc.transact(() => {
		const exists = targetType === 'objective' ? getObjective(doc, input.targetId) : getAction(doc, input.targetId);
		if (!exists) throw new PlanValidationError('not_found', 'targetId', `no ${targetType} ${input.targetId}`);
		if (readRecord(followupsArr(doc), id)) throw new PlanValidationError('invalid', 'id', `follow-up ${id} already exists`);
		writeFields(followupsArr(doc), id, f, { now });
	}, opts.origin);
	return id;
}

export function removeFollowUp(doc: Y.Doc, id: string, opts: WriteOptions = {}): void {
	const now = opts.now ?? Date.now();
	doc.transact(() => {
		const f = readRecord(followupsArr(doc), id);
		if (!f || f.removedAt !== undefined) throw new PlanValidationError('not_found', 'id', `no follow-up ${id}`);
		writeFields(followupsArr(doc), id, { removedAt: now }, { now });
	}, opts.origin);
}

// ---------------------------------------------------------------------------------------------------
// "Review last session's actions"

export interface SessionReview {
	/** Actions due in the window (any status). */
	due: Action[];
	/** Actions that became done in the window. */
	done: Action[];
	/** Actions blocked now. */
	blocked: Action[];
	/** Due in the window or earlier and still not done or dropped. */
	overdue: Action[];
}

/**
 * What happened to the actions between the previous session (`since`, ms) and now (`until`, ms):
 * what was due, what got done, what is blocked. Dates compare as UTC calendar days.
 */
export function reviewSince(actions: readonly Action[], since: number, until: number): SessionReview {
	const day = (ms: number) => new Date(ms).toISOString().slice(0, 10);
	const from = day(since);
	const to = day(until);
	const closed = (a: Action) => a.status === 'done' || a.status === 'dropped';
	const order = (a: Action, b: Action) => (a.due ?? '9') < (b.due ?? '9') ? -1 : (a.due ?? '9') > (b.due ?? '9') ? 1 : byCreated(a, b);
	return {
		due: actions.filter((a) => a.due !== null && a.due >= from && a.due <= to).sort(order),
		done: actions.filter((a) => a.status === 'done' && a.statusAt >= since && a.statusAt <= until).sort(order),
		blocked: actions.filter((a) => a.status === 'blocked').sort(order),
		overdue: actions.filter((a) => a.due !== null && a.due < to && !closed(a)).sort(order)
	};
}

// ---------------------------------------------------------------------------------------------------
// Comments on objectives and actions, and "turn a comment into an action" in one step.

export const COMMENTS_ROOT = 'plan:comments';
const commentsArr = (doc: Y.Doc) => doc.getArray<unknown>(COMMENTS_ROOT);

export interface PlanComment {
	id: string;
	targetType: 'objective' | 'action';
	targetId: string;
	text: string;
	authorId: string | null;
	createdAt: number;
	/** The action this comment was turned into, if any. */
	actionId: string | null;
}

export function listComments(doc: Y.Doc, target?: { type: 'objective' | 'action'; id: string }): PlanComment[] {
	const out: PlanComment[] = [];
	for (const [id, f] of readRecords(commentsArr(doc))) {
		if (!live(f) || (f.targetType !== 'objective' && f.targetType !== 'action') || !isId(f.targetId) || typeof f.text !== 'string' || typeof f.createdAt !== 'number') continue;
		if (target && (f.targetType !== target.type || f.targetId !== target.id)) continue;
		out.push({ id, targetType: f.targetType, targetId: f.targetId, text: f.text, authorId: isId(f.authorId) ? f.authorId : null, createdAt: f.createdAt, actionId: isId(f.actionId) ? f.actionId : null });
	}
	return out.sort(byCreated);
}

export function addComment(doc: Y.Doc, input: { targetType: 'objective' | 'action'; targetId: string; text: string }, byUserId?: string | null, opts: WriteOptions = {}): string {
	const id = opts.id ?? newId();
	const now = opts.now ?? Date.now();
	const targetType = checkEnum(input.targetType, ['objective', 'action'] as const, 'targetType');
	const text = checkText(input.text, 'text', { required: true, max: 2000 });
	doc.transact(() => {
		const exists = targetType === 'objective' ? getObjective(doc, input.targetId) : getAction(doc, input.targetId);
		if (!exists) throw new PlanValidationError('not_found', 'targetId', `no ${targetType} ${input.targetId}`);
		writeFields(commentsArr(doc), id, { targetType, targetId: input.targetId, text, authorId: byUserId && isId(byUserId) ? byUserId : null, createdAt: now }, { now });
	}, opts.origin);
	return id;
}

/**
 * One step: a new action whose title is the comment (first line, up to the title limit) and whose
 * description is the whole comment, under the comment's objective (or the commented action's), owned by
 * `ownerId`; the comment remembers the action. Returns the action id.
 */
export function commentToAction(doc: Y.Doc, commentId: string, input: { ownerId: string; due?: string | null }, byUserId?: string | null, opts: WriteOptions = {}): string {
	let actionId = '';
	doc.transact(() => {
		const c = listComments(doc).find((x) => x.id === commentId);
		if (!c) throw new PlanValidationError('not_found', 'commentId', `no comment ${commentId}`);
		if (c.actionId && getAction(doc, c.actionId)) throw new PlanValidationError('invalid', 'commentId', 'this comment is already an action');
		const objectiveId = c.targetType === 'objective' ? c.targetId : (getAction(doc, c.targetId)?.objectiveId ?? null);
		const title = (c.text.split('\n')[0] ?? '').slice(0, MAX_TITLE);
		actionId = addAction(doc, { title, description: c.text, ownerId: input.ownerId, objectiveId, due: input.due ?? null, source: { kind: 'comment', id: c.id } }, byUserId, { ...opts, id: undefined });
		writeFields(commentsArr(doc), c.id, { actionId }, { now: opts.now });
	}, opts.origin);
	return actionId;
}
