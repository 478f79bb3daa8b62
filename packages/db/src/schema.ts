// The relational model. Yjs documents live in doc_updates / doc_snapshots / doc_versions;
// everything about people, roles and engagements is relational and authoritative here.
import { sql } from 'drizzle-orm';
import {
	bigint,
	boolean,
	customType,
	doublePrecision,
	index,
	integer,
	jsonb,
	pgTable,
	primaryKey,
	text,
	timestamp,
	uniqueIndex,
	date
} from 'drizzle-orm/pg-core';

/** drizzle-orm 0.45 has no bytea; postgres.js returns Buffer, PGlite Uint8Array: both are Uint8Array. */
export const bytea = customType<{ data: Uint8Array; driverData: Uint8Array }>({
	dataType() {
		return 'bytea';
	},
	toDriver(v) {
		return v;
	},
	fromDriver(v) {
		return v instanceof Uint8Array ? v : new Uint8Array(v as ArrayLike<number>);
	}
});

const createdAt = () => timestamp('created_at', { withTimezone: true }).notNull().defaultNow();
const updatedAt = () => timestamp('updated_at', { withTimezone: true }).notNull().defaultNow();

export const users = pgTable(
	'users',
	{
		id: text('id').primaryKey(),
		/** Lower-cased; null for guests, who exist only inside one engagement. */
		email: text('email'),
		name: text('name').notNull(),
		passwordHash: text('password_hash'),
		isAdmin: boolean('is_admin').notNull().default(false),
		isGuest: boolean('is_guest').notNull().default(false),
		locale: text('locale'),
		createdAt: createdAt(),
		updatedAt: updatedAt()
	},
	(t) => [uniqueIndex('users_email_unique').on(t.email)]
);

/** Session id = hex SHA-256 of the random token held by the cookie; the token itself is never stored. */
export const sessions = pgTable(
	'sessions',
	{
		id: text('id').primaryKey(),
		userId: text('user_id')
			.notNull()
			.references(() => users.id, { onDelete: 'cascade' }),
		expiresAt: timestamp('expires_at', { withTimezone: true }).notNull(),
		createdAt: createdAt()
	},
	(t) => [index('sessions_user_idx').on(t.userId)]
);

/** Personal API tokens for non-browser clients (Authorization: Bearer). Only the hash is stored. */
export const apiTokens = pgTable(
	'api_tokens',
	{
		id: text('id').primaryKey(),
		userId: text('user_id')
			.notNull()
			.references(() => users.id, { onDelete: 'cascade' }),
		name: text('name').notNull(),
		tokenHash: text('token_hash').notNull(),
		createdAt: createdAt(),
		lastUsedAt: timestamp('last_used_at', { withTimezone: true }),
		revokedAt: timestamp('revoked_at', { withTimezone: true })
	},
	(t) => [uniqueIndex('api_tokens_hash_unique').on(t.tokenHash)]
);

/** The facilitator organisation (e.g. Calidoscoop) that runs many engagements. */
export const organisations = pgTable('organisations', {
	id: text('id').primaryKey(),
	name: text('name').notNull(),
	createdAt: createdAt()
});

export const organisationMembers = pgTable(
	'organisation_members',
	{
		organisationId: text('organisation_id')
			.notNull()
			.references(() => organisations.id, { onDelete: 'cascade' }),
		userId: text('user_id')
			.notNull()
			.references(() => users.id, { onDelete: 'cascade' }),
		/** 'facilitator' may create engagements for the organisation. */
		role: text('role').notNull(),
		createdAt: createdAt()
	},
	(t) => [primaryKey({ columns: [t.organisationId, t.userId] })]
);

export const engagements = pgTable('engagements', {
	id: text('id').primaryKey(),
	organisationId: text('organisation_id')
		.notNull()
		.references(() => organisations.id),
	coopName: text('coop_name').notNull(),
	startDate: date('start_date', { mode: 'string' }).notNull(),
	endDate: date('end_date', { mode: 'string' }).notNull(),
	hourBudget: doublePrecision('hour_budget').notNull().default(90),
	defaultLocale: text('default_locale').notNull().default('ca'),
	phase: text('phase').notNull().default('autodiagnosi'),
	createdBy: text('created_by')
		.notNull()
		.references(() => users.id),
	createdAt: createdAt(),
	updatedAt: updatedAt()
});

export const memberships = pgTable(
	'memberships',
	{
		engagementId: text('engagement_id')
			.notNull()
			.references(() => engagements.id, { onDelete: 'cascade' }),
		userId: text('user_id')
			.notNull()
			.references(() => users.id, { onDelete: 'cascade' }),
		role: text('role').notNull(),
		createdAt: createdAt()
	},
	(t) => [primaryKey({ columns: [t.engagementId, t.userId] }), index('memberships_user_idx').on(t.userId)]
);

/** An invitation link: multi-use until it expires or is revoked. Only the token hash is stored. */
export const invitations = pgTable(
	'invitations',
	{
		id: text('id').primaryKey(),
		engagementId: text('engagement_id')
			.notNull()
			.references(() => engagements.id, { onDelete: 'cascade' }),
		role: text('role').notNull(),
		tokenHash: text('token_hash').notNull(),
		createdBy: text('created_by')
			.notNull()
			.references(() => users.id),
		expiresAt: timestamp('expires_at', { withTimezone: true }).notNull(),
		revokedAt: timestamp('revoked_at', { withTimezone: true }),
		useCount: integer('use_count').notNull().default(0),
		createdAt: createdAt()
	},
	(t) => [uniqueIndex('invitations_token_unique').on(t.tokenHash), index('invitations_engagement_idx').on(t.engagementId)]
);

