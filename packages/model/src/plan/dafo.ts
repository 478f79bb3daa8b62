// The DAFO (SWOT) board and its CAME layer (DOMAIN.md A3.2), in the workspace document: cards in four
// quadrants, co-edited live, grouped into named clusters, each with the CAME response its quadrant calls
// for and links to objectives and actions of the plan (A3.4).
//
// Layout (workspace roots):
//   dafoCards     Y.Map   cardId -> Y.Map { quadrant, text: Y.Text, authorId?, sourceRef?, clusterId?,
//                                           order, createdAt, status,
//                                           impact?, likelihood?, evidence?, sourceType? }
//   dafoClusters  Y.Map   clusterId -> Y.Map { quadrant, title, createdAt }
//
// One Y.Map per record with one key per field: two people changing different fields of one card both
// land, and the text is a Y.Text so two people typing in one card merge character by character. Cards
// and clusters are created under fresh random ids, so concurrent creations never race for one key.
// `authorId` is absent on cards published anonymously: there is nothing to hide later, it never existed.
// impact / likelihood / evidence / sourceType (DOMAIN A3.2) are optional plain values, added later
// without a migration: a card without them reads as "not rated yet". `evidence` is a short note, last
// writer wins (the long, co-typed text is the card's Y.Text).
// Links to objectives and actions live on the plan's side only (their `linkedCards`, plan/actions.ts),
// so there is one source of truth; plan/came.ts reads them per card.
import * as Y from 'yjs';
import { assertId, isId, isKey } from '../keys.ts';
import type { Localized } from '../labels.ts';
import { setText } from '../text.ts';
import { PlanValidationError } from './errors.ts';

export const DAFO_ROOTS = { cards: 'dafoCards', clusters: 'dafoClusters' } as const;

/** D debilitats (internal -), A amenaces (external -), F fortaleses (internal +), O oportunitats (external +). */
export const QUADRANTS = ['D', 'A', 'F', 'O'] as const;
export type Quadrant = (typeof QUADRANTS)[number];
export const isQuadrant = (v: unknown): v is Quadrant => typeof v === 'string' && (QUADRANTS as readonly string[]).includes(v);

export const QUADRANT_LABELS: Readonly<Record<Quadrant, Localized>> = {
	D: { ca: 'Debilitats', es: 'Debilidades', en: 'Weaknesses' },
	A: { ca: 'Amenaces', es: 'Amenazas', en: 'Threats' },
	F: { ca: 'Fortaleses', es: 'Fortalezas', en: 'Strengths' },
	O: { ca: 'Oportunitats', es: 'Oportunidades', en: 'Opportunities' }
};

/** Internal (the co-op itself) or external (its environment); positive or negative. */
export const QUADRANT_AXES: Readonly<Record<Quadrant, { origin: 'internal' | 'external'; sign: 'positive' | 'negative' }>> = {
	D: { origin: 'internal', sign: 'negative' },
	A: { origin: 'external', sign: 'negative' },
	F: { origin: 'internal', sign: 'positive' },
	O: { origin: 'external', sign: 'positive' }
};

// ---- CAME ----

export const CAME_RESPONSES = ['correct', 'confront', 'maintain', 'exploit'] as const;
export type CameResponse = (typeof CAME_RESPONSES)[number];

export const CAME_LABELS: Readonly<Record<CameResponse, Localized>> = {
	correct: { ca: 'Corregir', es: 'Corregir', en: 'Correct' },
	confront: { ca: 'Afrontar', es: 'Afrontar', en: 'Confront' },
	maintain: { ca: 'Mantenir', es: 'Mantener', en: 'Maintain' },
	exploit: { ca: 'Explotar', es: 'Explotar', en: 'Exploit' }
};

const CAME_BY_QUADRANT: Readonly<Record<Quadrant, CameResponse>> = { D: 'correct', A: 'confront', F: 'maintain', O: 'exploit' };

/** The CAME response a card gets from its quadrant: weaknesses are corrected, threats confronted,
 *  strengths maintained, opportunities exploited. */
export const cameResponse = (q: Quadrant): CameResponse => CAME_BY_QUADRANT[q];

/** A response fits a card only if it is its quadrant's (CAME consistency). */
export const isCameConsistent = (q: Quadrant, r: CameResponse) => CAME_BY_QUADRANT[q] === r;

