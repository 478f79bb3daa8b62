// Words and filters for the engagement audit page: each recorded action in a readable line, grouped by
// kind for the filter, and the filter itself (person, kind, day range), kept pure so it is easy to test.
import { m } from '$lib/paraglide/messages.js';
import type { AuditEntry } from './api';
import { dateTime, kindLabel } from './labels';

export type AuditGroup = 'history' | 'people' | 'sessions' | 'templates' | 'other';
export const AUDIT_GROUPS: AuditGroup[] = ['history', 'people', 'sessions', 'templates', 'other'];

export function groupOf(action: string): AuditGroup {
	const head = action.split('.')[0];
	if (head === 'history') return 'history';
	if (head === 'invitation' || head === 'member' || head === 'engagement') return 'people';
	if (head === 'session') return 'sessions';
	if (head === 'template') return 'templates';
	return 'other';
}

export const groupLabel = (g: AuditGroup): string =>
	({ history: m.audit_group_history, people: m.audit_group_people, sessions: m.audit_group_sessions, templates: m.audit_group_templates, other: m.audit_group_other })[g]();

const ACTIONS: Record<string, () => string> = {
	'history.name': m.audit_action_history_name,
	'history.rename': m.audit_action_history_rename,
	'history.restore': m.audit_action_history_restore,
	'history.export': m.audit_action_history_export,
	'history.import': m.audit_action_history_import,
	'engagement.create': m.audit_action_engagement_create,
	'invitation.create': m.audit_action_invitation_create,
	'invitation.accept': m.audit_action_invitation_accept,
	'invitation.revoke': m.audit_action_invitation_revoke,
	'member.remove': m.audit_action_member_remove,
	'member.role': m.audit_action_member_role,
	'session.start': m.audit_action_session_start,
	'session.end': m.audit_action_session_end,
	'template.use': m.audit_action_template_use
};

/** The action in words; an action this page does not know yet shows its code. */
export const actionLabel = (action: string): string => ACTIONS[action]?.() ?? action;

const str = (v: unknown): string | null => (typeof v === 'string' && v ? v : null);

/** The detail worth reading (which version, which sections), never raw ids alone. */
export function actionDetail(e: AuditEntry): string {
	const d = e.detail;
	const doc = str(d.docName)?.split('.')[1];
	const docWord = doc === 'workspace' ? m.hist_doc_workspace() : doc === 'facilitation' ? m.hist_doc_facilitation() : null;
	const parts: string[] = [];
	if (docWord) parts.push(docWord);
	if (e.action === 'history.rename') parts.push(m.audit_detail_renamed({ from: str(d.from) ?? '—', to: str(d.to) ?? '—' }));
	else if (e.action === 'history.restore') {
		const label = str(d.versionLabel) ?? (str(d.versionKind) ? `${kindLabel(d.versionKind as string)}${str(d.versionAt) ? ` · ${dateTime(d.versionAt as string)}` : ''}` : null);
		if (label) parts.push(m.audit_detail_version({ label }));
		if (Array.isArray(d.sections) && d.sections.length) parts.push(m.audit_detail_sections({ sections: d.sections.join(', ') }));
	} else if (str(d.label)) parts.push(m.audit_detail_version({ label: d.label as string }));
	return parts.join(' · ');
}

export interface AuditFilter {
	/** '' everyone; '-' the server (no author); else a user id. */
	person: string;
	group: AuditGroup | '';
	/** Inclusive days, YYYY-MM-DD in the viewer's time zone ('' = open). */
	from: string;
	to: string;
}

const localDay = (iso: string) => {
	const d = new Date(iso);
	return `${d.getFullYear()}-${String(d.getMonth() + 1).padStart(2, '0')}-${String(d.getDate()).padStart(2, '0')}`;
};

export function filterAudit(entries: AuditEntry[], f: AuditFilter): AuditEntry[] {
	return entries.filter((e) => {
		if (f.person === '-' ? e.actorId !== null : f.person && e.actorId !== f.person) return false;
		if (f.group && groupOf(e.action) !== f.group) return false;
		const day = localDay(e.at);
		if (f.from && day < f.from) return false;
		if (f.to && day > f.to) return false;
		return true;
	});
}
