// Diagnosis templates: versioned, copyable per organisation, validated. A run freezes one version.
import { LOCALES, type Locale, type Localized } from './labels.ts';
import { KEY_PATTERN, TEMPLATE_ID_PATTERN } from './keys.ts';

export interface TemplateItem {
	/** Stable key, e.g. "D1.1". Unique within the template. */
	key: string;
	text: Localized;
	hint?: Localized;
	evidenceHint?: Localized;
	/** The statement is phrased negatively: aggregation mirrors scores (s -> 6 - s) so that higher is
	 *  always more mature. None of the default items is reversed. */
	reversed?: boolean;
}

export interface TemplateDimension {
	/** Stable key, e.g. "D1". */
	key: string;
	label: Localized;
	order: number;
	items: TemplateItem[];
}

export interface DiagnosisTemplate {
	id: string;
	/** Positive integer; a new version is a new template snapshot, never an edit in place. */
	version: number;
	name: Localized;
	/** The template this one was copied from. */
	basedOn?: { id: string; version: number };
	/** Whether people also rate each item's importance (optional per item). Absent = true. */
	askImportance?: boolean;
	dimensions: TemplateDimension[];
}

export type TemplateIssueCode =
	| 'invalid-id'
	| 'invalid-version'
	| 'no-dimensions'
	| 'invalid-key'
	| 'duplicate-key'
	| 'empty-dimension'
	| 'missing-locale'
	| 'invalid-order'
	| 'unknown-key'
	| 'invalid-option';

export interface TemplateIssue {
	code: TemplateIssueCode;
	/** Where: "dimensions[2].items[0].text.es", or a key for patches. */
	path: string;
	message: string;
}

export class TemplateValidationError extends Error {
	override name = 'TemplateValidationError';
	readonly issues: readonly TemplateIssue[];
	constructor(templateId: string, issues: readonly TemplateIssue[]) {
		const head = issues.slice(0, 5).map((i) => `${i.path}: ${i.message}`);
		const more = issues.length > 5 ? `; and ${issues.length - 5} more` : '';
		super(`Invalid template ${JSON.stringify(templateId)}: ${head.join('; ')}${more}`);
		this.issues = issues;
	}
}

function checkLocalized(value: unknown, path: string, issues: TemplateIssue[], required = true) {
	if (value === undefined && !required) return;
	if (!value || typeof value !== 'object') {
		issues.push({ code: 'missing-locale', path, message: `needs texts in ${LOCALES.join(', ')}` });
		return;
	}
	for (const l of LOCALES) {
		const t = (value as Record<string, unknown>)[l];
		if (typeof t !== 'string' || t.trim() === '') issues.push({ code: 'missing-locale', path: `${path}.${l}`, message: `missing ${l} text` });
	}
}

/** Every problem with a template, in document order; empty when valid. Accepts unknown input (e.g. a
 *  snapshot read from a document) without throwing. */
export function validateTemplate(t: unknown): TemplateIssue[] {
	const issues: TemplateIssue[] = [];
	if (!t || typeof t !== 'object') return [{ code: 'invalid-id', path: '', message: 'not a template object' }];
	const tpl = t as Partial<DiagnosisTemplate>;
	if (typeof tpl.id !== 'string' || !TEMPLATE_ID_PATTERN.test(tpl.id))
		issues.push({ code: 'invalid-id', path: 'id', message: `must match ${TEMPLATE_ID_PATTERN}` });
	if (!Number.isInteger(tpl.version) || (tpl.version as number) < 1)
		issues.push({ code: 'invalid-version', path: 'version', message: 'must be a positive integer' });
	checkLocalized(tpl.name, 'name', issues);
	if (tpl.askImportance !== undefined && typeof tpl.askImportance !== 'boolean')
		issues.push({ code: 'invalid-option', path: 'askImportance', message: 'must be true or false' });
	if (!Array.isArray(tpl.dimensions) || tpl.dimensions.length === 0) {
		issues.push({ code: 'no-dimensions', path: 'dimensions', message: 'needs at least one dimension' });
		return issues;
	}
	const dimKeys = new Map<string, string>();
	const itemKeys = new Map<string, string>();
	tpl.dimensions.forEach((d, i) => {
		const p = `dimensions[${i}]`;
		if (!d || typeof d !== 'object') {
			issues.push({ code: 'invalid-key', path: p, message: 'not a dimension object' });
			return;
		}
		if (typeof d.key !== 'string' || !KEY_PATTERN.test(d.key)) issues.push({ code: 'invalid-key', path: `${p}.key`, message: `must match ${KEY_PATTERN}` });
		else if (dimKeys.has(d.key)) issues.push({ code: 'duplicate-key', path: `${p}.key`, message: `dimension key ${d.key} already used at ${dimKeys.get(d.key)}` });
		else dimKeys.set(d.key, p);
		checkLocalized(d.label, `${p}.label`, issues);
		if (typeof d.order !== 'number' || !Number.isFinite(d.order)) issues.push({ code: 'invalid-order', path: `${p}.order`, message: 'must be a finite number' });
		if (!Array.isArray(d.items) || d.items.length === 0) {
			issues.push({ code: 'empty-dimension', path: `${p}.items`, message: `dimension ${String(d.key)} needs at least one item` });
			return;
		}
		d.items.forEach((it, j) => {
			const q = `${p}.items[${j}]`;
			if (!it || typeof it !== 'object') {
				issues.push({ code: 'invalid-key', path: q, message: 'not an item object' });
				return;
			}
			if (typeof it.key !== 'string' || !KEY_PATTERN.test(it.key)) issues.push({ code: 'invalid-key', path: `${q}.key`, message: `must match ${KEY_PATTERN}` });
			else if (itemKeys.has(it.key)) issues.push({ code: 'duplicate-key', path: `${q}.key`, message: `item key ${it.key} already used at ${itemKeys.get(it.key)}` });
			else itemKeys.set(it.key, q);
			checkLocalized(it.text, `${q}.text`, issues);
			checkLocalized(it.hint, `${q}.hint`, issues, false);
			checkLocalized(it.evidenceHint, `${q}.evidenceHint`, issues, false);
		});
	});
	return issues;
}

