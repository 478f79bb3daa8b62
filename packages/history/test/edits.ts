// Random multi-client edit sequences over every kind of section, for the property tests.
import * as Y from 'yjs';
import fc from 'fast-check';
import { kvWrite } from '@teixit/model';

export type Edit =
	| { t: 'para'; client: number; at: number; text: string; section: string }
	| { t: 'type'; client: number; at: number; pos: number; text: string; section: string }
	| { t: 'bold'; client: number; at: number }
	| { t: 'delpara'; client: number; at: number; section: string }
	| { t: 'kv'; client: number; key: string; value: number }
	| { t: 'map'; client: number; key: string; value: string | null }
	| { t: 'mapList'; client: number; key: string; item: string }
	| { t: 'text'; client: number; pos: number; text: string; del: number }
	| { t: 'array'; client: number; item: number }
	| { t: 'sync'; a: number; b: number };

const word = fc.stringMatching(/^[a-zà-ú ]{1,8}$/);
const notes = fc.constantFrom('notes', 'notes:r1:D1.1', 'notes:r1:D2.3');

export const editArb = (clients: number): fc.Arbitrary<Edit> => {
	const c = fc.integer({ min: 0, max: clients - 1 });
	return fc.oneof(
		fc.record({ t: fc.constant('para' as const), client: c, at: fc.nat(), text: word, section: notes }),
		fc.record({ t: fc.constant('type' as const), client: c, at: fc.nat(), pos: fc.nat(), text: word, section: notes }),
		fc.record({ t: fc.constant('bold' as const), client: c, at: fc.nat() }),
		fc.record({ t: fc.constant('delpara' as const), client: c, at: fc.nat(), section: notes }),
		fc.record({ t: fc.constant('kv' as const), client: c, key: fc.constantFrom('agreed/r1/D1.1', 'agreed/r1/D1.2', 'step'), value: fc.integer({ min: 1, max: 5 }) }),
		fc.record({ t: fc.constant('map' as const), client: c, key: fc.constantFrom('s1', 's2', 'w1'), value: fc.option(word, { nil: null }) }),
		fc.record({ t: fc.constant('mapList' as const), client: c, key: fc.constantFrom('cards', 'more'), item: word }),
		fc.record({ t: fc.constant('text' as const), client: c, pos: fc.nat(), text: word, del: fc.nat({ max: 3 }) }),
		fc.record({ t: fc.constant('array' as const), client: c, item: fc.integer() }),
		fc.record({ t: fc.constant('sync' as const), a: c, b: c })
	);
};

export function sync(a: Y.Doc, b: Y.Doc) {
	Y.applyUpdate(b, Y.encodeStateAsUpdate(a, Y.encodeStateVector(b)));
	Y.applyUpdate(a, Y.encodeStateAsUpdate(b, Y.encodeStateVector(a)));
}

export function apply(docs: Y.Doc[], e: Edit, now: number) {
	if (e.t === 'sync') return sync(docs[e.a]!, docs[e.b]!);
	const doc = docs[e.client]!;
	switch (e.t) {
		case 'para': {
			const f = doc.getXmlFragment(e.section);
			const p = new Y.XmlElement('paragraph');
			p.insert(0, [new Y.XmlText(e.text)]);
			f.insert(e.at % (f.length + 1), [p]);
			return;
		}
		case 'type': {
			const f = doc.getXmlFragment(e.section);
			if (f.length === 0) return;
			const p = f.get(e.at % f.length);
			if (!(p instanceof Y.XmlElement) || p.length === 0) return;
			const t = p.get(0);
			if (t instanceof Y.XmlText) t.insert(e.pos % (t.length + 1), e.text);
			return;
		}
		case 'bold': {
			const f = doc.getXmlFragment('notes');
			if (f.length === 0) return;
			const p = f.get(e.at % f.length);
			const t = p instanceof Y.XmlElement ? p.get(0) : null;
			if (t instanceof Y.XmlText && t.length > 0) t.format(0, Math.min(2, t.length), { bold: true });
			return;
		}
		case 'delpara': {
			const f = doc.getXmlFragment(e.section);
			if (f.length > 0) f.delete(e.at % f.length, 1);
			return;
		}
		case 'kv':
			kvWrite(doc.getArray('control'), [[e.key, e.value]], { now });
			return;
		case 'map': {
			const m = doc.getMap<unknown>('dafo');
			if (e.value === null) m.delete(e.key);
			else m.set(e.key, e.value);
			return;
		}
		case 'mapList': {
			const m = doc.getMap<unknown>('dafo');
			let arr = m.get(e.key);
			if (!(arr instanceof Y.Array)) m.set(e.key, (arr = new Y.Array<string>()));
			(arr as Y.Array<string>).push([e.item]);
			return;
		}
		case 'text': {
			const t = doc.getText('minutes');
			const pos = e.pos % (t.length + 1);
			t.delete(pos, Math.min(e.del, t.length - pos));
			t.insert(pos, e.text);
			return;
		}
		case 'array':
			doc.getArray<number>('history').push([e.item]);
			return;
	}
}