/** Append-only, attributed log of accepted Yjs updates: the source of truth for documents and history. */
export const docUpdates = pgTable(
	'doc_updates',
	{
		docName: text('doc_name').notNull(),
		seq: bigint('seq', { mode: 'number' }).notNull(),
		update: bytea('update').notNull(),
		userId: text('user_id'),
		connectionId: text('connection_id'),
		createdAt: createdAt()
	},
	(t) => [primaryKey({ columns: [t.docName, t.seq] })]
);

/** Compacted state of a document up to and including `uptoSeq`; the log rows stay for history. */
export const docSnapshots = pgTable(
	'doc_snapshots',
	{
		docName: text('doc_name').notNull(),
		uptoSeq: bigint('upto_seq', { mode: 'number' }).notNull(),
		state: bytea('state').notNull(),
		createdAt: createdAt()
	},
	(t) => [primaryKey({ columns: [t.docName, t.uptoSeq] })]
);

/** Checkpoints of a document, automatic or named by hand. */
export interface RestoredFrom {
	id: string;
	label: string | null;
	kind: string;
	createdAt: string;
}

export const docVersions = pgTable(
	'doc_versions',
	{
		id: text('id').primaryKey(),
		docName: text('doc_name').notNull(),
		seq: bigint('seq', { mode: 'number' }).notNull(),
		kind: text('kind').notNull(),
		label: text('label'),
		authorId: text('author_id'),
		state: bytea('state').notNull(),
		/** A restore record's own copy of what it restored (id, label, kind, time): retention may later drop
		 *  that automatic checkpoint, and the timeline must still name it. */
		restoredFrom: jsonb('restored_from').$type<RestoredFrom>(),
		createdAt: createdAt()
	},
	(t) => [index('doc_versions_doc_idx').on(t.docName, t.seq)]
);

export const auditLog = pgTable(
	'audit_log',
	{
		id: bigint('id', { mode: 'number' }).primaryKey().generatedAlwaysAsIdentity(),
		at: timestamp('at', { withTimezone: true }).notNull().defaultNow(),
		actorId: text('actor_id'),
		engagementId: text('engagement_id'),
		action: text('action').notNull(),
		detail: jsonb('detail').notNull().default(sql`'{}'::jsonb`)
	},
	(t) => [index('audit_engagement_idx').on(t.engagementId, t.at)]
);

/** A workshop session run by a facilitator: when, who attended (from presence), hours charged to the budget. */
export const workshopSessions = pgTable(
	'workshop_sessions',
	{
		id: text('id').primaryKey(),
		engagementId: text('engagement_id')
			.notNull()
			.references(() => engagements.id, { onDelete: 'cascade' }),
		type: text('type').notNull(),
		modality: text('modality').notNull().default('presencial'),
		startedAt: timestamp('started_at', { withTimezone: true }).notNull(),
		endedAt: timestamp('ended_at', { withTimezone: true }),
		startedBy: text('started_by')
			.notNull()
			.references(() => users.id),
		attendeeIds: jsonb('attendee_ids').$type<string[]>().notNull().default(sql`'[]'::jsonb`),
		/** Hours rounded up to quarter hours; charged may differ (preparation). */
		durationH: doublePrecision('duration_h'),
		chargedH: doublePrecision('charged_h'),
		chargeable: boolean('chargeable').notNull().default(true),
		notes: text('notes').notNull().default(''),
		createdAt: createdAt()
	},
	(t) => [index('workshop_sessions_engagement_idx').on(t.engagementId, t.startedAt)]
);

/** A diagnosis template adapted by an organisation. Its content lives in immutable versions; the
 *  built-in default template (packages/model) is not stored here. */
export const diagnosisTemplates = pgTable(
	'diagnosis_templates',
	{
		id: text('id').primaryKey(),
		organisationId: text('organisation_id')
			.notNull()
			.references(() => organisations.id, { onDelete: 'cascade' }),
		createdBy: text('created_by')
			.notNull()
			.references(() => users.id),
		createdAt: createdAt()
	},
	(t) => [index('diagnosis_templates_org_idx').on(t.organisationId)]
);

/** One saved version of a template: never updated, only added to, so a run can always name it. */
export const diagnosisTemplateVersions = pgTable(
	'diagnosis_template_versions',
	{
		templateId: text('template_id')
			.notNull()
			.references(() => diagnosisTemplates.id, { onDelete: 'cascade' }),
		version: integer('version').notNull(),
		/** The whole DiagnosisTemplate (packages/model), validated before insert. */
		content: jsonb('content').notNull(),
		createdBy: text('created_by')
			.notNull()
			.references(() => users.id),
		createdAt: createdAt(),
		/** Set when a run first starts on this version. */
		firstUsedAt: timestamp('first_used_at', { withTimezone: true })
	},
	(t) => [primaryKey({ columns: [t.templateId, t.version] })]
);
