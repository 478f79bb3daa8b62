// Client-side helpers for progressively enhanced forms (use:enhance).
import type { SubmitFunction } from '@sveltejs/kit';
import { tick } from 'svelte';

export interface EnhanceOptions {
	/** Disable the submit button while the request runs. */
	busy?: (busy: boolean) => void;
	/**
	 * For forms that sign someone in (login, setup, invitations): follow the redirect with a full page load,
	 * because the session and possibly the language change, so the layout, <html lang> and every message
	 * must start fresh rather than navigate client-side.
	 */
	reloadOnRedirect?: boolean;
}

/** After a failed submit, move focus to the first invalid field (or the form's alert), so it is announced. */
async function focusProblem(form: HTMLFormElement) {
	await tick();
	const target = form.querySelector<HTMLElement>('[aria-invalid="true"]') ?? form.parentElement?.querySelector<HTMLElement>('[role="alert"]');
	if (!target) return;
	if (!target.matches('input, select, textarea, button')) target.setAttribute('tabindex', '-1');
	target.focus();
}

export function enhanceForm(opts: EnhanceOptions = {}): SubmitFunction {
	return ({ formElement }) => {
		opts.busy?.(true);
		return async ({ result, update }) => {
			if (opts.reloadOnRedirect && result.type === 'redirect') {
				window.location.assign(result.location);
				return;
			}
			// Keep what was typed when it failed; clear it (passwords, token names) when it worked.
			await update({ reset: result.type === 'success' });
			opts.busy?.(false);
			if (result.type === 'failure') await focusProblem(formElement);
		};
	};
}
