// The CAME layer over the DAFO board (DOMAIN.md A3.2): each card's response comes from its quadrant, and
// its links are the objectives and actions of the plan that name the card in `linkedCards` (the only
// place links are stored, so the board and the plan can never disagree). "Turn this card into an
// objective / action" is one call here, through the plan API (plan/actions.ts).
import type * as Y from 'yjs';
import { addAction, addObjective, getAction, getObjective, listActions, listObjectives, updateAction, updateObjective, type Action, type ObjectiveCategory, type Objective, type WriteOptions } from './actions.ts';
import { MAX_TITLE, PlanValidationError } from './errors.ts';
import { cameResponse, readCard, readCards, type CameResponse, type DafoCard } from './dafo.ts';
import { getHypothesis, listHypotheses, updateHypothesis, type Hypothesis } from './hypotheses.ts';

export interface CardCame {
	card: DafoCard;
	response: CameResponse;
	objectives: Objective[];
	actions: Action[];
	/** Starting hypotheses that cite this card (their `linkedCards`, plan/hypotheses.ts). */
	hypotheses: Hypothesis[];
}

/** Every active card with its CAME response and the objectives, actions and hypotheses linked to it. */
export function readCame(doc: Y.Doc): CardCame[] {
	const objectives = listObjectives(doc);
	const actions = listActions(doc);
	const hypotheses = listHypotheses(doc);
	return readCards(doc).map((card) => ({
		card,
		response: cameResponse(card.quadrant),
		objectives: objectives.filter((o) => o.linkedCards.includes(card.id)),
		actions: actions.filter((a) => a.linkedCards.includes(card.id)),
		hypotheses: hypotheses.filter((h) => h.linkedCards.includes(card.id))
	}));
}

/** A card's text as a plan title: first line, within the plan's title limit. */
export function titleFromCard(text: string): string {
	const line = text.trim().split('\n')[0]!.trim();
	return line.length > MAX_TITLE ? `${line.slice(0, MAX_TITLE - 1)}…` : line;
}

function requireCard(doc: Y.Doc, cardId: string): DafoCard {
	const card = readCard(doc, cardId);
	if (!card) throw new PlanValidationError('not_found', 'card', `no card ${cardId}`);
	return card;
}

/** One step: a new objective answering this card (title from the card, linked, sourced). */
export function cardToObjective(doc: Y.Doc, opts: { cardId: string; category: ObjectiveCategory; byUserId: string; title?: string } & WriteOptions): string {
	let id = '';
	doc.transact(() => {
		const card = requireCard(doc, opts.cardId);
		id = addObjective(doc, { title: opts.title ?? titleFromCard(card.text), category: opts.category, linkedCards: [card.id], source: { kind: 'dafo', id: card.id } }, opts.byUserId, opts);
	}, opts.origin);
	return id;
}

/** One step: a new action for this card, owned by `ownerId` (exactly one owner), optionally under an
 *  objective. */
export function cardToAction(doc: Y.Doc, opts: { cardId: string; ownerId: string; byUserId: string; objectiveId?: string | null; title?: string } & WriteOptions): string {
	let id = '';
	doc.transact(() => {
		const card = requireCard(doc, opts.cardId);
		id = addAction(
			doc,
			{ title: opts.title ?? titleFromCard(card.text), ownerId: opts.ownerId, objectiveId: opts.objectiveId ?? null, linkedCards: [card.id], source: { kind: 'dafo', id: card.id } },
			opts.byUserId,
			opts
		);
	}, opts.origin);
	return id;
}

/** Link (or unlink) a card to an existing objective, action or starting hypothesis. Unlinking works for
 *  an archived card too (archived cards still parse). */
export function linkCardTo(doc: Y.Doc, opts: { cardId: string; kind: 'objective' | 'action' | 'hypothesis'; targetId: string; linked: boolean } & Omit<WriteOptions, 'id'>): void {
	doc.transact(() => {
		requireCard(doc, opts.cardId);
		const target = opts.kind === 'objective' ? getObjective(doc, opts.targetId) : opts.kind === 'action' ? getAction(doc, opts.targetId) : getHypothesis(doc, opts.targetId);
		if (!target) throw new PlanValidationError('not_found', opts.kind, `no ${opts.kind} ${opts.targetId}`);
		const has = target.linkedCards.includes(opts.cardId);
		if (has === opts.linked) return;
		const linkedCards = opts.linked ? [...target.linkedCards, opts.cardId] : target.linkedCards.filter((c) => c !== opts.cardId);
		if (opts.kind === 'objective') updateObjective(doc, opts.targetId, { linkedCards }, opts);
		else if (opts.kind === 'action') updateAction(doc, opts.targetId, { linkedCards }, opts);
		else updateHypothesis(doc, opts.targetId, { linkedCards }, opts);
	}, opts.origin);
}
