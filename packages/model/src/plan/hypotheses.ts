// Starting hypotheses (DOMAIN.md A3.3) in the workspace document, reviewed at month 12 with a learning
// card and a decision. Root `plan:hypotheses`: a KV of per-field records (records.ts), like the plan;
// the co-written text fields (HYPOTHESIS_TEXT_FIELDS) are Y.Texts in `plan:hypotheses:text` (workspace/004).
import type * as Y from 'yjs';
import { isId } from '../keys.ts';
import { newId, readRecord, readRecords, recordText, textStore, writeFields, type Fields } from './records.ts';
import { MAX_TITLE, PlanValidationError, checkDate, checkEnum, checkNumber, checkText, isDate } from './errors.ts';
import type { WriteOptions } from './actions.ts';

export const HYPOTHESES_ROOT = 'plan:hypotheses';
const arr = (doc: Y.Doc) => doc.getArray<unknown>(HYPOTHESES_ROOT);

/** Free text co-written live (the review's too: a group fills the learning card together). */
export const HYPOTHESIS_TEXT_FIELDS = ['statement', 'test', 'metric', 'successCriterion', 'observed', 'learned', 'nextStep', 'reviewNotes'] as const;
export type HypothesisTextField = (typeof HYPOTHESIS_TEXT_FIELDS)[number];
const texts = (doc: Y.Doc) => textStore(doc, HYPOTHESES_ROOT, HYPOTHESIS_TEXT_FIELDS);

/** The live text of a hypothesis field, for a co-editing input (`create`: for writers only). */
export const hypothesisText = (doc: Y.Doc, id: string, field: HypothesisTextField, create = false) => recordText(arr(doc), texts(doc), id, field, create);

export const HYPOTHESIS_TYPES = ['desirability', 'viability', 'feasibility', 'ess_fit'] as const;
export type HypothesisType = (typeof HYPOTHESIS_TYPES)[number];
export const HYPOTHESIS_STATUSES = ['proposed', 'testing', 'validated', 'invalidated', 'inconclusive', 'dropped'] as const;
export type HypothesisStatus = (typeof HYPOTHESIS_STATUSES)[number];
export const DECISIONS = ['persevere', 'pivot', 'kill', 'keep_testing'] as const;
export type Decision = (typeof DECISIONS)[number];
export const CONFIDENCES = ['low', 'medium', 'high'] as const;
export type Confidence = (typeof CONFIDENCES)[number];

/** Accepted openings of a statement, per language (the "We believe that..." form). */
export const STATEMENT_PREFIXES = ['Creiem que', 'Creemos que', 'We believe that'] as const;

export interface LearningCard {
	observed: string;
	learned: string;
	nextStep: string;
}

export interface HypothesisReview {
	learning: LearningCard;
	decision: Decision;
	confidence: Confidence | null;
	notes: string;
	reviewedAt: number;
	reviewedBy: string | null;
}

export interface Hypothesis {
	id: string;
	/** "H1", "H2", ... in creation order. */
	code: string;
	statement: string;
	type: HypothesisType;
	/** 1 (low) to 3 (high). */
	importance: number;
	/** 0 none, 1 opinion, 2 stated data, 3 observed behaviour. */
	initialEvidence: number;
	test: string;
	metric: string;
	successCriterion: string;
	ownerId: string | null;
	deadline: string | null;
	status: HypothesisStatus;
	linkedDimension: string;
	linkedCards: string[];
	review: HypothesisReview | null;
	createdAt: number;
	createdBy: string | null;
}

export interface HypothesisInput {
	statement: string;
	type: HypothesisType;
	importance?: number;
	initialEvidence?: number;
	test?: string;
	metric?: string;
	successCriterion?: string;
	ownerId?: string | null;
	deadline?: string | null;
	status?: HypothesisStatus;
	linkedDimension?: string;
	linkedCards?: string[];
}

export interface ReviewInput {
	observed: string;
	learned: string;
	nextStep?: string;
	decision: Decision;
	confidence?: Confidence | null;
	notes?: string;
}

const str = (v: unknown) => (typeof v === 'string' ? v : '');
const oneOf = <T extends string>(v: unknown, all: readonly T[], d: T): T => (all.includes(v as T) ? (v as T) : d);
const intIn = (v: unknown, lo: number, hi: number, d: number) => (Number.isInteger(v) && (v as number) >= lo && (v as number) <= hi ? (v as number) : d);

