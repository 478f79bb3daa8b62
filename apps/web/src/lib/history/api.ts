// The browser's calls to the history API (/api/v1/engagements/:id/history/:doc), same origin, session
// cookie. Errors come back as the API's { error: { code, message } } and are thrown as HistoryApiError.
export type HistoryDoc = 'workspace' | 'facilitation';

export interface Version {
	id: string;
	seq: number;
	kind: 'auto' | 'session' | 'named' | 'restore' | 'imported' | string;
	label: string | null;
	authorId: string | null;
	createdAt: string;
	restoredFrom: { id: string; label: string | null; kind: string; createdAt: string } | null;
}
export interface Person {
	userId: string | null;
	updates: number;
}
export interface Timeline {
	docName: string;
	access: 'read' | 'write';
	lastSeq: number;
	people: Record<string, string>;
	versions: Version[];
	groups: {
		session: { id: string; startedAt: string; endedAt: string | null } | null;
		start: string;
		end: string;
		bursts: { start: string; end: string; firstSeq: number; lastSeq: number; people: Person[] }[];
		versions: Version[];
	}[];
}
export type SectionView =
	| { kind: 'map' | 'kv'; entries: Record<string, unknown> }
	| { kind: 'array'; items: unknown[] }
	| { kind: 'xml'; blocks: string[]; xml: string }
	| { kind: 'text'; text: string };
export interface OpenedVersion {
	docName: string;
	ref: string;
	seq: number;
	version: Version | null;
	migratedFrom: number | null;
	sections: { name: string; label: string; kind: string; view: SectionView }[];
}
export interface Snapshot {
	docName: string;
	ref: string;
	seq: number;
	/** When the version was taken (null: live). */
	at: string | null;
	/** base64 Yjs updates: the version, the other shared document at that moment, the results now. */
	states: { workspace: string; facilitation: string; results: string };
}
export interface AuditEntry {
	at: string;
	actorId: string | null;
	action: string;
	detail: Record<string, unknown>;
}
export interface Audit {
	people: Record<string, string>;
	entries: AuditEntry[];
	activity: { userId: string | null; docName: string; updates: number; first: string; last: string }[];
}
export interface Comparison {
	from: { ref: string; seq: number };
	to: { ref: string; seq: number };
	attributionComplete: boolean;
	people: Record<string, string>;
	sections: {
		name: string;
		label: string;
		kind: string;
		status: 'added' | 'removed' | 'changed';
		entries?: { op: 'added' | 'removed' | 'changed'; key: string; before?: unknown; after?: unknown }[];
		items?: { added: unknown[]; removed: unknown[] };
		text?: { op: '=' | '+' | '-'; text: string }[];
		formattingOnly?: boolean;
		authors: Person[];
	}[];
}

export class HistoryApiError extends Error {
	constructor(
		readonly status: number,
		readonly code: string,
		message: string
	) {
		super(message);
	}
}

async function call<T>(method: string, path: string, body?: unknown): Promise<T> {
	const res = await fetch(`/api/v1${path}`, {
		method,
		headers: body === undefined ? { accept: 'application/json' } : { accept: 'application/json', 'content-type': 'application/json' },
		body: body === undefined ? undefined : JSON.stringify(body)
	});
	const json = (await res.json().catch(() => null)) as { error?: { code: string; message: string } } | null;
	if (!res.ok) throw new HistoryApiError(res.status, json?.error?.code ?? 'error', json?.error?.message ?? res.statusText);
	return json as T;
}

export function historyApi(engagementId: string, doc: HistoryDoc) {
	const base = `/engagements/${encodeURIComponent(engagementId)}/history/${doc}`;
	const q = (o: Record<string, string>) => new URLSearchParams(o).toString();
	return {
		timeline: () => call<Timeline>('GET', base),
		snapshot: (ref: string) => call<Snapshot>('GET', `${base}/snapshot?${q({ ref })}`),
		open: (ref: string, locale: string) => call<OpenedVersion>('GET', `${base}/open?${q({ ref, locale })}`),
		compare: (from: string, to: string, locale: string) => call<Comparison>('GET', `${base}/compare?${q({ from, to, locale })}`),
		name: (label: string) => call<Version>('POST', `${base}/versions`, { label }),
		rename: (id: string, label: string) => call<Version>('PATCH', `${base}/versions/${id}`, { label }),
		restore: (id: string, sections?: string[]) => call<{ restore: Version; changedSections: string[] }>('POST', `${base}/versions/${id}/restore`, sections ? { sections } : {}),
		exportUrl: (id: string) => `/api/v1${base}/versions/${id}/export`,
		importFile: (file: unknown) => call<Version>('POST', `${base}/import`, file)
	};
}

/** The engagement's audit (facilitators; the API refuses anyone else). */
export const auditApi = (engagementId: string, limit = 1000) => call<Audit>('GET', `/engagements/${encodeURIComponent(engagementId)}/audit?limit=${limit}`);
