// Cross strategies of the CAME analysis (DOMAIN.md A3.2): a strategy pairs one internal card (F or D)
// with one external card (O or A) - Ofensiva F+O, Reorientació D+O, Defensiva F+A, Supervivència D+A -
// says in a short text what the co-op will do about the pair, and, like a card's CAME response, links to
// objectives and actions of the plan (A3.4).
//
// Layout (workspace root, added by migration workspace/005-dafo-strategies; created lazily):
//   dafoStrategies  Y.Map  strategyId -> Y.Map { strategy, internalCard, externalCard, text, createdAt,
//                                                createdBy? }
// One Y.Map per strategy with one key per field (the text is short: last writer wins). Links live on the
// plan's side (objectives' and actions' `linkedStrategies`), the same single source of truth as the
// cards' CAME links (plan/came.ts).
import * as Y from 'yjs';
import { assertId, isId } from '../keys.ts';
import { getAction, getObjective, listActions, listObjectives, updateAction, updateObjective, type Action, type Objective, type WriteOptions } from './actions.ts';
import { CROSS_STRATEGIES, QUADRANT_AXES, crossStrategy, readCard, type CrossStrategy, type DafoCard, type Quadrant } from './dafo.ts';
import { PlanValidationError } from './errors.ts';

export const STRATEGIES_ROOT = 'dafoStrategies';
export const MAX_STRATEGY_TEXT = 500;

/** The two quadrants (internal, external) each strategy pairs. */
export const STRATEGY_QUADRANTS: Readonly<Record<CrossStrategy, readonly [Quadrant, Quadrant]>> = {
	offensive: ['F', 'O'],
	reorientation: ['D', 'O'],
	defensive: ['F', 'A'],
	survival: ['D', 'A']
};

export interface DafoStrategy {
	id: string;
	strategy: CrossStrategy;
	internalCardId: string;
	externalCardId: string;
	text: string;
	createdAt: number;
	createdBy?: string;
}

export interface StrategyView {
	strategy: DafoStrategy;
	/** null when the card no longer exists. */
	internal: DafoCard | null;
	external: DafoCard | null;
	/** False when a card was moved out of its quadrant (or archived) since: shown, flagged, fixable. */
	consistent: boolean;
	objectives: Objective[];
	actions: Action[];
}

const strategiesMap = (doc: Y.Doc) => doc.getMap<Y.Map<unknown>>(STRATEGIES_ROOT);
const isStrategy = (v: unknown): v is CrossStrategy => typeof v === 'string' && (CROSS_STRATEGIES as readonly string[]).includes(v);

function parse(id: string, m: unknown): DafoStrategy | null {
	if (!(m instanceof Y.Map) || !isId(id)) return null;
	const strategy = m.get('strategy');
	const internalCardId = m.get('internalCard');
	const externalCardId = m.get('externalCard');
	if (!isStrategy(strategy) || !isId(internalCardId) || !isId(externalCardId)) return null;
	const text = m.get('text');
	const createdAt = m.get('createdAt');
	const out: DafoStrategy = {
		id,
		strategy,
		internalCardId,
		externalCardId,
		text: typeof text === 'string' ? text.slice(0, MAX_STRATEGY_TEXT) : '',
		createdAt: typeof createdAt === 'number' && Number.isFinite(createdAt) ? createdAt : 0
	};
	const by = m.get('createdBy');
	if (isId(by)) out.createdBy = by;
	return out;
}

export function readStrategies(doc: Y.Doc): DafoStrategy[] {
	const out: DafoStrategy[] = [];
	for (const [id, m] of strategiesMap(doc)) {
		const s = parse(id, m);
		if (s) out.push(s);
	}
	return out.sort((a, b) => CROSS_STRATEGIES.indexOf(a.strategy) - CROSS_STRATEGIES.indexOf(b.strategy) || a.createdAt - b.createdAt || (a.id < b.id ? -1 : 1));
}

export const readStrategy = (doc: Y.Doc, id: string) => parse(id, strategiesMap(doc).get(id));

/** Every strategy with its two cards and the objectives and actions linked to it. */
export function readStrategyViews(doc: Y.Doc): StrategyView[] {
	const objectives = listObjectives(doc);
	const actions = listActions(doc);
	return readStrategies(doc).map((s) => {
		const internal = readCard(doc, s.internalCardId);
		const external = readCard(doc, s.externalCardId);
		const [qi, qe] = STRATEGY_QUADRANTS[s.strategy];
		return {
			strategy: s,
			internal,
			external,
			consistent: internal?.quadrant === qi && external?.quadrant === qe && internal.status === 'active' && external.status === 'active',
			objectives: objectives.filter((o) => o.linkedStrategies.includes(s.id)),
			actions: actions.filter((a) => a.linkedStrategies.includes(s.id))
		};
	});
}

/** The pair as (internal, external) if the two cards exist and fit the strategy's quadrants, in either
 *  order; throws a clear error otherwise. */
