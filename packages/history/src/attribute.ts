// Who changed which section between two versions: the log rows in between are replayed on the older state
// and each row's changed types are traced up to their root. Rows written by the server itself (userId null:
// published anonymous results, migrations) are counted as "system", never as a person.
import * as Y from 'yjs';
import { HIDDEN_ROOTS } from './sections.ts';

export interface LogRow {
	seq: number;
	update: Uint8Array;
	userId: string | null;
	at: Date | number;
}

export interface SectionAuthors {
	/** Section name → author id ('' for the system) → number of log rows that touched it. */
	bySection: Map<string, Map<string, number>>;
	/** Rows replayed. */
	rows: number;
}

export const SYSTEM_AUTHOR = '';

function rootName(doc: Y.Doc, type: Y.AbstractType<any>, names: Map<Y.AbstractType<any>, string>): string | null {
	let t: Y.AbstractType<any> = type;
	while (t._item) t = t._item.parent as Y.AbstractType<any>;
	if (!names.has(t)) for (const [n, r] of doc.share) names.set(r, n);
	return names.get(t) ?? null;
}

export function attributeRows(baseState: Uint8Array | null, rows: readonly LogRow[]): SectionAuthors {
	const doc = new Y.Doc({ gc: false });
	if (baseState && baseState.length > 0) Y.applyUpdate(doc, baseState);
	const bySection = new Map<string, Map<string, number>>();
	const names = new Map<Y.AbstractType<any>, string>();
	let author = SYSTEM_AUTHOR;
	doc.on('afterTransaction', (tr: Y.Transaction) => {
		const touched = new Set<string>();
		for (const type of tr.changed.keys()) {
			const name = rootName(doc, type as Y.AbstractType<any>, names);
			if (name !== null && !HIDDEN_ROOTS.has(name)) touched.add(name);
		}
		for (const name of touched) {
			let m = bySection.get(name);
			if (!m) bySection.set(name, (m = new Map()));
			m.set(author, (m.get(author) ?? 0) + 1);
		}
	});
	for (const row of rows) {
		author = row.userId ?? SYSTEM_AUTHOR;
		Y.applyUpdate(doc, row.update);
	}
	doc.destroy();
	return { bySection, rows: rows.length };
}
