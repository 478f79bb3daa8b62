import { DEFAULT_TEMPLATE, validateTemplate } from '@teixit/model';
import { describe, expect, it } from 'vitest';
import { addDimension, addItem, contentOf, describePath, keysOf, move, normalised } from '../src/lib/templates/editing';

describe('template editing', () => {
	it('never hands out a key of the version being edited, even after its item was removed', () => {
		const c = contentOf(DEFAULT_TEMPLATE);
		const reserved = keysOf(DEFAULT_TEMPLATE);
		c.dimensions[0]!.items.splice(3, 1); // remove D1.4
		expect(addItem(structuredClone(c), 0)).toBe('D1.4'); // without the reservation it would come back
		expect(addItem(c, 0, reserved)).toBe('D1.5');
		expect(addDimension(c, reserved)).toBe('D11');
		expect(c.dimensions.at(-1)!.items.map((i) => i.key)).toEqual(['D11.1']);
	});

	it('moves within bounds only, and the list order becomes the order', () => {
		const c = contentOf(DEFAULT_TEMPLATE);
		expect(move(c.dimensions, 0, -1)).toBe(false);
		expect(move(c.dimensions, 1, 0)).toBe(true);
		const n = normalised(c);
		expect(n.dimensions.slice(0, 2).map((d) => [d.key, d.order])).toEqual([
			['D2', 1],
			['D1', 2]
		]);
		expect(validateTemplate({ id: 'x', version: 2, ...n })).toEqual([]);
	});

	it('turns validation paths into the keys a person can find', () => {
		const c = contentOf(DEFAULT_TEMPLATE);
		expect(describePath(c, 'dimensions[1].items[2].text.es')).toEqual({ dimension: 'D2', item: 'D2.3', field: 'text', locale: 'es' });
		expect(describePath(c, 'dimensions[0].label.en')).toEqual({ dimension: 'D1', item: undefined, field: 'label', locale: 'en' });
		expect(describePath(c, 'name.ca')).toEqual({ field: 'name', locale: 'ca' });
	});

	it('a new item has empty texts, so the draft is invalid until someone writes them', () => {
		const c = contentOf(DEFAULT_TEMPLATE);
		addItem(c, 0, keysOf(DEFAULT_TEMPLATE));
		const issues = validateTemplate({ id: 'x', version: 2, ...normalised(c) });
		expect(issues.map((i) => i.path)).toEqual(['dimensions[0].items[4].text.ca', 'dimensions[0].items[4].text.es', 'dimensions[0].items[4].text.en']);
	});
});
