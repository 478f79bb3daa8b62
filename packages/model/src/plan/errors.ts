// Validation errors of the plan, the hypotheses and the DAFO board: a stable `code` the UI translates (message key
// `plan_err_${code}`), the offending `field`, and an English message for logs and tests.

export type PlanErrorCode =
	| 'required'
	| 'invalid'
	| 'too_long'
	| 'not_found'
	| 'owner_required'
	| 'owner_not_member'
	| 'date_invalid'
	| 'due_before_start'
	| 'transition_not_allowed'
	| 'dependency_unknown'
	| 'dependency_self'
	| 'dependency_cycle'
	| 'dependencies_not_done'
	| 'number_invalid'
	| 'kpi_target_equals_baseline'
	| 'statement_prefix'
	| 'review_incomplete'
	// the DAFO board (plan/dafo*.ts, plan/strategies.ts)
	| 'likelihood_internal'
	| 'cluster_other_quadrant'
	| 'strategy_quadrants'
	| 'already_published'
	| 'vote_closed'
	| 'vote_limit_card'
	| 'vote_limit_person'
	| 'vote_config';

export class PlanValidationError extends Error {
	override name = 'PlanValidationError';
	constructor(
		readonly code: PlanErrorCode,
		readonly field: string,
		message: string
	) {
		super(message);
	}
}

export const isPlanValidationError = (e: unknown): e is PlanValidationError => e instanceof PlanValidationError;

/** Shared field checks. */
export const MAX_TITLE = 200;
export const MAX_TEXT = 4000;

export function checkText(value: unknown, field: string, opts: { required?: boolean; max?: number } = {}): string {
	if (value === undefined || value === null) value = '';
	if (typeof value !== 'string') throw new PlanValidationError('invalid', field, `${field} must be text`);
	const v = value.trim();
	if (opts.required && !v) throw new PlanValidationError('required', field, `${field} is required`);
	const max = opts.max ?? MAX_TEXT;
	if (v.length > max) throw new PlanValidationError('too_long', field, `${field} is longer than ${max} characters`);
	return v;
}

const DATE = /^(\d{4})-(\d{2})-(\d{2})$/;

/** A calendar date "YYYY-MM-DD" (or null when optional and empty). */
export function isDate(s: unknown): s is string {
	if (typeof s !== 'string') return false;
	const m = DATE.exec(s);
	if (!m) return false;
	const d = new Date(Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3])));
	return d.getUTCFullYear() === Number(m[1]) && d.getUTCMonth() === Number(m[2]) - 1 && d.getUTCDate() === Number(m[3]);
}

export function checkDate(value: unknown, field: string, required = false): string | null {
	if (value === undefined || value === null || value === '') {
		if (required) throw new PlanValidationError('required', field, `${field} is required`);
		return null;
	}
	if (!isDate(value)) throw new PlanValidationError('date_invalid', field, `${field} must be a date YYYY-MM-DD (got ${JSON.stringify(value)})`);
	return value;
}

export function checkNumber(value: unknown, field: string, opts: { min?: number; max?: number; integer?: boolean } = {}): number | null {
	if (value === undefined || value === null || value === '') return null;
	const n = typeof value === 'string' ? Number(value.replace(',', '.')) : value;
	if (typeof n !== 'number' || !Number.isFinite(n) || (opts.integer && !Number.isInteger(n)) || (opts.min !== undefined && n < opts.min) || (opts.max !== undefined && n > opts.max)) {
		const range = [opts.min !== undefined ? `>= ${opts.min}` : '', opts.max !== undefined ? `<= ${opts.max}` : ''].filter(Boolean).join(' and ');
		throw new PlanValidationError('number_invalid', field, `${field} must be a number${range ? ' ' + range : ''} (got ${JSON.stringify(value)})`);
	}
	return n;
}

export function checkEnum<T extends string>(value: unknown, allowed: readonly T[], field: string): T {
	if (!allowed.includes(value as T)) throw new PlanValidationError('invalid', field, `${field} must be one of ${allowed.join(', ')} (got ${JSON.stringify(value)})`);
	return value as T;
}
