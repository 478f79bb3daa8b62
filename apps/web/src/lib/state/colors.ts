// A stable colour per user (carets, avatars). Hex, because Tiptap's caret accepts only #rrggbb, and dark
// enough for white text (contrast >= 4.5:1).
const PALETTE = ['#1f6f8b', '#8a3b12', '#5b3f99', '#1b7a4b', '#a3324f', '#6b5a00', '#2d5aa8', '#8c2f8c', '#3d6b35', '#b03a2e', '#0f6e6e', '#6d4c41'];

export function colorFor(userId: string): string {
	let h = 2166136261;
	for (let i = 0; i < userId.length; i++) {
		h ^= userId.charCodeAt(i);
		h = Math.imul(h, 16777619);
	}
	return PALETTE[(h >>> 0) % PALETTE.length]!;
}

/** "Maria Puig i Soler" → "MP"; one word → its first two letters. */
export function initials(name: string): string {
	const words = name.trim().split(/\s+/).filter((w) => w.length > 0 && !/^(i|y|de|del|la|el|and)$/i.test(w));
	if (words.length === 0) return '?';
	if (words.length === 1) return Array.from(words[0]!).slice(0, 2).join('').toUpperCase();
	return (Array.from(words[0]!)[0]! + Array.from(words[words.length - 1]!)[0]!).toUpperCase();
}