export function assertValidTemplate(t: unknown): asserts t is DiagnosisTemplate {
	const issues = validateTemplate(t);
	if (issues.length) throw new TemplateValidationError(String((t as { id?: unknown } | null)?.id ?? ''), issues);
}

export const isValidTemplate = (t: unknown): t is DiagnosisTemplate => validateTemplate(t).length === 0;

/** Text edits (partial per locale) and, for structural changes, a function that edits a draft copy. */
export interface TemplatePatch {
	name?: Partial<Localized>;
	dimensionLabels?: Record<string, Partial<Localized>>;
	itemTexts?: Record<string, Partial<Localized>>;
	itemHints?: Record<string, Partial<Localized>>;
	/** Add, remove or reorder on the draft (a deep copy). Runs after the text edits. */
	edit?: (draft: DiagnosisTemplate) => void;
}

export function cloneTemplate(t: DiagnosisTemplate): DiagnosisTemplate {
	return structuredClone(t) as DiagnosisTemplate;
}

function applyPatch(draft: DiagnosisTemplate, patch: TemplatePatch) {
	const unknown: TemplateIssue[] = [];
	const merge = (target: Localized | undefined, p: Partial<Localized>): Localized => {
		const out = { ...(target ?? { ca: '', es: '', en: '' }) };
		for (const l of LOCALES) if (p[l] !== undefined) out[l as Locale] = p[l]!;
		return out;
	};
	if (patch.name) draft.name = merge(draft.name, patch.name);
	for (const [key, p] of Object.entries(patch.dimensionLabels ?? {})) {
		const d = draft.dimensions.find((x) => x.key === key);
		if (!d) unknown.push({ code: 'unknown-key', path: key, message: `no dimension ${key}` });
		else d.label = merge(d.label, p);
	}
	const items = new Map(draft.dimensions.flatMap((d) => d.items.map((it) => [it.key, it] as const)));
	for (const [key, p] of Object.entries(patch.itemTexts ?? {})) {
		const it = items.get(key);
		if (!it) unknown.push({ code: 'unknown-key', path: key, message: `no item ${key}` });
		else it.text = merge(it.text, p);
	}
	for (const [key, p] of Object.entries(patch.itemHints ?? {})) {
		const it = items.get(key);
		if (!it) unknown.push({ code: 'unknown-key', path: key, message: `no item ${key}` });
		else it.hint = merge(it.hint, p);
	}
	if (unknown.length) throw new TemplateValidationError(draft.id, unknown);
	patch.edit?.(draft);
}

/** Copy a template for an organisation: a new id, version 1, `basedOn` the source, edits applied.
 *  Throws TemplateValidationError if the result is invalid. */
export function adaptTemplate(base: DiagnosisTemplate, opts: { id: string } & TemplatePatch): DiagnosisTemplate {
	const draft = cloneTemplate(base);
	draft.id = opts.id;
	draft.version = 1;
	draft.basedOn = { id: base.id, version: base.version };
	applyPatch(draft, opts);
	assertValidTemplate(draft);
	return draft;
}

/** The next version of a template (same id, version + 1) with edits applied; the input is untouched.
 *  Runs already started keep their frozen snapshot of the old version. */
export function bumpTemplateVersion(t: DiagnosisTemplate, patch: TemplatePatch = {}): DiagnosisTemplate {
	const draft = cloneTemplate(t);
	draft.version = t.version + 1;
	applyPatch(draft, patch);
	if (draft.id !== t.id || draft.version !== t.version + 1)
		throw new TemplateValidationError(t.id, [{ code: 'invalid-version', path: 'version', message: 'a version bump may not change id or version' }]);
	assertValidTemplate(draft);
	return draft;
}

/** Whether a run on this template asks for importance ratings. */
export const asksImportance = (t: Pick<DiagnosisTemplate, 'askImportance'>) => t.askImportance !== false;

/** "id@version": names one frozen template version. */
export const templateRef = (t: Pick<DiagnosisTemplate, 'id' | 'version'>) => `${t.id}@${t.version}`;

/** Dimensions by `order`, ties by key. */
export function orderedDimensions(t: DiagnosisTemplate): TemplateDimension[] {
	return [...t.dimensions].sort((a, b) => a.order - b.order || (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
}

/** All items in display order, each with its dimension key. */
export function templateItems(t: DiagnosisTemplate): (TemplateItem & { dimensionKey: string })[] {
	return orderedDimensions(t).flatMap((d) => d.items.map((it) => ({ ...it, dimensionKey: d.key })));
}

export function findItem(t: DiagnosisTemplate, key: string): (TemplateItem & { dimensionKey: string }) | undefined {
	for (const d of t.dimensions) {
		const it = d.items.find((x) => x.key === key);
		if (it) return { ...it, dimensionKey: d.key };
	}
	return undefined;
}

export { DEFAULT_TEMPLATE, DEFAULT_TEMPLATE_ID, defaultTemplate } from './default-template.ts';
export * from './labels.ts';
