// Translated labels of the plan and hypothesis vocabularies (keys from @teixit/model), and of the model's
// validation errors.
import { isPlanValidationError, type ActionStatus, type Confidence, type Decision, type HypothesisStatus, type HypothesisType, type ObjectiveCategory, type ObjectiveStatus, type PlanErrorCode, type PlanValidationError, type Priority, type Rag, type SmartKey } from '@teixit/model';
import { m } from '$lib/paraglide/messages.js';

export const categoryLabel: Record<ObjectiveCategory, () => string> = {
	captacio: m.plan_category_captacio,
	facturacio: m.plan_category_facturacio,
	recuperacio: m.plan_category_recuperacio,
	fidelitzacio: m.plan_category_fidelitzacio,
	intercooperacio: m.plan_category_intercooperacio,
	compra_publica: m.plan_category_compra_publica,
	posicionament: m.plan_category_posicionament
};

export const statusLabel: Record<ActionStatus, () => string> = {
	todo: m.plan_status_todo,
	doing: m.plan_status_doing,
	blocked: m.plan_status_blocked,
	done: m.plan_status_done,
	dropped: m.plan_status_dropped
};

export const objectiveStatusLabel: Record<ObjectiveStatus, () => string> = {
	open: m.plan_ostatus_open,
	achieved: m.plan_ostatus_achieved,
	dropped: m.plan_ostatus_dropped
};

export const priorityLabel: Record<Priority, () => string> = { high: m.plan_priority_high, medium: m.plan_priority_medium, low: m.plan_priority_low };

export const ragLabel: Record<Rag, () => string> = { green: m.plan_rag_green, amber: m.plan_rag_amber, red: m.plan_rag_red };

export const smartLabel: Record<SmartKey, () => string> = {
	specific: m.plan_smart_specific,
	measurable: m.plan_smart_measurable,
	achievable: m.plan_smart_achievable,
	relevant: m.plan_smart_relevant,
	timeBound: m.plan_smart_timebound
};

export const hypTypeLabel: Record<HypothesisType, () => string> = {
	desirability: m.hyp_type_desirability,
	viability: m.hyp_type_viability,
	feasibility: m.hyp_type_feasibility,
	ess_fit: m.hyp_type_ess_fit
};

export const hypStatusLabel: Record<HypothesisStatus, () => string> = {
	proposed: m.hyp_status_proposed,
	testing: m.hyp_status_testing,
	validated: m.hyp_status_validated,
	invalidated: m.hyp_status_invalidated,
	inconclusive: m.hyp_status_inconclusive,
	dropped: m.hyp_status_dropped
};

export const decisionLabel: Record<Decision, () => string> = {
	persevere: m.hyp_decision_persevere,
	pivot: m.hyp_decision_pivot,
	kill: m.hyp_decision_kill,
	keep_testing: m.hyp_decision_keep_testing
};

export const confidenceLabel: Record<Confidence, () => string> = { low: m.hyp_confidence_low, medium: m.hyp_confidence_medium, high: m.hyp_confidence_high };

export const evidenceLabel: Record<number, () => string> = { 0: m.hyp_evidence_0, 1: m.hyp_evidence_1, 2: m.hyp_evidence_2, 3: m.hyp_evidence_3 };

const ERRORS: Record<PlanErrorCode, () => string> = {
	required: m.plan_err_required,
	invalid: m.plan_err_invalid,
	too_long: m.plan_err_too_long,
	not_found: m.plan_err_not_found,
	owner_required: m.plan_err_owner_required,
	owner_not_member: m.plan_err_owner_not_member,
	date_invalid: m.plan_err_date_invalid,
	due_before_start: m.plan_err_due_before_start,
	transition_not_allowed: m.plan_err_transition_not_allowed,
	dependency_unknown: m.plan_err_dependency_unknown,
	dependency_self: m.plan_err_dependency_self,
	dependency_cycle: m.plan_err_dependency_cycle,
	dependencies_not_done: m.plan_err_dependencies_not_done,
	number_invalid: m.plan_err_number_invalid,
	kpi_target_equals_baseline: m.plan_err_kpi_target_equals_baseline,
	statement_prefix: m.hyp_err_statement_prefix,
	review_incomplete: m.hyp_err_review_incomplete,
	likelihood_internal: m.plan_err_likelihood_internal,
	cluster_other_quadrant: m.plan_err_cluster_other_quadrant,
	strategy_quadrants: m.plan_err_strategy_quadrants,
	already_published: m.plan_err_already_published,
	vote_closed: m.plan_err_vote_closed,
	vote_limit_card: m.plan_err_vote_limit_card,
	vote_limit_person: m.plan_err_vote_limit_person,
	vote_config: m.plan_err_vote_config
};

/** A validation error in the UI language; cycles and open dependencies keep the model's detail (titles). */
export function errorText(e: PlanValidationError): string {
	const base = ERRORS[e.code]?.() ?? e.message;
	if (e.code === 'dependency_cycle' || e.code === 'dependencies_not_done') {
		const detail = e.message.split(': ').slice(1).join(': ');
		return detail ? `${base} ${detail}` : base;
	}
	return base;
}

/** Any error a write on the board or the plan threw, in the UI language: the model's validation errors
 *  by code; anything else (a bug, not bad input) as the generic message, logged for developers. */
export function anyErrorText(e: unknown): string {
	if (isPlanValidationError(e)) return errorText(e);
	console.error(e);
	return m.error_generic();
}

/** "" for null, a number without trailing zeros otherwise (for inputs). */
export const numText = (n: number | null) => (n === null ? '' : String(n));
/** The number a person typed ("" = empty, decimal comma allowed); NaN-like text is passed through for
 *  the model to refuse with a clear error. */
export const parseNum = (s: string): number | null | string => {
	const t = s.trim();
	if (!t) return null;
	const n = Number(t.replace(',', '.'));
	return Number.isFinite(n) ? n : t;
};
