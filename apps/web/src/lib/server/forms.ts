// Small helpers for form actions: read fields, and turn domain validation errors into localised field errors.
import type { DomainError } from '@teixit/core';
import { m } from '$lib/paraglide/messages.js';

export type FieldErrors = Record<string, string>;

export type FormFailure = {
	/** Localised message per field name, shown next to the field. */
	errors?: FieldErrors;
	/** A form-level message. */
	message?: string;
	/** Values to refill the form with (never passwords). */
	values?: Record<string, string>;
	/** Which form on the page failed, when a page has several. */
	form?: string;
};

export function text(fd: FormData, key: string): string {
	const v = fd.get(key);
	return typeof v === 'string' ? v.trim() : '';
}

/** Raw value (passwords must not be trimmed). */
export function raw(fd: FormData, key: string): string {
	const v = fd.get(key);
	return typeof v === 'string' ? v : '';
}

export const isEmail = (s: string) => /^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(s) && s.length <= 254;

/** The fields core's schema validation rejected (`details.fields[].path` like "/email"). */
export function fieldsOf(e: DomainError): string[] {
	const fields = (e.details?.fields ?? []) as { path?: string }[];
	return fields.map((f) => (f.path ?? '').replace(/^\//, '').split('/')[0] ?? '').filter(Boolean);
}

/** Localised errors for the fields core rejected, using `messages[field]` or a generic one. */
export function fieldErrorsFrom(e: DomainError, messages: Record<string, () => string>): FieldErrors {
	const errors: FieldErrors = {};
	for (const f of fieldsOf(e)) errors[f] = (messages[f] ?? m.form_has_errors)();
	return errors;
}

export const hasErrors = (errors: FieldErrors) => Object.keys(errors).length > 0;
