// Client-side helpers for progressively enhanced forms.
import type { SubmitFunction } from '@sveltejs/kit';

/**
 * For forms that sign someone in (login, setup, invitations): follow the redirect with a full page load.
 * The session and possibly the language change, so the whole app (layout, <html lang>, messages) must
 * start fresh rather than navigate client-side.
 */
export function enhanceWithReload(setBusy: (busy: boolean) => void): SubmitFunction {
	return () => {
		setBusy(true);
		return async ({ result, update }) => {
			if (result.type === 'redirect') {
				window.location.assign(result.location);
				return;
			}
			await update({ reset: false });
			setBusy(false);
		};
	};
}
