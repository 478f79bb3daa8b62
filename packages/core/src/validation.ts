// Input schemas shared by the domain services and the HTTP API (which also publishes them in OpenAPI).
import { Type, type Static, type TSchema } from 'typebox';
import { Value } from 'typebox/value';
import { DomainError } from './errors.ts';

export const locales = ['ca', 'es', 'en'] as const;
export type Locale = (typeof locales)[number];
export const roles = ['facilitator', 'member', 'observer'] as const;
export type Role = (typeof roles)[number];
export const phases = ['autodiagnosi', 'planificacio', 'execucio', 'revisio', 'tancat'] as const;

export const LocaleSchema = Type.Union(locales.map((l) => Type.Literal(l)));
export const RoleSchema = Type.Union(roles.map((r) => Type.Literal(r)));
const IsoDate = Type.String({ pattern: '^\\d{4}-\\d{2}-\\d{2}$', description: 'YYYY-MM-DD' });

export const EmailSchema = Type.String({ minLength: 3, maxLength: 254, pattern: '^[^\\s@]+@[^\\s@]+\\.[^\\s@]+$' });
export const PasswordSchema = Type.String({ minLength: 8, maxLength: 200 });
export const NameSchema = Type.String({ minLength: 1, maxLength: 120 });

export const CreateUserInput = Type.Object(
	{ email: EmailSchema, name: NameSchema, password: PasswordSchema, isAdmin: Type.Optional(Type.Boolean()) },
	{ additionalProperties: false }
);
export const LoginInput = Type.Object(
	{ email: Type.String({ maxLength: 254 }), password: Type.String({ maxLength: 200 }) },
	{ additionalProperties: false }
);
export const CreateEngagementInput = Type.Object(
	{
		coopName: Type.String({ minLength: 1, maxLength: 200 }),
		startDate: Type.Optional(IsoDate),
		endDate: Type.Optional(IsoDate),
		hourBudget: Type.Optional(Type.Number({ minimum: 1, maximum: 10000 })),
		locale: Type.Optional(LocaleSchema),
		organisationId: Type.Optional(Type.String({ maxLength: 64 }))
	},
	{ additionalProperties: false }
);
export const CreateInvitationInput = Type.Object(
	{ role: RoleSchema, expiresInDays: Type.Optional(Type.Integer({ minimum: 1, maximum: 90 })) },
	{ additionalProperties: false }
);
export const SetupInput = Type.Object(
	{ email: EmailSchema, name: NameSchema, password: PasswordSchema, organisationName: Type.String({ minLength: 1, maxLength: 200 }) },
	{ additionalProperties: false }
);

export type CreateUserInput = Static<typeof CreateUserInput>;
export type CreateEngagementInput = Static<typeof CreateEngagementInput>;
export type CreateInvitationInput = Static<typeof CreateInvitationInput>;
export type SetupInput = Static<typeof SetupInput>;

/** Throws invalid_input listing every failing field, or returns the typed value. */
export function parse<S extends TSchema>(schema: S, value: unknown): Static<S> {
	if (Value.Check(schema, value)) return value as Static<S>;
	const fields = [...Value.Errors(schema, value)].map((e) => ({ path: e.instancePath || '/', message: e.message }));
	throw new DomainError('invalid_input', `Invalid input: ${fields.map((f) => `${f.path} ${f.message}`).join('; ')}`, { fields });
}

export const isLocale = (v: unknown): v is Locale => typeof v === 'string' && (locales as readonly string[]).includes(v);
