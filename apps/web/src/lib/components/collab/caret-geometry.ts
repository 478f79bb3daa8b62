// Pixel boxes of a caret and a selection inside an <input> or <textarea>, which expose no layout of
// their text. The usual way: a hidden "mirror" div with the field's text styles and the same width,
// holding the text with the selection wrapped in a span; the span's client rects are the selection's
// line boxes and a marker at the head is the caret. Coordinates are relative to the field's border box,
// already shifted by its scroll.
const COPIED = [
	'boxSizing',
	'width',
	'paddingTop',
	'paddingRight',
	'paddingBottom',
	'paddingLeft',
	'borderTopWidth',
	'borderRightWidth',
	'borderBottomWidth',
	'borderLeftWidth',
	'borderStyle',
	'fontFamily',
	'fontSize',
	'fontWeight',
	'fontStyle',
	'fontVariant',
	'fontStretch',
	'lineHeight',
	'letterSpacing',
	'wordSpacing',
	'textTransform',
	'textIndent',
	'tabSize'
] as const;

export interface Box {
	left: number;
	top: number;
	width: number;
	height: number;
}

export interface CaretGeometry {
	caret: Box;
	selection: Box[];
}

let mirror: HTMLDivElement | null = null;

export function caretGeometry(field: HTMLInputElement | HTMLTextAreaElement, start: number, end: number, head: number): CaretGeometry {
	mirror ??= document.body.appendChild(document.createElement('div'));
	mirror.setAttribute('aria-hidden', 'true');
	const cs = getComputedStyle(field);
	const st = mirror.style;
	for (const k of COPIED) st[k] = cs[k];
	st.position = 'absolute';
	st.visibility = 'hidden';
	st.top = '0';
	st.left = '-9999px';
	st.overflow = 'hidden';
	const multiline = field instanceof HTMLTextAreaElement;
	st.whiteSpace = multiline ? 'pre-wrap' : 'pre';
	st.overflowWrap = multiline ? 'break-word' : 'normal';
	// A textarea's scrollbar narrows its text box.
	if (multiline) st.width = `${field.clientWidth + parseFloat(cs.borderLeftWidth) + parseFloat(cs.borderRightWidth)}px`;
	st.height = 'auto';

	const value = field.value;
	const before = document.createTextNode(value.slice(0, start));
	const sel = document.createElement('span');
	sel.textContent = value.slice(start, end);
	const marker = document.createElement('span');
	marker.textContent = '\u200b';
	const after = document.createTextNode(value.slice(end) || ' ');
	mirror.replaceChildren(before, ...(head === start ? [marker, sel] : [sel, marker]), after);

	const origin = mirror.getBoundingClientRect();
	const dx = -origin.left - field.scrollLeft;
	const dy = -origin.top - field.scrollTop;
	const m = marker.getBoundingClientRect();
	const lineHeight = parseFloat(cs.lineHeight) || m.height || parseFloat(cs.fontSize) * 1.2;
	const caret = { left: m.left + dx, top: m.top + dy + (m.height - lineHeight) / 2, width: 2, height: lineHeight };
	const selection = end > start ? [...sel.getClientRects()].filter((r) => r.width > 0).map((r) => ({ left: r.left + dx, top: r.top + dy, width: r.width, height: r.height })) : [];
	if (!multiline) {
		// An input centres its one line vertically, whatever its height.
		const top = (field.offsetHeight - lineHeight) / 2;
		caret.top = top;
		for (const b of selection) b.top = top + (lineHeight - b.height) / 2;
	}
	return { caret, selection };
}
