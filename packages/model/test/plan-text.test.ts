// Co-written plan text (workspace/004): Y.Text fields that merge character by character, readers that
// still get strings, the migration of the old LWW strings, and bounded growth.
import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import {
	latestVersion,
	MIGRATIONS,
	actionText,
	addAction,
	addHypothesis,
	addObjective,
	getAction,
	getHypothesis,
	hypothesisText,
	kvRead,
	kvWrite,
	listActions,
	listHypotheses,
	listObjectives,
	migrate,
	objectiveText,
	readMeta,
	reviewHypothesis,
	revertMigrations,
	setText,
	textEdit,
	updateAction
} from '../src/index.ts';
import { reopen, size, syncAll } from './helpers.ts';

/** Type `word` one character at a time at the end of `text`, as an input's keystrokes would. */
function typeAtEnd(text: Y.Text, word: string) {
	for (const ch of word) setText(text, text.toString() + ch);
}

describe('co-written text fields', () => {
	it('two people typing in one action title at the same time both keep their words', () => {
		const anna = new Y.Doc();
		const id = addAction(anna, { title: 'Mailing', ownerId: 'anna' });
		const pau = reopen(anna);
		const ta = actionText(anna, id, 'title')!;
		const tp = actionText(pau, id, 'title')!;
		// Interleaved keystrokes, synced after every few (as a network would): Anna appends, Pau writes at
		// the start (each at their own caret; same-spot typing is the e2e test's, with real carets).
		const words = [' to schools', 'Autumn: '];
		for (let i = 0; i < 11; i++) {
			if (i < words[0]!.length) setText(ta, ta.toString() + words[0]![i]);
			if (i < words[1]!.length) {
				const s = tp.toString();
				setText(tp, s.slice(0, i) + words[1]![i] + s.slice(i));
			}
			if (i % 3 === 2) syncAll(anna, pau);
		}
		syncAll(anna, pau);
		const title = getAction(anna, id)!.title;
		expect(title).toBe(getAction(pau, id)!.title);
		expect(title).toBe('Autumn: Mailing to schools');
	});

	it('concurrent edits of a hypothesis statement without any sync in between both survive', () => {
		const a = new Y.Doc();
		const id = addHypothesis(a, { statement: 'We believe that members', type: 'desirability' });
		const b = reopen(a);
		typeAtEnd(hypothesisText(a, id, 'statement')!, ' want training');
		const tb = hypothesisText(b, id, 'statement')!;
		setText(tb, tb.toString().replace('members', 'younger members'));
		syncAll(a, b);
		expect(getHypothesis(a, id)!.statement).toBe('We believe that younger members want training');
		expect(getHypothesis(b, id)!.statement).toBe(getHypothesis(a, id)!.statement);
	});

	it('every text field of a new record has its Y.Text from the start, so nobody races to create one', () => {
		const doc = new Y.Doc();
		const o = addObjective(doc, { title: 'Grow', category: 'captacio' });
		const h = addHypothesis(doc, { statement: 'We believe that co-ops buy', type: 'viability' });
		expect(objectiveText(doc, o, 'description')).toBeInstanceOf(Y.Text);
		expect(hypothesisText(doc, h, 'observed')).toBeInstanceOf(Y.Text);
		// No string copies of them in the KV: one source of truth.
		expect([...kvRead(doc.getArray('plan:objectives')).keys()].filter((k) => k.endsWith('/title'))).toEqual([]);
	});

	it('readers return plain strings and the API writes still validate', () => {
		const doc = new Y.Doc();
		const id = addAction(doc, { title: '  Stand at the fair ', ownerId: 'anna', description: 'Two days' });
		expect(listActions(doc)[0]).toMatchObject({ title: 'Stand at the fair', description: 'Two days' });
		expect(() => updateAction(doc, id, { title: '   ' })).toThrow(/title is required/);
		expect(getAction(doc, id)!.title).toBe('Stand at the fair');
	});

	it('saving a review keeps the learning card exactly as typed live', () => {
		const doc = new Y.Doc();
		const id = addHypothesis(doc, { statement: 'We believe that co-ops buy', type: 'viability' });
		setText(hypothesisText(doc, id, 'observed')!, 'Three of ten bought ');
		setText(hypothesisText(doc, id, 'learned')!, 'Price matters');
		reviewHypothesis(doc, id, { observed: 'Three of ten bought ', learned: 'Price matters', decision: 'pivot' });
		// The trailing space someone is still typing after is not trimmed away by the save.
		expect(hypothesisText(doc, id, 'observed')!.toString()).toBe('Three of ten bought ');
		expect(getHypothesis(doc, id)!.review).toMatchObject({ decision: 'pivot', learning: { learned: 'Price matters' } });
	});

	it('a field edited 1,000 times stays about the size of its text', () => {
		const doc = new Y.Doc();
		const id = addAction(doc, { title: 'Visit', ownerId: 'anna' });
		const t = actionText(doc, id, 'title')!;
		const before = size(doc);
		for (let i = 0; i < 1000; i++) setText(t, i % 2 ? 'Visit the big fair' : 'Visit the small fair');
		// ~0.1 B per edit (the deleted runs of one writer merge); a whole-text replace per save would be far more.
		expect(size(doc) - before).toBeLessThan(300);
	});

	it('textEdit is minimal and never splits an emoji', () => {
		expect(textEdit('abc', 'abXc')).toEqual({ index: 2, remove: 0, insert: 'X' });
		expect(textEdit('a😀b', 'a😃b')).toEqual({ index: 1, remove: 2, insert: '😃' });
		expect(textEdit('same', 'same')).toBeNull();
	});
});

