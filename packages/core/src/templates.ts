// Diagnosis templates per organisation: a facilitator copies the built-in default (or another template),
// adapts it and saves new versions. Versions are append-only rows, so the version a run started on can
// always be read again exactly; the run also freezes a copy in its workspace document.
import { and, asc, desc, eq, isNull, max } from 'drizzle-orm';
import { diagnosisTemplateVersions, diagnosisTemplates, engagements, organisationMembers, organisations, type Db } from '@teixit/db';
import { DEFAULT_TEMPLATE, DEFAULT_TEMPLATE_ID, validateTemplate, type DiagnosisTemplate } from '@teixit/model';
import { Type, type Static } from 'typebox';
import type { Audit } from './audit.ts';
import { newId } from './crypto.ts';
import { DomainError } from './errors.ts';
import type { Engagements } from './engagements.ts';
import type { User } from './users.ts';
import { parse } from './validation.ts';

/** Organisation roles that may edit the organisation's templates. */
export const templateEditorRoles = ['facilitator', 'admin'] as const;

// Size limits keep one template (stored whole in every run's document) well under the sync limits;
// the semantic rules (unique keys, every text in ca/es/en) are the model's validateTemplate.
const Text = Type.String({ maxLength: 600 });
const Localized = Type.Object({ ca: Text, es: Text, en: Text }, { additionalProperties: false });
const Key = Type.String({ minLength: 1, maxLength: 64 });
export const TemplateItemInput = Type.Object(
	{ key: Key, text: Localized, hint: Type.Optional(Localized), evidenceHint: Type.Optional(Localized), reversed: Type.Optional(Type.Boolean()) },
	{ additionalProperties: false }
);
export const TemplateDimensionInput = Type.Object(
	{ key: Key, label: Localized, order: Type.Number(), items: Type.Array(TemplateItemInput, { maxItems: 30 }) },
	{ additionalProperties: false }
);
/** What an editor sends: everything but the identity (id, version, basedOn), which the server assigns. */
export const TemplateContentInput = Type.Object(
	{ name: Localized, askImportance: Type.Optional(Type.Boolean()), dimensions: Type.Array(TemplateDimensionInput, { maxItems: 30 }) },
	{ additionalProperties: false }
);
const TemplateRefInput = Type.Object({ id: Type.String({ minLength: 1, maxLength: 128 }), version: Type.Integer({ minimum: 1 }) }, { additionalProperties: false });
export const CreateTemplateInput = Type.Object(
	{ from: Type.Optional(TemplateRefInput), content: Type.Optional(TemplateContentInput) },
	{ additionalProperties: false }
);
export const SaveTemplateVersionInput = Type.Object(
	{ baseVersion: Type.Integer({ minimum: 1, description: 'The latest version the editor started from; 409 if someone saved since' }), content: TemplateContentInput },
	{ additionalProperties: false }
);
export const UseTemplateInput = TemplateRefInput;
export type TemplateContentInput = Static<typeof TemplateContentInput>;

export interface TemplateVersionSummary {
	version: number;
	createdAt: string;
	createdBy: string | null;
	/** When a run first started on this version (null: never used). */
	firstUsedAt: string | null;
}

export interface TemplateSummary {
	id: string;
	/** null for the built-in default, which every organisation can copy and nobody can edit. */
	organisationId: string | null;
	builtIn: boolean;
	name: DiagnosisTemplate['name'];
	latestVersion: number;
	dimensionCount: number;
	itemCount: number;
	versions: TemplateVersionSummary[];
}

export interface TemplateVersionDetail extends TemplateVersionSummary {
	organisationId: string | null;
	builtIn: boolean;
	template: DiagnosisTemplate;
}

