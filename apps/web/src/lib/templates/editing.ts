// Pure edits of a template draft for the editor: every function returns nothing and changes the draft
// in place (the editor holds it in $state), so the component stays about layout and focus.
import type { DiagnosisTemplate, Localized, TemplateDimension, TemplateIssue } from '@teixit/model';

/** What the API accepts as a new version: the template without its identity. */
export type TemplateContent = Pick<DiagnosisTemplate, 'name' | 'askImportance' | 'dimensions'>;

export const emptyText = (): Localized => ({ ca: '', es: '', en: '' });

export function contentOf(t: DiagnosisTemplate): TemplateContent {
	const dimensions = structuredClone(t.dimensions).sort((a, b) => a.order - b.order || (a.key < b.key ? -1 : 1));
	const c: TemplateContent = { name: structuredClone(t.name), dimensions };
	c.askImportance = t.askImportance !== false;
	return c;
}

/** A plain copy with dimensions renumbered 1..n: the editor's list order is the order (and validation
 *  paths then point at the same indexes the editor shows). */
export function normalised(c: TemplateContent): TemplateContent {
	const out = JSON.parse(JSON.stringify(c)) as TemplateContent;
	out.dimensions = out.dimensions.map((d, i) => ({ ...d, order: i + 1 }));
	return out;
}

export function move<T>(list: T[], from: number, to: number): boolean {
	if (from < 0 || from >= list.length || to < 0 || to >= list.length || from === to) return false;
	const [x] = list.splice(from, 1);
	list.splice(to, 0, x!);
	return true;
}

/** Every dimension and item key of a template version: an editor never hands these out again, because
 *  runs compare items by key (a removed D1.4 must not come back as a different question). */
export const keysOf = (c: Pick<TemplateContent, 'dimensions'>) => new Set(c.dimensions.flatMap((d) => [d.key, ...d.items.map((i) => i.key)]));

/** A fresh key: `${prefix}${n}` with the smallest n from `start` used neither in the draft nor in
 *  `reserved` (the server still checks uniqueness). */
export function freshKey(c: TemplateContent, prefix: string, start = 1, reserved: ReadonlySet<string> = new Set()): string {
	const draftKeys = keysOf(c);
	const used = { has: (k: string) => draftKeys.has(k) || reserved.has(k) };
	let n = start;
	while (used.has(`${prefix}${n}`)) n++;
	return `${prefix}${n}`;
}

export function addItem(c: TemplateContent, dimIndex: number, reserved?: ReadonlySet<string>): string {
	const d = c.dimensions[dimIndex]!;
	const key = freshKey(c, `${d.key}.`, d.items.length + 1, reserved);
	d.items.push({ key, text: emptyText() });
	return key;
}

export function addDimension(c: TemplateContent, reserved?: ReadonlySet<string>): string {
	const key = freshKey(c, 'D', c.dimensions.length + 1, reserved);
	const dim: TemplateDimension = { key, label: emptyText(), order: c.dimensions.length + 1, items: [] };
	c.dimensions.push(dim);
	addItem(c, c.dimensions.length - 1, reserved);
	return key;
}

/** Turns a validation path ("dimensions[2].items[0].text.es") into the keys a person can find. */
export function describePath(c: TemplateContent, path: string): { dimension?: string; item?: string; field?: string; locale?: string } {
	const m = /^dimensions\[(\d+)\](?:\.items\[(\d+)\])?(?:\.([a-zA-Z]+))?(?:\.(ca|es|en))?/.exec(path);
	if (!m) {
		const n = /^name\.(ca|es|en)$/.exec(path);
		return n ? { field: 'name', locale: n[1] } : { field: path };
	}
	const d = c.dimensions[Number(m[1])];
	const it = m[2] !== undefined ? d?.items[Number(m[2])] : undefined;
	return { dimension: d?.key, item: it?.key, field: m[3], locale: m[4] };
}

export const issueKey = (i: Pick<TemplateIssue, 'code' | 'path'>) => `${i.code}@${i.path}`;
