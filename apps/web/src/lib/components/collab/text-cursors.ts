// Where each person's caret and selection is in a co-written text field, shared through awareness.
//
// My state: `textCursor: { field, anchor, head }`, the two ends as Y.RelativePositions (JSON), so that a
// caret stays between the same two characters while others insert or delete before it; absolute
// offsets would drift. One field at a time (a person has one caret); null when no field is focused.
import * as Y from 'yjs';
import type { Awareness } from 'y-protocols/awareness';

export const CURSOR_KEY = 'textCursor';

interface CursorState {
	field: string;
	anchor: unknown;
	head: unknown;
}

export interface RemoteCursor {
	clientId: number;
	userId: string;
	name: string;
	color: string;
	/** Absolute offsets in the text now; anchor may be after head (a backwards selection). */
	anchor: number;
	head: number;
}

const isCursor = (v: unknown): v is CursorState => !!v && typeof v === 'object' && typeof (v as CursorState).field === 'string';

/** Publish my selection in `field` (offsets in `text`), or clear it with null. */
export function publishCursor(awareness: Awareness, field: string, text: Y.Text, sel: { start: number; end: number; backward: boolean } | null): void {
	const current = awareness.getLocalState()?.[CURSOR_KEY] as unknown;
	if (!sel) {
		// Only clear my own field's caret: focus may already have moved to another field.
		if (isCursor(current) && current.field === field) awareness.setLocalStateField(CURSOR_KEY, null);
		return;
	}
	const [a, h] = sel.backward ? [sel.end, sel.start] : [sel.start, sel.end];
	const next: CursorState = {
		field,
		anchor: Y.relativePositionToJSON(anchorAt(text, a)),
		head: Y.relativePositionToJSON(anchorAt(text, h))
	};
	if (isCursor(current) && JSON.stringify(current) === JSON.stringify(next)) return;
	awareness.setLocalStateField(CURSOR_KEY, next);
}

function absolute(doc: Y.Doc, json: unknown, text: Y.Text): number | null {
	try {
		const pos = Y.createAbsolutePositionFromRelativePosition(Y.createRelativePositionFromJSON(json), doc);
		return pos && pos.type === text ? pos.index : null;
	} catch {
		return null; // a malformed state from another client: ignore it
	}
}

/** The others' carets in `field`, resolved against `text` as it is now. */
export function remoteCursors(awareness: Awareness, field: string, text: Y.Text): RemoteCursor[] {
	const doc = text.doc;
	if (!doc) return [];
	const out: RemoteCursor[] = [];
	for (const [clientId, s] of awareness.getStates()) {
		if (clientId === awareness.clientID) continue;
		const c = s[CURSOR_KEY] as unknown;
		const u = s.user as { id?: unknown; name?: unknown; color?: unknown } | undefined;
		if (!isCursor(c) || c.field !== field || !u || typeof u.id !== 'string' || typeof u.name !== 'string') continue;
		const anchor = absolute(doc, c.anchor, text);
		const head = absolute(doc, c.head, text);
		if (anchor === null || head === null) continue;
		out.push({ clientId, userId: u.id, name: u.name, color: typeof u.color === 'string' ? u.color : '#545c59', anchor, head });
	}
	return out;
}

/** A position in `text` that moves with the text. assoc -1: it sticks to the character before it, so
 *  what someone else inserts right at a caret goes after it and the word being typed stays whole. */
export const anchorAt = (text: Y.Text, index: number) => Y.createRelativePositionFromTypeIndex(text, index, -1);
export function indexOf(pos: Y.RelativePosition, text: Y.Text): number | null {
	const abs = text.doc ? Y.createAbsolutePositionFromRelativePosition(pos, text.doc) : null;
	return abs && abs.type === text ? abs.index : null;
}