/** A workspace as version 3 wrote it: plan text as LWW strings in the KV. */
function v3Workspace() {
	const doc = new Y.Doc();
	migrate(doc, 'workspace', { migrations: MIGRATIONS.workspace.slice(0, 3) });
	kvWrite(doc.getArray('plan:objectives'), [
		['obj1/title', 'Win 10 customers'],
		['obj1/category', 'captacio'],
		['obj1/kpi', 'New customers'],
		['obj1/createdAt', 1]
	]);
	kvWrite(doc.getArray('plan:actions'), [
		['act1/title', 'Mailing to schools'],
		['act1/description', 'Spring'],
		['act1/ownerId', 'anna'],
		['act1/due', '2027-03-01'],
		['act1/createdAt', 2]
	]);
	kvWrite(doc.getArray('plan:hypotheses'), [
		['hyp1/statement', 'We believe that schools buy local'],
		['hyp1/type', 'desirability'],
		['hyp1/code', 'H1'],
		['hyp1/observed', 'Two did'],
		['hyp1/createdAt', 3]
	]);
	return doc;
}

const plain = (doc: Y.Doc) => ({ o: listObjectives(doc), a: listActions(doc), h: listHypotheses(doc) });

describe('workspace/004-plan-text', () => {
	it('moves the old strings into Y.Texts: readers see the same plan, the KV keeps no text copies', () => {
		const doc = v3Workspace();
		const before = plain(doc);
		expect(before.a[0]!.title).toBe('Mailing to schools');
		// 004, then whatever later migrations exist (005-dafo-strategies writes nothing).
		expect(migrate(doc, 'workspace').applied[0]).toBe('workspace/004-plan-text');
		expect(readMeta(doc).schemaVersion).toBe(latestVersion('workspace'));
		expect(plain(doc)).toEqual(before);
		expect(actionText(doc, 'act1', 'title')!.toString()).toBe('Mailing to schools');
		expect(hypothesisText(doc, 'hyp1', 'observed')!.toString()).toBe('Two did');
		expect(hypothesisText(doc, 'hyp1', 'learned')!.toString()).toBe('');
		expect([...kvRead(doc.getArray('plan:actions')).keys()].sort()).toEqual(['act1/createdAt', 'act1/due', 'act1/ownerId']);
		expect(plain(reopen(doc))).toEqual(before);
	});

	it('is idempotent: a second run changes nothing', () => {
		const doc = v3Workspace();
		migrate(doc, 'workspace');
		const m = MIGRATIONS.workspace.find((x) => x.id === 'workspace/004-plan-text')!;
		const updates: Uint8Array[] = [];
		doc.on('update', (u: Uint8Array) => updates.push(u));
		doc.transact(() => m.up(doc));
		expect(updates).toEqual([]);
		expect(migrate(doc, 'workspace').status).toBe('current');
	});

	it('two replicas migrating the same old document at once converge without doubling any text', () => {
		const a = v3Workspace();
		const b = reopen(a);
		migrate(a, 'workspace');
		migrate(b, 'workspace');
		syncAll(a, b);
		expect(plain(a)).toEqual(plain(b));
		expect(getAction(a, 'act1')!.title).toBe('Mailing to schools');
		expect(getHypothesis(b, 'hyp1')!.statement).toBe('We believe that schools buy local');
	});

	it('down() gives an older reader its strings back, and a later upgrade keeps what it wrote', () => {
		const doc = v3Workspace();
		migrate(doc, 'workspace');
		setText(actionText(doc, 'act1', 'title')!, 'Mailing to all schools');
		revertMigrations(doc, 'workspace', { to: 3 });
		expect(kvRead(doc.getArray('plan:actions')).get('act1/title')).toBe('Mailing to all schools');
		// The older reader changes the string; the next upgrade carries that into the Y.Text.
		kvWrite(doc.getArray('plan:actions'), [['act1/title', 'Mailing to every school']]);
		migrate(doc, 'workspace');
		expect(getAction(doc, 'act1')!.title).toBe('Mailing to every school');
		expect(kvRead(doc.getArray('plan:actions')).has('act1/title')).toBe(false);
	});
});