const builtInSummary = (): TemplateSummary => ({
	id: DEFAULT_TEMPLATE_ID,
	organisationId: null,
	builtIn: true,
	name: DEFAULT_TEMPLATE.name,
	latestVersion: DEFAULT_TEMPLATE.version,
	dimensionCount: DEFAULT_TEMPLATE.dimensions.length,
	itemCount: DEFAULT_TEMPLATE.dimensions.reduce((n, d) => n + d.items.length, 0),
	versions: [{ version: DEFAULT_TEMPLATE.version, createdAt: new Date(0).toISOString(), createdBy: null, firstUsedAt: null }]
});

/** Validates with the model's rules and reports every problem at once (code, path, message). */
function checked(template: DiagnosisTemplate): DiagnosisTemplate {
	const issues = validateTemplate(template);
	if (issues.length)
		throw new DomainError('invalid_input', `Invalid template: ${issues.slice(0, 5).map((i) => `${i.path}: ${i.message}`).join('; ')}${issues.length > 5 ? `; and ${issues.length - 5} more` : ''}`, { issues });
	return template;
}

function build(id: string, version: number, content: TemplateContentInput, basedOn?: { id: string; version: number }): DiagnosisTemplate {
	const t: DiagnosisTemplate = { id, version, name: content.name, dimensions: content.dimensions };
	if (basedOn) t.basedOn = basedOn;
	if (content.askImportance !== undefined) t.askImportance = content.askImportance;
	return checked(structuredClone(t));
}