export const CROSS_STRATEGIES = ['offensive', 'reorientation', 'defensive', 'survival'] as const;
export type CrossStrategy = (typeof CROSS_STRATEGIES)[number];
export const CROSS_LABELS: Readonly<Record<CrossStrategy, Localized>> = {
	offensive: { ca: 'Ofensiva', es: 'Ofensiva', en: 'Offensive' },
	reorientation: { ca: 'Reorientació', es: 'Reorientación', en: 'Reorientation' },
	defensive: { ca: 'Defensiva', es: 'Defensiva', en: 'Defensive' },
	survival: { ca: 'Supervivència', es: 'Supervivencia', en: 'Survival' }
};

/** The cross strategy of an internal and an external quadrant (F+O offensive, D+O reorientation, F+A
 *  defensive, D+A survival), in either order; null for two internal or two external quadrants. */
export function crossStrategy(a: Quadrant, b: Quadrant): CrossStrategy | null {
	const set = new Set([a, b]);
	if (set.has('F') && set.has('O')) return 'offensive';
	if (set.has('D') && set.has('O')) return 'reorientation';
	if (set.has('F') && set.has('A')) return 'defensive';
	if (set.has('D') && set.has('A')) return 'survival';
	return null;
}

// ---- cards and clusters ----

// ---- card fields (DOMAIN A3.2) ----

/** Where a card's claim comes from. */
export const SOURCE_TYPES = ['diagnosis', 'session', 'external'] as const;
export type SourceType = (typeof SOURCE_TYPES)[number];
export const SOURCE_TYPE_LABELS: Readonly<Record<SourceType, Localized>> = {
	diagnosis: { ca: 'Diagnosi', es: 'Diagnóstico', en: 'Diagnosis' },
	session: { ca: 'Sessió', es: 'Sesión', en: 'Session' },
	external: { ca: 'Dada externa', es: 'Dato externo', en: 'External data' }
};

/** Impact and likelihood are rated 1 (low) .. 3 (high). */
export const RATINGS = [1, 2, 3] as const;
export type Rating = (typeof RATINGS)[number];
const isRating = (v: unknown): v is Rating => v === 1 || v === 2 || v === 3;

/** Likelihood is about the environment: only opportunities and threats have one. */
export const hasLikelihood = (q: Quadrant) => q === 'O' || q === 'A';

export const MAX_EVIDENCE = 500;

export const MAX_CARD_TEXT = 2_000;
export const MAX_CLUSTER_TITLE = 200;
export const CARD_STATUSES = ['active', 'archived'] as const;
export type CardStatus = (typeof CARD_STATUSES)[number];

export interface DafoCard {
	id: string;
	quadrant: Quadrant;
	text: string;
	/** Absent when the card was published anonymously. */
	authorId?: string;
	/** Diagnosis item the card comes from (e.g. "D5.3"). */
	sourceRef?: string;
	clusterId?: string;
	order: number;
	createdAt: number;
	status: CardStatus;
	impact?: Rating;
	/** Only on O and A cards (a stored value on a card moved to D/F is kept but not read). */
	likelihood?: Rating;
	evidence?: string;
	sourceType?: SourceType;
}

export interface DafoCluster {
	id: string;
	quadrant: Quadrant;
	title: string;
	createdAt: number;
}

export const cardsMap = (doc: Y.Doc) => doc.getMap<Y.Map<unknown>>(DAFO_ROOTS.cards);
export const clustersMap = (doc: Y.Doc) => doc.getMap<Y.Map<unknown>>(DAFO_ROOTS.clusters);

const isNum = (v: unknown): v is number => typeof v === 'number' && Number.isFinite(v);

function checkText(text: string) {
	if (typeof text !== 'string' || text.length > MAX_CARD_TEXT) throw new PlanValidationError('too_long', 'text', `card text must be a string of at most ${MAX_CARD_TEXT} characters`);
}

