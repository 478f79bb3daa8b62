// Pure rules: document access, doc names, dates, throttling.
import { describe, expect, it } from 'vitest';
import { accessFor, documentsFor, parseDocName, privateDocName, workspaceDocName } from '../src/documents.ts';
import { plusTwelveMonths } from '../src/engagements.ts';
import { FailureThrottle } from '../src/throttle.ts';

describe('document names', () => {
	it('round-trips the three kinds and rejects anything else', () => {
		expect(parseDocName(workspaceDocName('abc123'))).toEqual({ name: 'abc123.workspace', engagementId: 'abc123', kind: 'workspace', userId: undefined });
		expect(parseDocName(privateDocName('abc', 'u1'))).toMatchObject({ kind: 'private', userId: 'u1' });
		for (const bad of ['', 'abc', 'abc.notes', 'abc.private', 'abc.workspace.u1', 'ABC.workspace', '../x.workspace', 'a b.workspace', 'abc.private.u1.extra'])
			expect(parseDocName(bad), bad).toBeNull();
	});
});

describe('access rule', () => {
	const ws = parseDocName('e1.workspace')!;
	const fac = parseDocName('e1.facilitation')!;
	const mine = parseDocName('e1.private.me')!;
	const results = parseDocName('e1.results')!;
	it('workspace: facilitators and members write, observers read', () => {
		expect(accessFor('facilitator', 'me', ws)).toBe('write');
		expect(accessFor('member', 'me', ws)).toBe('write');
		expect(accessFor('observer', 'me', ws)).toBe('read');
	});
	it('facilitation: only facilitators write', () => {
		expect(accessFor('facilitator', 'me', fac)).toBe('write');
		expect(accessFor('member', 'me', fac)).toBe('read');
		expect(accessFor('observer', 'me', fac)).toBe('read');
	});
	it('results: everyone reads, nobody writes (the server alone does)', () => {
		expect(results).toMatchObject({ kind: 'results', engagementId: 'e1' });
		for (const role of ['facilitator', 'member', 'observer'] as const) expect(accessFor(role, 'me', results)).toBe('read');
		expect(parseDocName('e1.results.me')).toBeNull();
	});
	it('private: the owner alone, never the facilitator', () => {
		expect(accessFor('member', 'me', mine)).toBe('write');
		expect(accessFor('facilitator', 'someone-else', mine)).toBeNull();
		expect(accessFor('observer', 'me', mine)).toBeNull();
	});
	it('lists what a role sees', () => {
		expect(documentsFor('e1', 'observer', 'me').map((d) => `${d.kind}:${d.access}`)).toEqual(['workspace:read', 'facilitation:read', 'results:read']);
		expect(documentsFor('e1', 'member', 'me').map((d) => `${d.kind}:${d.access}`)).toEqual(['workspace:write', 'facilitation:read', 'results:read', 'private:write']);
	});
});

describe('plusTwelveMonths', () => {
	it.each([
		['2026-01-15', '2027-01-15'],
		['2026-12-31', '2027-12-31'],
		['2028-02-29', '2029-02-28'],
		['2027-03-01', '2028-03-01']
	])('%s -> %s', (from, to) => expect(plusTwelveMonths(from)).toBe(to));
});

describe('FailureThrottle', () => {
	it('allows max failures per window, then reports the wait until the oldest expires', () => {
		let now = 1_000_000;
		const t = new FailureThrottle({ max: 3, windowMs: 60_000 }, () => now);
		for (let i = 0; i < 3; i++) {
			expect(t.retryAfter('k')).toBe(0);
			t.fail('k');
			now += 1000;
		}
		expect(t.retryAfter('k')).toBe(57_000);
		expect(t.retryAfter('other')).toBe(0);
		now += 57_000;
		expect(t.retryAfter('k')).toBe(0);
		t.fail('k');
		t.reset('k');
		expect(t.retryAfter('k')).toBe(0);
	});
});