function checkPair(doc: Y.Doc, strategy: CrossStrategy, cardIds: readonly [string, string]): [string, string] {
	if (!isStrategy(strategy)) throw new PlanValidationError('invalid', 'strategy', `strategy must be one of ${CROSS_STRATEGIES.join(', ')}`);
	if (!Array.isArray(cardIds) || cardIds.length !== 2) throw new PlanValidationError('required', 'cards', 'a cross strategy pairs two cards');
	const cards = cardIds.map((id) => {
		const c = isId(id) ? readCard(doc, id) : null;
		if (!c) throw new PlanValidationError('not_found', 'cards', `no card ${id}`);
		return c;
	});
	const [a, b] = cards as [DafoCard, DafoCard];
	if (crossStrategy(a.quadrant, b.quadrant) !== strategy) {
		const [qi, qe] = STRATEGY_QUADRANTS[strategy];
		throw new PlanValidationError('strategy_quadrants', 'cards', `a ${strategy} strategy pairs a ${qi} card with an ${qe} card (got ${a.quadrant} + ${b.quadrant})`);
	}
	return QUADRANT_AXES[a.quadrant].origin === 'internal' ? [a.id, b.id] : [b.id, a.id];
}

function checkStrategyText(text: unknown): string {
	if (text === undefined || text === null) return '';
	if (typeof text !== 'string') throw new PlanValidationError('invalid', 'text', 'the strategy text must be text');
	const t = text.trim();
	if (t.length > MAX_STRATEGY_TEXT) throw new PlanValidationError('too_long', 'text', `the strategy text is longer than ${MAX_STRATEGY_TEXT} characters`);
	return t;
}

export interface NewStrategy {
	id: string;
	strategy: CrossStrategy;
	/** One internal and one external card, in any order. */
	cards: readonly [string, string];
	text?: string;
	createdAt: number;
	createdBy?: string;
}

export function addStrategy(doc: Y.Doc, s: NewStrategy, opts: { origin?: unknown } = {}): string {
	assertId(s.id, 'strategy id');
	const text = checkStrategyText(s.text);
	if (s.createdBy !== undefined) assertId(s.createdBy, 'createdBy');
	doc.transact(() => {
		if (strategiesMap(doc).has(s.id)) throw new PlanValidationError('invalid', 'id', `strategy ${s.id} already exists`);
		const [internal, external] = checkPair(doc, s.strategy, s.cards);
		const m = new Y.Map<unknown>();
		m.set('strategy', s.strategy);
		m.set('internalCard', internal);
		m.set('externalCard', external);
		m.set('text', text);
		m.set('createdAt', s.createdAt);
		if (s.createdBy !== undefined) m.set('createdBy', s.createdBy);
		strategiesMap(doc).set(s.id, m);
	}, opts.origin);
	return s.id;
}

/** Change a strategy's text, type or cards; the pair is checked against the (new) type. */
export function updateStrategy(doc: Y.Doc, id: string, patch: { text?: string; strategy?: CrossStrategy; cards?: readonly [string, string] }, opts: { origin?: unknown } = {}): void {
	doc.transact(() => {
		const m = strategiesMap(doc).get(id);
		const cur = parse(id, m);
		if (!cur || !m) throw new PlanValidationError('not_found', 'strategy', `no strategy ${id}`);
		if ('text' in patch) {
			const t = checkStrategyText(patch.text);
			if (m.get('text') !== t) m.set('text', t);
		}
		if (patch.strategy !== undefined || patch.cards !== undefined) {
			const strategy = patch.strategy ?? cur.strategy;
			const [internal, external] = checkPair(doc, strategy, patch.cards ?? [cur.internalCardId, cur.externalCardId]);
			if (cur.strategy !== strategy) m.set('strategy', strategy);
			if (cur.internalCardId !== internal) m.set('internalCard', internal);
			if (cur.externalCardId !== external) m.set('externalCard', external);
		}
	}, opts.origin);
}

/** Remove a strategy and the plan's links to it (the objectives and actions stay). */
export function removeStrategy(doc: Y.Doc, id: string, opts: Omit<WriteOptions, 'id'> = {}): void {
	doc.transact(() => {
		if (!strategiesMap(doc).has(id)) throw new PlanValidationError('not_found', 'strategy', `no strategy ${id}`);
		for (const o of listObjectives(doc)) if (o.linkedStrategies.includes(id)) updateObjective(doc, o.id, { linkedStrategies: o.linkedStrategies.filter((x) => x !== id) }, opts);
		for (const a of listActions(doc)) if (a.linkedStrategies.includes(id)) updateAction(doc, a.id, { linkedStrategies: a.linkedStrategies.filter((x) => x !== id) }, opts);
		strategiesMap(doc).delete(id);
	}, opts.origin);
}

/** Link (or unlink) a strategy to an existing objective or action. */
export function linkStrategyTo(doc: Y.Doc, opts: { strategyId: string; kind: 'objective' | 'action'; targetId: string; linked: boolean } & Omit<WriteOptions, 'id'>): void {
	doc.transact(() => {
		if (!readStrategy(doc, opts.strategyId)) throw new PlanValidationError('not_found', 'strategy', `no strategy ${opts.strategyId}`);
		const target = opts.kind === 'objective' ? getObjective(doc, opts.targetId) : getAction(doc, opts.targetId);
		if (!target) throw new PlanValidationError('not_found', opts.kind, `no ${opts.kind} ${opts.targetId}`);
		if (target.linkedStrategies.includes(opts.strategyId) === opts.linked) return;
		const linkedStrategies = opts.linked ? [...target.linkedStrategies, opts.strategyId] : target.linkedStrategies.filter((s) => s !== opts.strategyId);
		if (opts.kind === 'objective') updateObjective(doc, opts.targetId, { linkedStrategies }, opts);
		else updateAction(doc, opts.targetId, { linkedStrategies }, opts);
	}, opts.origin);
}
