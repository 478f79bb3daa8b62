// Run a board write; a thrown error goes to `onerror` in the UI language (plan/labels anyErrorText),
// never as the model's English message.
import { anyErrorText } from '$lib/plan/labels';

export function attempter(onerror: (message: string) => void) {
	return (fn: () => void): boolean => {
		try {
			fn();
			return true;
		} catch (e) {
			onerror(anyErrorText(e));
			return false;
		}
	};
}
