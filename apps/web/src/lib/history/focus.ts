// Moves keyboard focus into an element when it appears (confirmation dialogs), so keyboard and screen
// reader users land on the question they have to answer.
export function focusOnMount(node: HTMLElement) {
	queueMicrotask(() => node.focus());
}
