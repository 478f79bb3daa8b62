// Words for versions and people in the history pages.
import { m } from '$lib/paraglide/messages.js';
import { getLocale } from '$lib/paraglide/runtime';
import type { Version } from './api';

export function kindLabel(kind: string): string {
	switch (kind) {
		case 'auto':
			return m.hist_kind_auto();
		case 'session':
			return m.hist_kind_session();
		case 'named':
			return m.hist_kind_named();
		case 'restore':
			return m.hist_kind_restore();
		case 'imported':
			return m.hist_kind_imported();
		default:
			return kind;
	}
}

/** A person's name; the server's own changes (published anonymous results) are never a person. */
export function personName(userId: string | null, people: Record<string, string>): string {
	if (userId === null) return m.hist_system();
	return people[userId] ?? m.hist_unknown_person();
}

export const dateTime = (iso: string) => new Intl.DateTimeFormat(getLocale(), { dateStyle: 'medium', timeStyle: 'short' }).format(new Date(iso));
export const time = (iso: string) => new Intl.DateTimeFormat(getLocale(), { timeStyle: 'short' }).format(new Date(iso));
export const date = (iso: string) => new Intl.DateTimeFormat(getLocale(), { dateStyle: 'long' }).format(new Date(iso));

/** What a version is called in lists: its name, or its kind and time. */
export function versionTitle(v: Version): string {
	if (v.label && v.kind !== 'session') return v.label;
	return `${kindLabel(v.kind)} · ${dateTime(v.createdAt)}`;
}
