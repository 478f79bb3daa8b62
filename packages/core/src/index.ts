export { createCore, type Core, type CoreOptions } from './core.ts';
export { DomainError, isDomainError, type ErrorCode } from './errors.ts';
export { getRuntime, setRuntime, type Runtime } from './runtime.ts';
export * from './validation.ts';
export * from './documents.ts';
export type { User } from './users.ts';
export type { Engagement, EngagementForUser } from './engagements.ts';
export type { IssuedSession, Session, ValidatedSession } from './auth.ts';
export { SESSION_TTL_MS } from './auth.ts';
export type { InvitationPreview } from './invitations.ts';
export { plusTwelveMonths } from './engagements.ts';
export { StartSessionInput, EndSessionInput, sessionTypes, modalities, hourBudget, quarterHours, type WorkshopSession, type HourBudget } from './workshop-sessions.ts';
export {
	CreateTemplateInput,
	SaveTemplateVersionInput,
	TemplateContentInput,
	UseTemplateInput,
	templateEditorRoles,
	type TemplateSummary,
	type TemplateVersionDetail,
	type TemplateVersionSummary
} from './templates.ts';