function parseCard(id: string, m: unknown): DafoCard | null {
	if (!(m instanceof Y.Map) || !isId(id)) return null;
	const quadrant = m.get('quadrant');
	const text = m.get('text');
	if (!isQuadrant(quadrant) || !(text instanceof Y.Text)) return null;
	const card: DafoCard = {
		id,
		quadrant,
		text: text.toString().slice(0, MAX_CARD_TEXT),
		order: isNum(m.get('order')) ? (m.get('order') as number) : 0,
		createdAt: isNum(m.get('createdAt')) ? (m.get('createdAt') as number) : 0,
		status: m.get('status') === 'archived' ? 'archived' : 'active'
	};
	const author = m.get('authorId');
	if (isId(author)) card.authorId = author;
	const source = m.get('sourceRef');
	if (isKey(source)) card.sourceRef = source;
	const cluster = m.get('clusterId');
	if (isId(cluster)) card.clusterId = cluster;
	const impact = m.get('impact');
	if (isRating(impact)) card.impact = impact;
	const likelihood = m.get('likelihood');
	if (isRating(likelihood) && hasLikelihood(quadrant)) card.likelihood = likelihood;
	const evidence = m.get('evidence');
	if (typeof evidence === 'string' && evidence) card.evidence = evidence.slice(0, MAX_EVIDENCE);
	const sourceType = m.get('sourceType');
	if ((SOURCE_TYPES as readonly unknown[]).includes(sourceType)) card.sourceType = sourceType as SourceType;
	return card;
}

