// Labels for stable keys (roles, phases, languages) and locale-aware dates.
import { m } from '$lib/paraglide/messages.js';
import { getLocale, locales, type Locale } from '$lib/paraglide/runtime';

export const roles = ['facilitator', 'member', 'observer'] as const;
export type Role = (typeof roles)[number];

export { locales, type Locale };

export function roleLabel(role: string): string {
	switch (role) {
		case 'facilitator':
			return m.role_facilitator();
		case 'member':
			return m.role_member();
		case 'observer':
			return m.role_observer();
		default:
			return role;
	}
}

export function roleLongLabel(role: string): string {
	switch (role) {
		case 'facilitator':
			return m.role_facilitator_long();
		case 'member':
			return m.role_member_long();
		case 'observer':
			return m.role_observer_long();
		default:
			return role;
	}
}

export function phaseLabel(phase: string): string {
	switch (phase) {
		case 'autodiagnosi':
			return m.phase_autodiagnosi();
		case 'planificacio':
			return m.phase_planificacio();
		case 'execucio':
			return m.phase_execucio();
		case 'revisio':
			return m.phase_revisio();
		case 'tancat':
			return m.phase_tancat();
		default:
			return phase;
	}
}

/** A language's name in the current UI language. */
export function languageName(locale: string): string {
	switch (locale) {
		case 'ca':
			return m.language_name_ca();
		case 'es':
			return m.language_name_es();
		case 'en':
			return m.language_name_en();
		default:
			return locale;
	}
}

/** A language's name in itself (for the switcher, so people find their own language). */
export const endonym: Record<Locale, string> = { ca: 'Català', es: 'Castellano', en: 'English' };

/** YYYY-MM-DD (a calendar date, no time zone) → "1 de gen. 2026". */
export function formatDate(isoDate: string): string {
	const d = new Date(`${isoDate.slice(0, 10)}T12:00:00Z`);
	if (Number.isNaN(d.getTime())) return isoDate;
	return new Intl.DateTimeFormat(getLocale(), { dateStyle: 'medium', timeZone: 'UTC' }).format(d);
}

/** An ISO instant → date and time in the viewer's zone. */
export function formatDateTime(iso: string | Date): string {
	const d = typeof iso === 'string' ? new Date(iso) : iso;
	if (Number.isNaN(d.getTime())) return String(iso);
	return new Intl.DateTimeFormat(getLocale(), { dateStyle: 'medium', timeStyle: 'short' }).format(d);
}

export function formatDateRange(start: string, end: string): string {
	return m.date_range({ start: formatDate(start), end: formatDate(end) });
}
