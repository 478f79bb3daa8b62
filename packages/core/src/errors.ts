// Domain errors carry a stable machine code and the HTTP status the edge should use,
// so the API, SvelteKit actions and the sync server all report the same failure the same way.
export type ErrorCode =
	| 'invalid_input'
	| 'invalid_credentials'
	| 'unauthenticated'
	| 'forbidden'
	| 'not_found'
	| 'conflict'
	| 'throttled'
	| 'invitation_invalid'
	| 'setup_done';

const statusOf: Record<ErrorCode, number> = {
	invalid_input: 400,
	invalid_credentials: 401,
	unauthenticated: 401,
	forbidden: 403,
	not_found: 404,
	conflict: 409,
	throttled: 429,
	invitation_invalid: 410,
	setup_done: 409
};

export class DomainError extends Error {
	override name = 'DomainError';
	readonly status: number;
	constructor(
		readonly code: ErrorCode,
		message: string,
		readonly details?: Record<string, unknown>
	) {
		super(message);
		this.status = statusOf[code];
	}
}

/** Duck-typed so it also recognises errors from a second bundled copy of this module. */
export const isDomainError = (e: unknown): e is DomainError =>
	e instanceof DomainError || (e instanceof Error && e.name === 'DomainError' && typeof (e as DomainError).code === 'string');
