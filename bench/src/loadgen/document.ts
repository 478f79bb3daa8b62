// A realistic large document: a ProseMirror-shaped Y.XmlFragment ('prosemirror') of paragraphs typed
// in runs (sentences) by 20 authors, with some bold marks and deletions (tombstones), so its encoding
// has thousands of structs rather than one big string. Built once per run and cached by size.
import * as Y from 'yjs';

export interface BigDoc {
	/** Updates to send, each at most ~chunkBytes (merged from the per-transaction updates). */
	chunks: Uint8Array[];
	/** Full state as one update and its state vector, for verification. */
	stateBytes: number;
	stateVector: Uint8Array;
	textLength: number;
	structs: number;
}

const cache = new Map<number, BigDoc>();
const WORDS = 'cooperativa assemblea sòcies pla de treball diagnosi economia social governança participació comunicació formació'.split(' ');

/** A seeded PRNG, so every run builds the same document. */
function rng(seed: number) {
	let s = seed >>> 0;
	return () => {
		s = (s + 0x6d2b79f5) >>> 0;
		let t = s;
		t = Math.imul(t ^ (t >>> 15), t | 1);
		t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
		return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
	};
}

export function buildBigDoc(targetBytes: number, chunkBytes = 64 * 1024): BigDoc {
	const cached = cache.get(targetBytes);
	if (cached) return cached;
	const rand = rng(42);
	const doc = new Y.Doc({ gc: true });
	const authors = Array.from({ length: 20 }, (_, i) => 0x7000_0000 + i);
	const updates: Uint8Array[] = [];
	doc.on('update', (u: Uint8Array) => updates.push(u));
	const frag = doc.getXmlFragment('prosemirror');
	const phrase = () => {
		let s = '';
		while (s.length < 100 + rand() * 200) s += WORDS[Math.floor(rand() * WORDS.length)] + ' ';
		return s;
	};
	let bytes = 0;
	let paragraphs = 0;
	while (bytes < targetBytes) {
		doc.clientID = authors[paragraphs % authors.length]!;
		const p = new Y.XmlElement('paragraph');
		const text = new Y.XmlText();
		doc.transact(() => {
			p.insert(0, [text]);
			frag.insert(frag.length, [p]);
		});
		for (let run = 0; run < 4; run++) {
			doc.clientID = authors[Math.floor(rand() * authors.length)]!;
			const s = phrase();
			doc.transact(() => {
				const at = Math.floor(rand() * (text.length + 1));
				text.insert(at, s, rand() < 0.05 ? { bold: true } : undefined);
				if (rand() < 0.1 && text.length > 10) text.delete(Math.floor(rand() * (text.length - 5)), 3);
			});
		}
		paragraphs++;
		if (paragraphs % 20 === 0) bytes = Y.encodeStateAsUpdate(doc).length;
	}
	const chunks: Uint8Array[] = [];
	let batch: Uint8Array[] = [];
	let batchBytes = 0;
	for (const u of updates) {
		batch.push(u);
		batchBytes += u.length;
		if (batchBytes >= chunkBytes) {
			chunks.push(Y.mergeUpdates(batch));
			batch = [];
			batchBytes = 0;
		}
	}
	if (batch.length) chunks.push(Y.mergeUpdates(batch));
	let structs = 0;
	doc.store.clients.forEach((s) => (structs += s.length));
	const out: BigDoc = { chunks, stateBytes: Y.encodeStateAsUpdate(doc).length, stateVector: Y.encodeStateVector(doc), textLength: fragmentTextLength(doc), structs };
	doc.destroy();
	cache.set(targetBytes, out);
	return out;
}

/**
 * `have` holds at least everything in `want` (every client's clock covered). Not equality: a server may
 * add its own changes to a document (Teixit runs doc-model migrations when it loads one).
 */
export const coversStateVector = (have: Uint8Array, want: Uint8Array) => {
	const h = Y.decodeStateVector(have);
	for (const [client, clock] of Y.decodeStateVector(want)) if ((h.get(client) ?? 0) < clock) return false;
	return true;
};

export function fragmentTextLength(doc: Y.Doc): number {
	let n = 0;
	doc.getXmlFragment('prosemirror').forEach((el) => {
		const t = (el as Y.XmlElement).get(0);
		if (t instanceof Y.XmlText) n += t.length;
	});
	return n;
}
