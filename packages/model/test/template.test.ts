import { describe, expect, it } from 'vitest';
import {
	CONSENSUS_LABELS,
	DEFAULT_TEMPLATE,
	DONT_KNOW_LABEL,
	IMPORTANCE_LABELS,
	LOCALES,
	SCALE_LABELS,
	SMALL_SAMPLE_LABEL,
	STEP_LABELS,
	TemplateValidationError,
	adaptTemplate,
	asksImportance,
	assertValidTemplate,
	bumpTemplateVersion,
	defaultTemplate,
	findItem,
	templateItems,
	templateRef,
	validateTemplate,
	type DiagnosisTemplate,
	type Localized
} from '../src/index.ts';

const codes = (t: unknown) => validateTemplate(t).map((i) => `${i.code} ${i.path}`);

describe('default template', () => {
	it('has 10 dimensions x 4 items with stable keys D1.1 .. D10.4', () => {
		expect(validateTemplate(DEFAULT_TEMPLATE)).toEqual([]);
		expect(DEFAULT_TEMPLATE.version).toBe(1);
		expect(DEFAULT_TEMPLATE.dimensions.map((d) => d.key)).toEqual(['D1', 'D2', 'D3', 'D4', 'D5', 'D6', 'D7', 'D8', 'D9', 'D10']);
		const keys = templateItems(DEFAULT_TEMPLATE).map((i) => i.key);
		expect(keys).toHaveLength(40);
		expect(keys).toEqual(Array.from({ length: 40 }, (_, i) => `D${(i >> 2) + 1}.${(i & 3) + 1}`));
	});

	it('has every text in ca, es and en, with Spanish actually translated', () => {
		for (const it of templateItems(DEFAULT_TEMPLATE)) {
			for (const l of LOCALES) expect(it.text[l].trim(), `${it.key} ${l}`).not.toBe('');
			expect(it.text.es, it.key).not.toBe(it.text.ca);
			expect(it.text.es, it.key).not.toBe(it.text.en);
		}
		expect(findItem(DEFAULT_TEMPLATE, 'D1.1')?.text.ca).toBe('Sabem explicar en una frase què oferim, a qui i per què som diferents');
		expect(findItem(DEFAULT_TEMPLATE, 'D10.4')?.text.en).toBe('We have spaces to handle tensions over priorities');
		expect(findItem(DEFAULT_TEMPLATE, 'D8.4')).toMatchObject({ dimensionKey: 'D8', text: { es: 'Compramos a proveedoras de la ESS' } });
		expect(DEFAULT_TEMPLATE.dimensions[7]!.label.es).toBe('Intercooperación, mercado social y compra pública');
	});

	it('is frozen; defaultTemplate() returns a mutable copy', () => {
		expect(Object.isFrozen(DEFAULT_TEMPLATE.dimensions[0]!.items[0]!.text)).toBe(true);
		const copy = defaultTemplate();
		copy.dimensions[0]!.items[0]!.text.ca = 'x';
		expect(DEFAULT_TEMPLATE.dimensions[0]!.items[0]!.text.ca).not.toBe('x');
	});

	it('labels: scale, don\'t know, importance, consensus, small sample, steps in three locales', () => {
		const all: Localized[] = [
			...Object.values(SCALE_LABELS),
			DONT_KNOW_LABEL,
			...Object.values(IMPORTANCE_LABELS),
			...Object.values(CONSENSUS_LABELS),
			SMALL_SAMPLE_LABEL,
			...Object.values(STEP_LABELS)
		];
		for (const l of all) for (const loc of LOCALES) expect(l[loc]).toMatch(/\S/);
		expect(SCALE_LABELS[4]).toEqual({ ca: 'Consolidat', es: 'Consolidado', en: 'Established' });
		expect(CONSENSUS_LABELS.disagreement).toEqual({ ca: 'Dissens', es: 'Disenso', en: 'Disagreement' });
		expect(IMPORTANCE_LABELS[2]).toEqual({ ca: 'Mitjana', es: 'Media', en: 'Medium' });
		expect(SMALL_SAMPLE_LABEL.es).toBe('Muestra pequeña');
	});
});

