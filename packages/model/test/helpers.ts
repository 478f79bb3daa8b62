import * as Y from 'yjs';

/** Two-way full sync between replicas (state-vector diff, like y-protocols sync step 2). */
export function syncAll(...docs: Y.Doc[]) {
	for (const a of docs) for (const b of docs) if (a !== b) Y.applyUpdate(b, Y.encodeStateAsUpdate(a, Y.encodeStateVector(b)), 'remote');
}

/** A fresh replica of `doc` built from its encoded state (what opening a stored document does). */
export function reopen(doc: Y.Doc): Y.Doc {
	const d = new Y.Doc();
	Y.applyUpdate(d, Y.encodeStateAsUpdate(doc));
	return d;
}

export const size = (doc: Y.Doc) => Y.encodeStateAsUpdate(doc).byteLength;

export function paragraph(text: string): Y.XmlElement {
	const p = new Y.XmlElement('paragraph');
	p.insert(0, [new Y.XmlText(text)]);
	return p;
}