function parse(id: string, f: Fields): Hypothesis | null {
	if (f.removedAt !== undefined || typeof f.statement !== 'string' || typeof f.createdAt !== 'number') return null;
	const decision = DECISIONS.includes(f.decision as Decision) ? (f.decision as Decision) : null;
	return {
		id,
		code: str(f.code) || '?',
		statement: f.statement,
		type: oneOf(f.type, HYPOTHESIS_TYPES, 'desirability'),
		importance: intIn(f.importance, 1, 3, 2),
		initialEvidence: intIn(f.initialEvidence, 0, 3, 0),
		test: str(f.test),
		metric: str(f.metric),
		successCriterion: str(f.successCriterion),
		ownerId: isId(f.ownerId) ? f.ownerId : null,
		deadline: isDate(f.deadline) ? f.deadline : null,
		status: oneOf(f.status, HYPOTHESIS_STATUSES, 'proposed'),
		linkedDimension: str(f.linkedDimension),
		linkedCards: Array.isArray(f.linkedCards) ? f.linkedCards.filter(isId) : [],
		review:
			decision && typeof f.reviewedAt === 'number'
				? {
						learning: { observed: str(f.observed), learned: str(f.learned), nextStep: str(f.nextStep) },
						decision,
						confidence: CONFIDENCES.includes(f.confidence as Confidence) ? (f.confidence as Confidence) : null,
						notes: str(f.reviewNotes),
						reviewedAt: f.reviewedAt,
						reviewedBy: isId(f.reviewedBy) ? f.reviewedBy : null
					}
				: null,
		createdAt: f.createdAt,
		createdBy: isId(f.createdBy) ? f.createdBy : null
	};
}

const codeNumber = (code: string) => (/^H(\d+)$/.exec(code) ? Number(code.slice(1)) : 0);

/** Hypotheses by code number (H1, H2, ... H10), then creation. */
export function listHypotheses(doc: Y.Doc): Hypothesis[] {
	const out: Hypothesis[] = [];
	for (const [id, f] of readRecords(arr(doc), texts(doc))) {
		const h = parse(id, f);
		if (h) out.push(h);
	}
	return out.sort((a, b) => codeNumber(a.code) - codeNumber(b.code) || a.createdAt - b.createdAt || (a.id < b.id ? -1 : 1));
}

export function getHypothesis(doc: Y.Doc, id: string): Hypothesis | null {
	const f = readRecord(arr(doc), id, texts(doc));
	return f ? parse(id, f) : null;
}

/** The statement must be a "We believe that..." sentence (in ca, es or en) with something after it. */
export function checkStatement(s: unknown): string {
	const v = checkText(s, 'statement', { required: true, max: 600 });
	const prefix = STATEMENT_PREFIXES.find((p) => v.toLowerCase().startsWith(p.toLowerCase()));
	if (!prefix || v.length - prefix.length < 4) throw new PlanValidationError('statement_prefix', 'statement', `a hypothesis starts "${STATEMENT_PREFIXES.join('" / "')}" and says what you believe`);
	return v;
}

function fields(input: Partial<HypothesisInput>, isNew: boolean, opts: WriteOptions): Fields {
	const f: Fields = {};
	if ('statement' in input || isNew) f.statement = checkStatement(input.statement);
	if ('type' in input || isNew) f.type = checkEnum(input.type, HYPOTHESIS_TYPES, 'type');
	if ('importance' in input) f.importance = checkNumber(input.importance, 'importance', { min: 1, max: 3, integer: true }) ?? 2;
	if ('initialEvidence' in input) f.initialEvidence = checkNumber(input.initialEvidence, 'initialEvidence', { min: 0, max: 3, integer: true }) ?? 0;
	for (const k of ['test', 'metric', 'successCriterion'] as const) if (k in input) f[k] = checkText(input[k], k);
	if ('linkedDimension' in input) f.linkedDimension = checkText(input.linkedDimension, 'linkedDimension', { max: MAX_TITLE });
	if ('ownerId' in input) {
		const o = input.ownerId || null;
		if (o !== null && !isId(o)) throw new PlanValidationError('invalid', 'ownerId', `bad owner id ${JSON.stringify(o)}`);
		if (o !== null && opts.members && !new Set(opts.members).has(o)) throw new PlanValidationError('owner_not_member', 'ownerId', `owner ${o} is not a member of this engagement`);
		f.ownerId = o;
	}
	if ('deadline' in input) f.deadline = checkDate(input.deadline, 'deadline');
	if ('status' in input) f.status = checkEnum(input.status, HYPOTHESIS_STATUSES, 'status');
	if ('linkedCards' in input) {
		const c = input.linkedCards ?? [];
		if (!Array.isArray(c) || !c.every(isId)) throw new PlanValidationError('invalid', 'linkedCards', 'linkedCards must be a list of ids');
		f.linkedCards = [...new Set(c)];
	}
	return f;
}

