import { describe, expect, it } from 'vitest';
import { Awareness } from 'y-protocols/awareness';
import * as Y from 'yjs';
import { safeRedirect } from '../src/lib/server/redirect';
import { colorFor, initials } from '../src/lib/state/colors';
import { Presence } from '../src/lib/state/presence.svelte';

describe('safeRedirect', () => {
	it('keeps same-origin paths', () => {
		expect(safeRedirect('/invite/abc?x=1#y')).toBe('/invite/abc?x=1#y');
		expect(safeRedirect('/e/123')).toBe('/e/123');
	});
	it('refuses anything that could leave the site', () => {
		for (const bad of ['https://evil.example', '//evil.example', '/\\evil.example', 'javascript:alert(1)', 'e/1', '', null, 42]) {
			expect(safeRedirect(bad)).toBe('/');
		}
	});
});

describe('colours and initials', () => {
	it('gives each user a stable #rrggbb colour', () => {
		expect(colorFor('u1')).toBe(colorFor('u1'));
		expect(colorFor('u1')).toMatch(/^#[0-9a-f]{6}$/);
	});
	it('makes initials from names', () => {
		expect(initials('Maria Puig i Soler')).toBe('MS');
		expect(initials('Jordi')).toBe('JO');
		expect(initials('  ')).toBe('?');
	});
});

describe('Presence', () => {
	it('lists people from awareness, one entry per person, yourself first', () => {
		const a = new Awareness(new Y.Doc());
		const states = a.getStates();
		a.setLocalStateField('user', { id: 'me', name: 'Zoe', color: '#123456' });
		// Two tabs of Anna and one of Bernat, as they arrive through the provider.
		states.set(101, { user: { id: 'anna', name: 'Anna', color: '#111111' } });
		states.set(102, { user: { id: 'anna', name: 'Anna', color: '#111111' } });
		states.set(103, { user: { id: 'bernat', name: 'Bernat', color: '#222222' } });
		states.set(104, { cursor: null }); // no user: ignored
		const people = new Presence(a).people;
		expect(people.map((p) => p.name)).toEqual(['Zoe', 'Anna', 'Bernat']);
		expect(people[0]!.isSelf).toBe(true);
		expect(people.find((p) => p.id === 'anna')!.connections).toBe(2);
		a.destroy();
	});
});
