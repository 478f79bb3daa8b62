// Co-written text: a Y.Text changed by the smallest edit that turns its content into a new value.
//
// Why minimal edits: replacing the whole text on each keystroke would turn two people typing at once into
// "last keystroke wins" (each replace deletes the other's characters) and leave one tombstone run per
// save. Keeping the common prefix and suffix makes each save the insert/delete the person actually typed,
// which merges character by character, and the deleted runs of one writer merge into one tombstone
// (gc: true), so a field edited thousands of times stays about the size of its text (test/growth.test.ts).
import type * as Y from 'yjs';

const isHighSurrogate = (c: number) => c >= 0xd800 && c <= 0xdbff;
const isLowSurrogate = (c: number) => c >= 0xdc00 && c <= 0xdfff;

/** The edit that turns `old` into `next`: delete `remove` characters at `index`, then insert `insert`. */
export function textEdit(old: string, next: string): { index: number; remove: number; insert: string } | null {
	if (old === next) return null;
	let start = 0;
	while (start < old.length && start < next.length && old.charCodeAt(start) === next.charCodeAt(start)) start++;
	// Never split a surrogate pair (an emoji): back up to its first half.
	if (start > 0 && isHighSurrogate(old.charCodeAt(start - 1))) start--;
	let end = 0;
	while (end < old.length - start && end < next.length - start && old.charCodeAt(old.length - 1 - end) === next.charCodeAt(next.length - 1 - end)) end++;
	if (end > 0 && isLowSurrogate(old.charCodeAt(old.length - end))) end--;
	return { index: start, remove: old.length - start - end, insert: next.slice(start, next.length - end) };
}

/** Make `text` read `value` with a minimal edit. Call inside the caller's transaction to group it. */
export function setText(text: Y.Text, value: string): void {
	const edit = textEdit(text.toString(), value);
	if (!edit) return;
	const apply = () => {
		if (edit.remove > 0) text.delete(edit.index, edit.remove);
		if (edit.insert) text.insert(edit.index, edit.insert);
	};
	if (text.doc) text.doc.transact(apply);
	else apply();
}