export function addHypothesis(doc: Y.Doc, input: HypothesisInput, byUserId?: string | null, opts: WriteOptions = {}): string {
	const id = opts.id ?? newId();
	if (!isId(id)) throw new PlanValidationError('invalid', 'id', `bad id ${JSON.stringify(id)}`);
	const now = opts.now ?? Date.now();
	const f = fields({ importance: 2, initialEvidence: 0, status: 'proposed', ...input }, true, opts);
	doc.transact(() => {
		if (readRecord(arr(doc), id, texts(doc))) throw new PlanValidationError('invalid', 'id', `hypothesis ${id} already exists`);
		// Next free code. Two replicas adding at the same moment may pick the same code; the list still
		// orders them, and the code is only a label.
		const next = Math.max(0, ...[...readRecords(arr(doc), texts(doc)).values()].map((r) => codeNumber(str(r.code)))) + 1;
		writeFields(arr(doc), id, { ...f, code: `H${next}`, createdAt: now, createdBy: byUserId && isId(byUserId) ? byUserId : null }, { now, texts: texts(doc), created: true });
	}, opts.origin);
	return id;
}

export function updateHypothesis(doc: Y.Doc, id: string, patch: Partial<HypothesisInput>, opts: WriteOptions = {}): void {
	const now = opts.now ?? Date.now();
	doc.transact(() => {
		if (!getHypothesis(doc, id)) throw new PlanValidationError('not_found', 'id', `no hypothesis ${id}`);
		writeFields(arr(doc), id, fields(patch, false, opts), { now, texts: texts(doc) });
	}, opts.origin);
}

export function removeHypothesis(doc: Y.Doc, id: string, opts: WriteOptions = {}): void {
	const now = opts.now ?? Date.now();
	doc.transact(() => {
		if (!getHypothesis(doc, id)) throw new PlanValidationError('not_found', 'id', `no hypothesis ${id}`);
		writeFields(arr(doc), id, { removedAt: now }, { now });
	}, opts.origin);
}

/** The decision each review leads to, as the hypothesis' status ("keep testing" keeps it in test). */
export const STATUS_AFTER_DECISION: Readonly<Record<Decision, HypothesisStatus>> = {
	persevere: 'validated',
	pivot: 'invalidated',
	kill: 'invalidated',
	keep_testing: 'testing'
};

/**
 * Record the review: a learning card (what we observed, what we learned, next step) and a decision.
 * Observed, learned and the decision are required. Sets the status from the decision unless `status`
 * is given (e.g. "inconclusive" with "keep testing").
 */
export function reviewHypothesis(doc: Y.Doc, id: string, review: ReviewInput & { status?: HypothesisStatus }, byUserId?: string | null, opts: WriteOptions = {}): void {
	const now = opts.now ?? Date.now();
	const observed = checkText(review.observed, 'observed');
	const learned = checkText(review.learned, 'learned');
	if (!observed) throw new PlanValidationError('review_incomplete', 'observed', 'the learning card needs what was observed');
	if (!learned) throw new PlanValidationError('review_incomplete', 'learned', 'the learning card needs what was learned');
	if (!DECISIONS.includes(review.decision)) throw new PlanValidationError('review_incomplete', 'decision', `the review needs a decision: ${DECISIONS.join(', ')}`);
	const f: Fields = {
		observed,
		learned,
		nextStep: checkText(review.nextStep, 'nextStep'),
		decision: review.decision,
		confidence: review.confidence ? checkEnum(review.confidence, CONFIDENCES, 'confidence') : null,
		reviewNotes: checkText(review.notes, 'notes'),
		status: review.status ? checkEnum(review.status, HYPOTHESIS_STATUSES, 'status') : STATUS_AFTER_DECISION[review.decision],
		reviewedAt: now,
		reviewedBy: byUserId && isId(byUserId) ? byUserId : null
	};
	if (review.nextStep === undefined) delete f.nextStep;
	if (review.notes === undefined) delete f.reviewNotes;
	doc.transact(() => {
		const cur = readRecord(arr(doc), id, texts(doc));
		if (!cur || !getHypothesis(doc, id)) throw new PlanValidationError('not_found', 'id', `no hypothesis ${id}`);
		// The learning card may have been typed live into its fields: keep their exact text (checkText only
		// trimmed it) so that saving the decision does not touch what someone is still typing.
		for (const k of ['observed', 'learned', 'nextStep', 'reviewNotes'] as const) if (k in f && str(cur[k]).trim() === f[k]) delete f[k];
		writeFields(arr(doc), id, f, { now, texts: texts(doc) });
	}, opts.origin);
}