/** Cards ordered by quadrant, then `order`, then id; archived ones only if asked. */
export function readCards(doc: Y.Doc, opts: { archived?: boolean } = {}): DafoCard[] {
	const out: DafoCard[] = [];
	for (const [id, m] of cardsMap(doc)) {
		const c = parseCard(id, m);
		if (c && (opts.archived || c.status === 'active')) out.push(c);
	}
	return out.sort((a, b) => QUADRANTS.indexOf(a.quadrant) - QUADRANTS.indexOf(b.quadrant) || a.order - b.order || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
}

export function readCard(doc: Y.Doc, id: string): DafoCard | null {
	return parseCard(id, cardsMap(doc).get(id));
}

/** The live text of a card, for editors bound to it (y-prosemirror, a textarea binding...). */
export function cardText(doc: Y.Doc, id: string): Y.Text | null {
	const t = cardsMap(doc).get(id)?.get('text');
	return t instanceof Y.Text ? t : null;
}

export interface NewCard {
	id: string;
	quadrant: Quadrant;
	text: string;
	authorId?: string;
	sourceRef?: string;
	clusterId?: string;
	/** Default: after the last card of the quadrant. */
	order?: number;
	createdAt: number;
}

function nextOrder(doc: Y.Doc, q: Quadrant): number {
	let max = 0;
	for (const c of readCards(doc, { archived: true })) if (c.quadrant === q) max = Math.max(max, c.order);
	return max + 1;
}

/** Add a card (throws on bad input or a taken id). */
export function addCard(doc: Y.Doc, card: NewCard, opts: { origin?: unknown } = {}): string {
	assertId(card.id, 'card id');
	if (!isQuadrant(card.quadrant)) throw new TypeError(`unknown quadrant ${JSON.stringify(card.quadrant)}`);
	checkText(card.text);
	if (card.authorId !== undefined) assertId(card.authorId, 'authorId');
	if (card.sourceRef !== undefined && !isKey(card.sourceRef)) throw new TypeError('sourceRef must be an item key');
	if (card.clusterId !== undefined) assertId(card.clusterId, 'clusterId');
	if (!isNum(card.createdAt)) throw new TypeError('createdAt must be a number');
	doc.transact(() => {
		if (cardsMap(doc).has(card.id)) throw new Error(`card ${card.id} already exists`);
		const m = new Y.Map<unknown>();
		m.set('quadrant', card.quadrant);
		m.set('text', new Y.Text(card.text));
		if (card.authorId !== undefined) m.set('authorId', card.authorId);
		if (card.sourceRef !== undefined) m.set('sourceRef', card.sourceRef);
		if (card.clusterId !== undefined) m.set('clusterId', card.clusterId);
		m.set('order', card.order ?? nextOrder(doc, card.quadrant));
		m.set('createdAt', card.createdAt);
		m.set('status', 'active');
		cardsMap(doc).set(card.id, m);
	}, opts.origin);
	return card.id;
}

function cardMap(doc: Y.Doc, id: string): Y.Map<unknown> {
	const m = cardsMap(doc).get(id);
	if (!(m instanceof Y.Map) || !parseCard(id, m)) throw new PlanValidationError('not_found', 'card', `no card ${id}`);
	return m;
}

const setIfChanged = (m: Y.Map<unknown>, k: string, v: unknown) => {
	if (v === undefined) {
		if (m.has(k)) m.delete(k);
	} else if (m.get(k) !== v) m.set(k, v);
};

/** Replace a card's whole text with a minimal edit (common prefix and suffix kept), so a concurrent
 *  edit elsewhere in the text survives. */
export function setCardText(doc: Y.Doc, id: string, text: string, opts: { origin?: unknown } = {}): void {
	checkText(text);
	doc.transact(() => setText(cardMap(doc, id).get('text') as Y.Text, text), opts.origin);
}

/** What setCardFields changes; null clears a field. */
export interface CardFieldsPatch {
	impact?: Rating | null;
	likelihood?: Rating | null;
	evidence?: string | null;
	sourceType?: SourceType | null;
}

/** Set a card's ratings, evidence and source type (each field its own key: two people rating the same
 *  card at once keep both changes). Likelihood on a strength or weakness is refused. */
export function setCardFields(doc: Y.Doc, id: string, patch: CardFieldsPatch, opts: { origin?: unknown } = {}): void {
	const rating = (v: unknown, field: string) => {
		if (v !== null && !isRating(v)) throw new PlanValidationError('number_invalid', field, `${field} must be 1, 2 or 3 (got ${JSON.stringify(v)})`);
		return v ?? undefined;
	};
	const values: Record<string, unknown> = {};
	if ('impact' in patch) values.impact = rating(patch.impact, 'impact');
	if ('likelihood' in patch) values.likelihood = rating(patch.likelihood, 'likelihood');
	if ('evidence' in patch) {
		const e = patch.evidence ?? '';
		if (typeof e !== 'string') throw new PlanValidationError('invalid', 'evidence', 'evidence must be text');
		if (e.trim().length > MAX_EVIDENCE) throw new PlanValidationError('too_long', 'evidence', `evidence is longer than ${MAX_EVIDENCE} characters`);
		values.evidence = e.trim() || undefined;
	}
	if ('sourceType' in patch) {
		const t = patch.sourceType ?? null;
		if (t !== null && !(SOURCE_TYPES as readonly unknown[]).includes(t)) throw new PlanValidationError('invalid', 'sourceType', `sourceType must be one of ${SOURCE_TYPES.join(', ')}`);
		values.sourceType = t ?? undefined;
	}
	doc.transact(() => {
		const m = cardMap(doc, id);
		const q = m.get('quadrant') as Quadrant;
		if (values.likelihood !== undefined && !hasLikelihood(q))
			throw new PlanValidationError('likelihood_internal', 'likelihood', `only opportunities and threats have a likelihood (card ${id} is in ${q})`);
		for (const [k, v] of Object.entries(values)) setIfChanged(m, k, v);
	}, opts.origin);
}

/** Order for prioritisation: more votes first, then higher impact, then higher likelihood (unrated
 *  last), then the board order. */
export function comparePriority(votes: Readonly<Record<string, number>> | null) {
	return (a: DafoCard, b: DafoCard) =>
		(votes ? (votes[b.id] ?? 0) - (votes[a.id] ?? 0) : 0) || (b.impact ?? 0) - (a.impact ?? 0) || (b.likelihood ?? 0) - (a.likelihood ?? 0) || a.order - b.order;
}

/** Move a card to another quadrant (it leaves its cluster, which belongs to the old quadrant). */
export function moveCard(doc: Y.Doc, id: string, quadrant: Quadrant, opts: { origin?: unknown } = {}): void {
	if (!isQuadrant(quadrant)) throw new TypeError(`unknown quadrant ${JSON.stringify(quadrant)}`);
	doc.transact(() => {
		const m = cardMap(doc, id);
		if (m.get('quadrant') === quadrant) return;
		m.set('quadrant', quadrant);
		setIfChanged(m, 'clusterId', undefined);
		m.set('order', nextOrder(doc, quadrant));
	}, opts.origin);
}

export function setCardSource(doc: Y.Doc, id: string, sourceRef: string | null, opts: { origin?: unknown } = {}): void {
	if (sourceRef !== null && !isKey(sourceRef)) throw new TypeError('sourceRef must be an item key');
	doc.transact(() => setIfChanged(cardMap(doc, id), 'sourceRef', sourceRef ?? undefined), opts.origin);
}

/** Archive (hide) or restore a card. Nothing is deleted: an archived card keeps its text and links. */
export function setCardStatus(doc: Y.Doc, id: string, status: CardStatus, opts: { origin?: unknown } = {}): void {
	if (!(CARD_STATUSES as readonly string[]).includes(status)) throw new TypeError(`unknown status ${JSON.stringify(status)}`);
	doc.transact(() => setIfChanged(cardMap(doc, id), 'status', status), opts.origin);
}

/** Put a card into a cluster of its own quadrant, or take it out (null). */
export function assignCluster(doc: Y.Doc, cardId: string, clusterId: string | null, opts: { origin?: unknown } = {}): void {
	doc.transact(() => {
		const m = cardMap(doc, cardId);
		if (clusterId !== null) {
			const cl = readCluster(doc, clusterId);
			if (!cl) throw new PlanValidationError('not_found', 'clusterId', `no cluster ${clusterId}`);
			if (cl.quadrant !== m.get('quadrant')) throw new PlanValidationError('cluster_other_quadrant', 'clusterId', `cluster ${clusterId} belongs to quadrant ${cl.quadrant}`);
		}
		setIfChanged(m, 'clusterId', clusterId ?? undefined);
	}, opts.origin);
}

function parseCluster(id: string, m: unknown): DafoCluster | null {
	if (!(m instanceof Y.Map) || !isId(id)) return null;
	const quadrant = m.get('quadrant');
	const title = m.get('title');
	if (!isQuadrant(quadrant) || typeof title !== 'string') return null;
	return { id, quadrant, title: title.slice(0, MAX_CLUSTER_TITLE), createdAt: isNum(m.get('createdAt')) ? (m.get('createdAt') as number) : 0 };
}

export function readClusters(doc: Y.Doc): DafoCluster[] {
	const out: DafoCluster[] = [];
	for (const [id, m] of clustersMap(doc)) {
		const c = parseCluster(id, m);
		if (c) out.push(c);
	}
	return out.sort((a, b) => QUADRANTS.indexOf(a.quadrant) - QUADRANTS.indexOf(b.quadrant) || a.createdAt - b.createdAt || (a.id < b.id ? -1 : 1));
}

export const readCluster = (doc: Y.Doc, id: string) => parseCluster(id, clustersMap(doc).get(id));

function checkTitle(title: string) {
	if (typeof title !== 'string' || title.trim() === '') throw new PlanValidationError('required', 'title', `a cluster title must be 1..${MAX_CLUSTER_TITLE} characters`);
	if (title.length > MAX_CLUSTER_TITLE) throw new PlanValidationError('too_long', 'title', `a cluster title must be 1..${MAX_CLUSTER_TITLE} characters`);
}

export function addCluster(doc: Y.Doc, c: { id: string; quadrant: Quadrant; title: string; createdAt: number }, opts: { origin?: unknown } = {}): string {
	assertId(c.id, 'cluster id');
	if (!isQuadrant(c.quadrant)) throw new TypeError(`unknown quadrant ${JSON.stringify(c.quadrant)}`);
	checkTitle(c.title);
	doc.transact(() => {
		if (clustersMap(doc).has(c.id)) throw new Error(`cluster ${c.id} already exists`);
		const m = new Y.Map<unknown>();
		m.set('quadrant', c.quadrant);
		m.set('title', c.title.trim());
		m.set('createdAt', c.createdAt);
		clustersMap(doc).set(c.id, m);
	}, opts.origin);
	return c.id;
}

export function renameCluster(doc: Y.Doc, id: string, title: string, opts: { origin?: unknown } = {}): void {
	checkTitle(title);
	doc.transact(() => {
		const m = clustersMap(doc).get(id);
		if (!(m instanceof Y.Map) || !parseCluster(id, m)) throw new PlanValidationError('not_found', 'clusterId', `no cluster ${id}`);
		setIfChanged(m, 'title', title.trim());
	}, opts.origin);
}

/** Remove a cluster; its cards stay, unclustered. */
export function removeCluster(doc: Y.Doc, id: string, opts: { origin?: unknown } = {}): void {
	doc.transact(() => {
		for (const [cardId, m] of cardsMap(doc)) if (m instanceof Y.Map && m.get('clusterId') === id && parseCard(cardId, m)) m.delete('clusterId');
		clustersMap(doc).delete(id);
	}, opts.origin);
}

export interface DafoBoard {
	cards: DafoCard[];
	clusters: DafoCluster[];
}

export const readBoard = (doc: Y.Doc, opts: { archived?: boolean } = {}): DafoBoard => ({ cards: readCards(doc, opts), clusters: readClusters(doc) });