export function createTemplates(db: Db, deps: { audit: Audit; engagements: Engagements; now?: () => number }) {
	const now = deps.now ?? Date.now;

	/** Organisation members read, editors edit; admins do both. Non-members get not_found (no leak). */
	async function requireOrg(actor: User, organisationId: string, edit: boolean) {
		const [org] = await db.select({ id: organisations.id }).from(organisations).where(eq(organisations.id, organisationId));
		if (!org) throw new DomainError('not_found', 'Organisation not found');
		if (actor.isAdmin) return;
		const [m] = await db
			.select({ role: organisationMembers.role })
			.from(organisationMembers)
			.where(and(eq(organisationMembers.organisationId, organisationId), eq(organisationMembers.userId, actor.id)));
		if (!m) throw new DomainError('not_found', 'Organisation not found');
		if (edit && !(templateEditorRoles as readonly string[]).includes(m.role))
			throw new DomainError('forbidden', 'Only the organisation’s facilitators and administrators can edit templates');
	}

	async function versionRow(organisationId: string, templateId: string, version: number) {
		const [row] = await db
			.select({ v: diagnosisTemplateVersions, organisationId: diagnosisTemplates.organisationId })
			.from(diagnosisTemplateVersions)
			.innerJoin(diagnosisTemplates, eq(diagnosisTemplates.id, diagnosisTemplateVersions.templateId))
			.where(and(eq(diagnosisTemplateVersions.templateId, templateId), eq(diagnosisTemplateVersions.version, version), eq(diagnosisTemplates.organisationId, organisationId)));
		return row ?? null;
	}

	/** A version readable from this organisation: the built-in default or one of its own. */
	async function resolve(organisationId: string, templateId: string, version: number): Promise<TemplateVersionDetail> {
		if (templateId === DEFAULT_TEMPLATE_ID) {
			if (version !== DEFAULT_TEMPLATE.version) throw new DomainError('not_found', 'Template version not found');
			return { ...builtInSummary().versions[0]!, organisationId: null, builtIn: true, template: structuredClone(DEFAULT_TEMPLATE) };
		}
		const row = await versionRow(organisationId, templateId, version);
		if (!row) throw new DomainError('not_found', 'Template version not found');
		return {
			version: row.v.version,
			createdAt: row.v.createdAt.toISOString(),
			createdBy: row.v.createdBy,
			firstUsedAt: row.v.firstUsedAt?.toISOString() ?? null,
			organisationId: row.organisationId,
			builtIn: false,
			template: row.v.content as DiagnosisTemplate
		};
	}

	async function listOf(organisationId: string): Promise<TemplateSummary[]> {
		const rows = await db
			.select({ v: diagnosisTemplateVersions })
			.from(diagnosisTemplateVersions)
			.innerJoin(diagnosisTemplates, eq(diagnosisTemplates.id, diagnosisTemplateVersions.templateId))
			.where(eq(diagnosisTemplates.organisationId, organisationId))
			.orderBy(asc(diagnosisTemplates.createdAt), asc(diagnosisTemplates.id), desc(diagnosisTemplateVersions.version));
		const byId = new Map<string, TemplateSummary>();
		for (const { v } of rows) {
			const content = v.content as DiagnosisTemplate;
			let s = byId.get(v.templateId);
			if (!s) {
				// Rows come newest version first: the summary shows the latest name and size.
				s = {
					id: v.templateId,
					organisationId,
					builtIn: false,
					name: content.name,
					latestVersion: v.version,
					dimensionCount: content.dimensions.length,
					itemCount: content.dimensions.reduce((n, d) => n + d.items.length, 0),
					versions: []
				};
				byId.set(v.templateId, s);
			}
			s.versions.push({ version: v.version, createdAt: v.createdAt.toISOString(), createdBy: v.createdBy, firstUsedAt: v.firstUsedAt?.toISOString() ?? null });
		}
		return [builtInSummary(), ...byId.values()];
	}

	async function engagementOrg(engagementId: string) {
		const [e] = await db.select({ organisationId: engagements.organisationId }).from(engagements).where(eq(engagements.id, engagementId));
		if (!e) throw new DomainError('not_found', 'Engagement not found');
		return e.organisationId;
	}

	return {
		/** Organisations whose templates this user may see, and whether they may edit them. */
		async organisationsFor(actor: User): Promise<{ id: string; name: string; canEdit: boolean }[]> {
			const mine = await db
				.select({ id: organisations.id, name: organisations.name, role: organisationMembers.role })
				.from(organisationMembers)
				.innerJoin(organisations, eq(organisations.id, organisationMembers.organisationId))
				.where(eq(organisationMembers.userId, actor.id))
				.orderBy(asc(organisations.name));
			const out = mine.map((o) => ({ id: o.id, name: o.name, canEdit: actor.isAdmin || (templateEditorRoles as readonly string[]).includes(o.role) }));
			if (actor.isAdmin) {
				const all = await db.select({ id: organisations.id, name: organisations.name }).from(organisations).orderBy(asc(organisations.name));
				for (const o of all) if (!out.some((x) => x.id === o.id)) out.push({ ...o, canEdit: true });
			}
			return out;
		},

		async list(actor: User, organisationId: string): Promise<TemplateSummary[]> {
			await requireOrg(actor, organisationId, false);
			return listOf(organisationId);
		},

		async get(actor: User, organisationId: string, templateId: string, version: number): Promise<TemplateVersionDetail> {
			await requireOrg(actor, organisationId, false);
			return resolve(organisationId, templateId, version);
		},

		/** Copy a template (the default when `from` is absent) into a new template of the organisation,
		 *  version 1, optionally already adapted (`content`). */
		async create(actor: User, organisationId: string, input: unknown): Promise<TemplateVersionDetail> {
			const v = parse(CreateTemplateInput, input ?? {});
			await requireOrg(actor, organisationId, true);
			const source = await resolve(organisationId, v.from?.id ?? DEFAULT_TEMPLATE_ID, v.from?.version ?? DEFAULT_TEMPLATE.version);
			const id = newId();
			const basedOn = { id: source.template.id, version: source.template.version };
			const content: TemplateContentInput = v.content ?? {
				name: source.template.name,
				dimensions: source.template.dimensions,
				...(source.template.askImportance !== undefined && { askImportance: source.template.askImportance })
			};
			const template = build(id, 1, content, basedOn);
			const createdAt = new Date(now());
			await db.transaction(async (tx) => {
				await tx.insert(diagnosisTemplates).values({ id, organisationId, createdBy: actor.id, createdAt });
				await tx.insert(diagnosisTemplateVersions).values({ templateId: id, version: 1, content: template, createdBy: actor.id, createdAt });
			});
			await deps.audit.record({ actorId: actor.id, action: 'template.create', detail: { organisationId, templateId: id, basedOn } });
			return { version: 1, createdAt: createdAt.toISOString(), createdBy: actor.id, firstUsedAt: null, organisationId, builtIn: false, template };
		},

		/** Save the next version. `baseVersion` must be the latest: a second editor who saved meanwhile
		 *  is never overwritten (409, reload and redo). Earlier versions stay exactly as they were. */
		async saveVersion(actor: User, organisationId: string, templateId: string, input: unknown): Promise<TemplateVersionDetail> {
			const v = parse(SaveTemplateVersionInput, input);
			await requireOrg(actor, organisationId, true);
			if (templateId === DEFAULT_TEMPLATE_ID) throw new DomainError('forbidden', 'The built-in template cannot be edited; copy it first');
			const base = await versionRow(organisationId, templateId, v.baseVersion);
			if (!base) throw new DomainError('not_found', 'Template version not found');
			const original = base.v.content as DiagnosisTemplate;
			const version = v.baseVersion + 1;
			const template = build(templateId, version, v.content, original.basedOn);
			const createdAt = new Date(now());
			await db.transaction(async (tx) => {
				const [latest] = await tx.select({ n: max(diagnosisTemplateVersions.version) }).from(diagnosisTemplateVersions).where(eq(diagnosisTemplateVersions.templateId, templateId));
				if ((latest?.n ?? 0) !== v.baseVersion)
					throw new DomainError('conflict', `Version ${latest?.n} was saved after version ${v.baseVersion}; reload the template and apply your changes to it`, { latestVersion: latest?.n });
				// The primary key (template, version) also refuses a concurrent save of the same number.
				await tx.insert(diagnosisTemplateVersions).values({ templateId, version, content: template, createdBy: actor.id, createdAt });
			}).catch((e: unknown) => {
				if (e instanceof DomainError) throw e;
				if (/duplicate key|unique/i.test(String((e as { message?: string; cause?: { message?: string } }).cause?.message ?? (e as Error).message)))
					throw new DomainError('conflict', 'Someone saved this template at the same time; reload it');
				throw e;
			});
			await deps.audit.record({ actorId: actor.id, action: 'template.version', detail: { organisationId, templateId, version } });
			return { version, createdAt: createdAt.toISOString(), createdBy: actor.id, firstUsedAt: null, organisationId, builtIn: false, template };
		},

		/** Templates a facilitator can start a run on in this engagement (its organisation's, and the default). */
		async forEngagement(actor: User, engagementId: string): Promise<TemplateSummary[]> {
			await deps.engagements.requireRole(actor, engagementId, ['facilitator']);
			return listOf(await engagementOrg(engagementId));
		},

		/** A facilitator starts a run on this version: returns the exact template to freeze into the run and
		 *  records the first use. */
		async useForRun(actor: User, engagementId: string, input: unknown): Promise<TemplateVersionDetail> {
			const v = parse(UseTemplateInput, input);
			await deps.engagements.requireRole(actor, engagementId, ['facilitator']);
			const detail = await resolve(await engagementOrg(engagementId), v.id, v.version);
			if (!detail.builtIn) {
				const at = new Date(now());
				await db
					.update(diagnosisTemplateVersions)
					.set({ firstUsedAt: at })
					.where(and(eq(diagnosisTemplateVersions.templateId, v.id), eq(diagnosisTemplateVersions.version, v.version), isNull(diagnosisTemplateVersions.firstUsedAt)));
				detail.firstUsedAt ??= at.toISOString();
			}
			await deps.audit.record({ actorId: actor.id, engagementId, action: 'template.use', detail: { templateId: v.id, version: v.version } });
			return detail;
		}
	};
}
export type Templates = ReturnType<typeof createTemplates>;
