// Remote carets of co-written fields (components/collab/text-cursors.ts): published as relative positions,
// so they stay between the same characters while others edit, and only read for their own field.
import { describe, expect, it } from 'vitest';
import { Awareness, applyAwarenessUpdate, encodeAwarenessUpdate } from 'y-protocols/awareness';
import * as Y from 'yjs';
import { anchorAt, indexOf, publishCursor, remoteCursors } from '../src/lib/components/collab/text-cursors';

function peer(name: string) {
	const doc = new Y.Doc();
	const awareness = new Awareness(doc);
	awareness.setLocalStateField('user', { id: `u-${name}`, name, color: '#1f6f8b' });
	return { doc, awareness, text: doc.getMap<Y.Text>('texts') };
}
const sync = (a: Y.Doc, b: Y.Doc) => {
	Y.applyUpdate(b, Y.encodeStateAsUpdate(a, Y.encodeStateVector(b)));
	Y.applyUpdate(a, Y.encodeStateAsUpdate(b, Y.encodeStateVector(a)));
};
const share = (from: Awareness, to: Awareness) => applyAwarenessUpdate(to, encodeAwarenessUpdate(from, [from.clientID]), 'remote');

describe('remote text cursors', () => {
	it("stay anchored in the text while others type before them, and show only in their field", () => {
		const anna = peer('Anna');
		const pau = peer('Pau');
		anna.text.set('title', new Y.Text('Trucar escoles'));
		sync(anna.doc, pau.doc);
		const ta = anna.text.get('title')!;
		const tp = pau.text.get('title')!;
		publishCursor(anna.awareness, 'action:1:title', ta, { start: 7, end: 14, backward: false }); // "escoles"
		share(anna.awareness, pau.awareness);
		expect(remoteCursors(pau.awareness, 'action:1:title', tp)).toEqual([{ clientId: anna.doc.clientID, userId: 'u-Anna', name: 'Anna', color: '#1f6f8b', anchor: 7, head: 14 }]);
		expect(remoteCursors(pau.awareness, 'action:1:description', tp)).toEqual([]);
		// Pau types before Anna's selection: it moves with "escoles".
		tp.insert(0, 'Avui: ');
		expect(remoteCursors(pau.awareness, 'action:1:title', tp)[0]).toMatchObject({ anchor: 13, head: 20 });
		// My own caret is not among "the others".
		expect(remoteCursors(anna.awareness, 'action:1:title', ta)).toEqual([]);
		// Leaving the field clears it, but only if it still is that field.
		publishCursor(anna.awareness, 'action:1:description', ta, null);
		share(anna.awareness, pau.awareness);
		expect(remoteCursors(pau.awareness, 'action:1:title', tp)).toHaveLength(1);
		publishCursor(anna.awareness, 'action:1:title', ta, null);
		share(anna.awareness, pau.awareness);
		expect(remoteCursors(pau.awareness, 'action:1:title', tp)).toEqual([]);
	});

	it('my caret sticks to the character before it: what another inserts at it goes after, my word stays whole', () => {
		const anna = peer('Anna');
		const pau = peer('Pau');
		anna.text.set('t', new Y.Text('Visit'));
		sync(anna.doc, pau.doc);
		const ta = anna.text.get('t')!;
		const mine = anchorAt(ta, 5);
		pau.text.get('t')!.insert(5, ' fair');
		sync(anna.doc, pau.doc);
		expect(ta.toString()).toBe('Visit fair');
		expect(indexOf(mine, ta)).toBe(5);
	});

	it('ignores malformed states from other clients', () => {
		const anna = peer('Anna');
		const pau = peer('Pau');
		const t = anna.text.set('t', new Y.Text('x'));
		anna.awareness.setLocalStateField('textCursor', { field: 'f', anchor: 'nonsense', head: 42 });
		share(anna.awareness, pau.awareness);
		expect(remoteCursors(pau.awareness, 'f', t)).toEqual([]);
	});
});