describe('validation', () => {
	const tiny = (): DiagnosisTemplate => ({
		id: 'tiny',
		version: 1,
		name: { ca: 'Petita', es: 'Pequeña', en: 'Tiny' },
		dimensions: [
			{
				key: 'A',
				label: { ca: 'A', es: 'A', en: 'A' },
				order: 1,
				items: [
					{ key: 'A.1', text: { ca: 'u', es: 'uno', en: 'one' } },
					{ key: 'A.2', text: { ca: 'dos', es: 'dos', en: 'two' } }
				]
			},
			{ key: 'B', label: { ca: 'B', es: 'B', en: 'B' }, order: 2, items: [{ key: 'B.1', text: { ca: 'tres', es: 'tres', en: 'three' } }] }
		]
	});

	it('accepts a minimal valid template', () => expect(validateTemplate(tiny())).toEqual([]));

	it('reports duplicate item keys across dimensions, and duplicate dimension keys', () => {
		const t = tiny();
		t.dimensions[1]!.items[0]!.key = 'A.1';
		t.dimensions[1]!.key = 'A';
		expect(codes(t)).toEqual(['duplicate-key dimensions[1].key', 'duplicate-key dimensions[1].items[0].key']);
		expect(validateTemplate(t)[1]!.message).toBe('item key A.1 already used at dimensions[0].items[0]');
	});

	it('reports a missing or blank locale, with its path', () => {
		const t = tiny();
		delete (t.dimensions[0]!.items[1]!.text as Partial<Localized>).es;
		t.dimensions[1]!.label.en = '  ';
		t.dimensions[0]!.items[0]!.hint = { ca: 'pista', es: 'pista', en: '' };
		expect(codes(t)).toEqual(['missing-locale dimensions[0].items[0].hint.en', 'missing-locale dimensions[0].items[1].text.es', 'missing-locale dimensions[1].label.en']);
	});

	it('requires at least one item per dimension and one dimension', () => {
		const t = tiny();
		t.dimensions[1]!.items = [];
		expect(codes(t)).toEqual(['empty-dimension dimensions[1].items']);
		expect(codes({ ...tiny(), dimensions: [] })).toEqual(['no-dimensions dimensions']);
	});

	it('rejects keys and ids that would break compound keys, and bad versions', () => {
		const t = tiny();
		t.id = 'has space';
		t.version = 0;
		t.dimensions[0]!.items[0]!.key = 'A/1';
		t.dimensions[0]!.items[1]!.key = 'A:2';
		expect(codes(t)).toEqual(['invalid-id id', 'invalid-version version', 'invalid-key dimensions[0].items[0].key', 'invalid-key dimensions[0].items[1].key']);
	});

	it('never throws on garbage, and assertValidTemplate throws a readable error', () => {
		for (const g of [null, 42, 'x', [], { dimensions: [null, 3] }]) expect(validateTemplate(g).length).toBeGreaterThan(0);
		const t = tiny();
		t.dimensions[1]!.items = [];
		expect(() => assertValidTemplate(t)).toThrow(TemplateValidationError);
		expect(() => assertValidTemplate(t)).toThrow('Invalid template "tiny": dimensions[1].items: dimension B needs at least one item');
	});
});

describe('importance option', () => {
	it('asks importance unless the template turns it off, and refuses a non-boolean', () => {
		expect(asksImportance(DEFAULT_TEMPLATE)).toBe(true);
		const off = bumpTemplateVersion(DEFAULT_TEMPLATE, { edit: (d) => void (d.askImportance = false) });
		expect(asksImportance(off)).toBe(false);
		expect(validateTemplate({ ...DEFAULT_TEMPLATE, askImportance: 'no' })).toEqual([
			{ code: 'invalid-option', path: 'askImportance', message: 'must be true or false' }
		]);
	});
});

describe('adapt and version', () => {
	it('adapts a copy for an organisation: new id, version 1, edited texts, source untouched', () => {
		const t = adaptTemplate(DEFAULT_TEMPLATE, {
			id: 'ecos-2026',
			name: { ca: 'Diagnosi ECOS' },
			itemTexts: { 'D8.1': { ca: 'Aprofitem Grup ECOS per generar negoci' } },
			dimensionLabels: { D10: { en: 'Governance & care' } }
		});
		expect(t.id).toBe('ecos-2026');
		expect(t.version).toBe(1);
		expect(t.basedOn).toEqual({ id: DEFAULT_TEMPLATE.id, version: 1 });
		expect(findItem(t, 'D8.1')!.text).toEqual({ ...findItem(DEFAULT_TEMPLATE, 'D8.1')!.text, ca: 'Aprofitem Grup ECOS per generar negoci' });
		expect(t.name.ca).toBe('Diagnosi ECOS');
		expect(t.name.es).toBe(DEFAULT_TEMPLATE.name.es);
		expect(t.dimensions[9]!.label.en).toBe('Governance & care');
		expect(findItem(DEFAULT_TEMPLATE, 'D8.1')!.text.ca).toBe('Aprofitem la xarxa (Grup ECOS, XES, Mercat Social) per generar negoci');
	});

	it('rejects patches for unknown keys and results that are invalid', () => {
		expect(() => adaptTemplate(DEFAULT_TEMPLATE, { id: 'x', itemTexts: { 'D11.1': { ca: 'x' } } })).toThrow(/D11\.1: no item D11\.1/);
		expect(() => adaptTemplate(DEFAULT_TEMPLATE, { id: 'x', itemTexts: { 'D1.1': { es: '' } } })).toThrow(/dimensions\[0\]\.items\[0\]\.text\.es: missing es text/);
		expect(() => adaptTemplate(DEFAULT_TEMPLATE, { id: 'x', edit: (d) => void (d.dimensions[0]!.items = []) })).toThrow(TemplateValidationError);
		expect(() => adaptTemplate(DEFAULT_TEMPLATE, { id: 'bad id' })).toThrow(/id: must match/);
	});

	it('bumps a version with structural edits; the old version is untouched', () => {
		const v1 = adaptTemplate(DEFAULT_TEMPLATE, { id: 'org' });
		const v2 = bumpTemplateVersion(v1, {
			itemTexts: { 'D1.1': { en: 'We can pitch what we offer in one sentence' } },
			edit: (d) => d.dimensions[0]!.items.push({ key: 'D1.5', text: { ca: 'Nou', es: 'Nuevo', en: 'New' } })
		});
		expect([v2.id, v2.version]).toEqual(['org', 2]);
		expect(templateRef(v2)).toBe('org@2');
		expect(v2.basedOn).toEqual(v1.basedOn);
		expect(templateItems(v2)).toHaveLength(41);
		expect(templateItems(v1)).toHaveLength(40);
		expect(findItem(v1, 'D1.1')!.text.en).toBe('We can say in one sentence what we offer, to whom, and why we differ');
		expect(() => bumpTemplateVersion(v2, { edit: (d) => d.dimensions[0]!.items.push({ key: 'D2.1', text: { ca: 'a', es: 'a', en: 'a' } }) })).toThrow(/duplicate|already used/);
		expect(() => bumpTemplateVersion(v2, { edit: (d) => void (d.version = 7) })).toThrow(/may not change id or version/);
	});
});
