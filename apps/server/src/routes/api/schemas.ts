// Response schemas for the OpenAPI description; input schemas come from @teixit/core (one source).
import { Type } from 'typebox';

export const ErrorResponse = Type.Object({
	error: Type.Object({ code: Type.String(), message: Type.String(), details: Type.Optional(Type.Unknown()) })
});
export const Me = Type.Object({
	id: Type.String(),
	email: Type.Union([Type.String(), Type.Null()]),
	name: Type.String(),
	isAdmin: Type.Boolean(),
	isGuest: Type.Boolean(),
	locale: Type.Union([Type.String(), Type.Null()])
});
const DocumentAccess = Type.Object({ name: Type.String(), kind: Type.String(), access: Type.Union([Type.Literal('write'), Type.Literal('read')]) });
export const Engagement = Type.Object({
	id: Type.String(),
	organisationId: Type.String(),
	coopName: Type.String(),
	startDate: Type.String(),
	endDate: Type.String(),
	hourBudget: Type.Number(),
	defaultLocale: Type.String(),
	phase: Type.String(),
	createdAt: Type.String(),
	docName: Type.String(),
	role: Type.String(),
	documents: Type.Array(DocumentAccess)
});
export const Member = Type.Object({
	userId: Type.String(),
	name: Type.String(),
	email: Type.Union([Type.String(), Type.Null()]),
	isGuest: Type.Boolean(),
	role: Type.String(),
	joinedAt: Type.String()
});
export const Invitation = Type.Object({ id: Type.String(), token: Type.String(), url: Type.String(), role: Type.String(), expiresAt: Type.String() });
export const InvitationSummary = Type.Object({
	id: Type.String(),
	role: Type.String(),
	expiresAt: Type.String(),
	revokedAt: Type.Union([Type.String(), Type.Null()]),
	useCount: Type.Integer(),
	createdAt: Type.String(),
	active: Type.Boolean()
});
export const IdParam = Type.Object({ id: Type.String({ maxLength: 64 }) });
export const errors = (...codes: number[]) => Object.fromEntries(codes.map((c) => [c, ErrorResponse]));
