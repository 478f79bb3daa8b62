// Version history of an engagement's shared documents, with the access rules: members and observers read
// the history of the documents they can read; only writers name, rename, restore and import. Private
// documents (`${E}.private.*`) are not addressable here at all: the API takes a document kind, and only
// 'workspace' and 'facilitation' exist, so not even their existence shows.
import * as Y from 'yjs';
import { desc, eq, inArray } from 'drizzle-orm';
import { auditLog, users, workshopSessions } from '@teixit/db';
import { accessFor, DomainError, facilitationDocName, parseDocName, resultsDocName, workspaceDocName, type Core, type User } from '@teixit/core';
import {
	attributeRows,
	buildTimeline,
	checkpointsToPrune,
	compareSections,
	exportVersion,
	ImportError,
	materializeDoc,
	openVersion,
	parseExport,
	readSections,
	restoreInto,
	sectionLabel,
	SYSTEM_AUTHOR,
	type Section
} from '@teixit/history';
import type { Locale } from '@teixit/model';
import type { SyncServer } from '@teixit/sync';
import type { HistoryChange } from './events.ts';
import type { HistoryStore, VersionKind, VersionRow } from './store.ts';

export const HISTORY_DOCS = ['workspace', 'facilitation'] as const;
export type HistoryDoc = (typeof HISTORY_DOCS)[number];

/** Sections the server owns (published anonymous results): recomputed by the server, never restored by a
 *  person, so a restore cannot put a person's name on them. */
const SERVER_OWNED: Record<HistoryDoc, readonly string[]> = { workspace: [], facilitation: ['published'] };
/** Most log rows replayed to say who changed what between two versions. */
const ATTRIBUTION_ROWS = 20_000;

const docNameOf = (engagementId: string, doc: HistoryDoc) => (doc === 'workspace' ? workspaceDocName(engagementId) : facilitationDocName(engagementId));

export interface VersionOut {
	id: string;
	seq: number;
	kind: string;
	label: string | null;
	authorId: string | null;
	createdAt: string;
	restoredFrom: { id: string; label: string | null; kind: string; createdAt: string } | null;
}

function versionsOut(rows: VersionRow[]): VersionOut[] {
	const byId = new Map(rows.map((r) => [r.id, r]));
	return rows.map((r) => {
		// A restore record names its source from its own copy; records written before that copy existed
		// look the source up (it may be gone: retention drops automatic checkpoints).
		const src = r.kind === 'restore' && r.label && !r.restoredFrom ? byId.get(r.label) : undefined;
		return {
			id: r.id,
			seq: r.seq,
			kind: r.kind,
			label: r.kind === 'restore' ? null : r.label,
			authorId: r.authorId,
			createdAt: r.createdAt.toISOString(),
			restoredFrom:
				r.kind !== 'restore'
					? null
					: (r.restoredFrom ?? (src ? { id: src.id, label: src.label, kind: src.kind, createdAt: src.createdAt.toISOString() } : r.label ? { id: r.label, label: null, kind: 'unknown', createdAt: '' } : null))
		};
	});
}

interface Resolved {
	ref: string;
	seq: number;
	version: VersionRow | null;
	state: () => Promise<Uint8Array>;
	/** What to open: the stored state, or a doc built straight from base + rows. */
	doc: () => Promise<Uint8Array | Y.Doc>;
}

const sectionsOut = (sections: Section[], locale: Locale, doc: Y.Doc) => sections.map((s) => ({ name: s.name, label: sectionLabel(s.name, locale, doc), kind: s.kind, view: s.view }));

/** Opened versions kept in memory: a version's state never changes, and people go back and forth
 *  between open and compare. Small on purpose (a version of a big document is megabytes). */
const OPENED_CACHE = 8;

export function createHistoryService(deps: { core: Core; sync: SyncServer; store: HistoryStore }) {
	const { core, sync, store } = deps;
	const db = core.db;
	const opened = new Map<string, { doc: Y.Doc; sections: Section[]; migration: ReturnType<typeof openVersion>['migration'] }>();

	/** Opens a resolved state in the current model; cached unless it is the live state. */
	async function openCached(docName: string, kind: HistoryDoc, r: Resolved) {
		const key = r.ref === 'live' ? null : `${docName}|${r.version ? `v:${r.version.id}` : `s:${r.seq}`}`;
		const hit = key ? opened.get(key) : undefined;
		if (hit) {
			opened.delete(key!);
			opened.set(key!, hit);
			return hit;
		}
		const o = openVersion(await r.doc(), kind);
		const entry = { doc: o.doc, sections: readSections(o.doc), migration: o.migration };
		if (key) {
			opened.set(key, entry);
			while (opened.size > OPENED_CACHE) {
				const oldest = opened.keys().next().value!;
				opened.get(oldest)?.doc.destroy();
				opened.delete(oldest);
			}
		}
		return entry;
	}

	async function authorize(user: User, engagementId: string, doc: string, need: 'read' | 'write') {
		const role = await core.engagements.requireRole(user, engagementId);
		if (!(HISTORY_DOCS as readonly string[]).includes(doc)) throw new DomainError('not_found', 'No such document');
		const docName = docNameOf(engagementId, doc as HistoryDoc);
		const access = accessFor(role, user.id, { name: docName, engagementId, kind: doc as HistoryDoc });
		if (!access) throw new DomainError('not_found', 'No such document');
		if (need === 'write' && access !== 'write') throw new DomainError('forbidden', 'Your role can read this history but not change the document');
		return { role, docName, access, doc: doc as HistoryDoc };
	}

	async function names(ids: Iterable<string | null>): Promise<Record<string, string>> {
		const list = [...new Set([...ids].filter((i): i is string => !!i))];
		if (list.length === 0) return {};
		const rows = await db.select({ id: users.id, name: users.name }).from(users).where(inArray(users.id, list));
		return Object.fromEntries(rows.map((r) => [r.id, r.name]));
	}

	/** Resolves a version reference: a version id, `seq:N` (any point of the log) or `live`. The state is
	 *  loaded only when asked for (an opened version may already be in memory). */
	async function resolve(docName: string, ref: string): Promise<Resolved> {
		if (ref === 'live') {
			await sync.flush(docName);
			const seq = await store.lastSeq(docName);
			return { ref, seq, version: null, state: () => store.stateAt(docName, seq), doc: async () => docAt(docName, seq) };
		}
		const m = /^seq:(\d{1,15})$/.exec(ref);
		if (m) {
			const seq = Number(m[1]);
			const last = await store.lastSeq(docName);
			if (seq > last) throw new DomainError('not_found', `The log of this document ends at ${last}`);
			return { ref, seq, version: null, state: () => store.stateAt(docName, seq), doc: async () => docAt(docName, seq) };
		}
		const v = await store.version(docName, ref);
		if (!v) throw new DomainError('not_found', 'Version not found');
		return { ref, seq: v.seq, version: v, state: async () => v.state, doc: async () => v.state };
	}

	async function docAt(docName: string, seq: number): Promise<Y.Doc> {
		const { base, rows } = await store.partsAt(docName, seq);
		return materializeDoc(base, rows);
	}

	async function prune(docName: string) {
		const ids = checkpointsToPrune(await store.versions(docName), new Date());
		await store.deleteAuto(docName, ids);
	}

	/** A document's state at a moment (the sibling of an opened version), in the current model. */
	async function stateAtTime(docName: string, kind: 'workspace' | 'facilitation' | 'results', at: Date | null): Promise<Uint8Array> {
		await sync.flush(docName);
		const seq = at ? await store.seqAtTime(docName, at) : await store.lastSeq(docName);
		const doc = openVersion(await store.stateAt(docName, seq), kind).doc;
		const state = Y.encodeStateAsUpdate(doc);
		doc.destroy();
		return state;
	}

	/** Records a history action in the audit, then tells the live pages (the audit page refreshes on it;
	 *  the version's own "written" event may come before the audit row exists). */
	async function audited(entry: { actorId: string; engagementId: string; action: string; detail: { docName: string } & Record<string, unknown> }) {
		await core.audit.record(entry);
		store.events.emit({ docName: entry.detail.docName, change: 'audited', kind: entry.action, versionIds: [] });
	}

	return {
		authorize,
		prune,

		/** A checkpoint of the committed log now (end of a workshop session, …). */
		async checkpoint(opts: { docName: string; kind: VersionKind; label: string | null; authorId: string | null }) {
			await sync.flush(opts.docName);
			return store.checkpoint(opts);
		},

		/**
		 * The states a version page renders with the live pages' own components: the opened version (in the
		 * current model) and, at the same moment, the engagement's other history document; the results
		 * document (server-written anonymous figures, readable by every role, without history) as it is now.
		 * Base64 Yjs updates. Private documents are never part of it.
		 */
		async snapshot(user: User, engagementId: string, doc: string, ref: string) {
			const a = await authorize(user, engagementId, doc, 'read');
			const r = await resolve(a.docName, ref);
			const { doc: ydoc } = await openCached(a.docName, a.doc, r);
			const at = ref === 'live' ? null : r.version ? r.version.createdAt : await store.timeOfSeq(a.docName, r.seq);
			const other: HistoryDoc = a.doc === 'workspace' ? 'facilitation' : 'workspace';
			const b64 = (u: Uint8Array) => Buffer.from(u).toString('base64');
			return {
				docName: a.docName,
				ref,
				seq: r.seq,
				at: at?.toISOString() ?? null,
				states: {
					[a.doc]: b64(Y.encodeStateAsUpdate(ydoc)),
					[other]: b64(await stateAtTime(docNameOf(engagementId, other), other, at)),
					// The published figures as they were then too: a version from before a reveal or a second
					// round must not show figures published after it.
					results: b64(await stateAtTime(resultsDocName(engagementId), 'results', at))
				} as Record<HistoryDoc | 'results', string>
			};
		},

		/**
		 * Live changes of the histories `user` may read in one engagement (their timeline and, for
		 * facilitators, the audit). Refused like the timeline (404 for non-members). Access is checked again
		 * on every change, so someone removed from the engagement hears nothing more: `onRefused` is called
		 * and the stream should end. Returns the unsubscribe function.
		 */
		async subscribe(user: User, engagementId: string, listener: (change: HistoryChange) => void, onRefused: () => void = () => {}): Promise<() => void> {
			const readable = async (docName: string) => {
				const role = await core.engagements.requireRole(user, engagementId);
				return HISTORY_DOCS.some((d) => docNameOf(engagementId, d) === docName && accessFor(role, user.id, { name: docName, engagementId, kind: d }));
			};
			await core.engagements.requireRole(user, engagementId);
			const mine = new Set(HISTORY_DOCS.map((d) => docNameOf(engagementId, d)));
			return store.events.subscribe((change) => {
				// Only this engagement's shared documents; private ones have no history and never show.
				const ref = parseDocName(change.docName);
				if (!ref || ref.kind === 'private' || !mine.has(change.docName)) return;
				readable(change.docName).then(
					(ok) => ok && listener(change),
					() => onRefused()
				);
			});
		},

		async timeline(user: User, engagementId: string, doc: string) {
			const { docName, access } = await authorize(user, engagementId, doc, 'read');
			const [versions, activity, sessions, lastSeq] = await Promise.all([
				store.versions(docName),
				store.activity([docName]),
				db.select({ id: workshopSessions.id, startedAt: workshopSessions.startedAt, endedAt: workshopSessions.endedAt }).from(workshopSessions).where(eq(workshopSessions.engagementId, engagementId)),
				store.lastSeq(docName)
			]);
			const out = versionsOut(versions);
			const byId = new Map(out.map((v) => [v.id, v]));
			const groups = buildTimeline({ activity, versions, sessions });
			const people = await names([...activity.map((a) => a.userId), ...versions.map((v) => v.authorId)]);
			return {
				docName,
				access,
				lastSeq,
				people,
				versions: out,
				groups: groups.map((g) => ({
					session: g.session ? { id: g.session.id, startedAt: g.session.startedAt.toISOString(), endedAt: g.session.endedAt?.toISOString() ?? null } : null,
					start: g.start.toISOString(),
					end: g.end.toISOString(),
					bursts: g.bursts.map((b) => ({ ...b, start: b.start.toISOString(), end: b.end.toISOString() })),
					versions: g.versions.map((v) => byId.get(v.id)!)
				}))
			};
		},

		async open(user: User, engagementId: string, doc: string, ref: string, locale: Locale) {
			const a = await authorize(user, engagementId, doc, 'read');
			const r = await resolve(a.docName, ref);
			const { doc: ydoc, sections, migration } = await openCached(a.docName, a.doc, r);
			const version = r.version ? versionsOut([r.version])[0]! : null;
			return { docName: a.docName, ref, seq: r.seq, version, migratedFrom: migration?.status === 'upgraded' ? migration.from : null, sections: sectionsOut(sections, locale, ydoc) };
		},

		async compare(user: User, engagementId: string, doc: string, fromRef: string, toRef: string, locale: Locale) {
			const a = await authorize(user, engagementId, doc, 'read');
			const [from, to] = [await resolve(a.docName, fromRef), await resolve(a.docName, toRef)];
			const fromOpened = await openCached(a.docName, a.doc, from);
			const toOpened = await openCached(a.docName, a.doc, to);
			const toDoc = toOpened.doc;
			const diffs = compareSections(fromOpened.sections, toOpened.sections);
			// Who: the log rows between the two points, replayed on the older one.
			const [lo, hi] = from.seq <= to.seq ? [from, to] : [to, from];
			const rows = lo.seq < hi.seq ? await store.rows(a.docName, lo.seq, hi.seq, ATTRIBUTION_ROWS) : [];
			// An imported version's state is not the log's at its seq: attribute from the log's own state.
			const base = rows.length === 0 ? null : lo.version && lo.version.kind !== 'imported' ? await lo.state() : await store.stateAt(a.docName, lo.seq);
			const { bySection } = attributeRows(base, rows);
			const people = await names(rows.map((r) => r.userId));
			return {
				docName: a.docName,
				from: { ref: fromRef, seq: from.seq },
				to: { ref: toRef, seq: to.seq },
				attributionComplete: rows.length < ATTRIBUTION_ROWS,
				people,
				sections: diffs.map((d) => ({
					...d,
					label: sectionLabel(d.name, locale, toDoc),
					authors: [...(bySection.get(d.name) ?? new Map<string, number>())].map(([id, updates]) => ({ userId: id === SYSTEM_AUTHOR ? null : id, updates })).sort((x, y) => y.updates - x.updates)
				}))
			};
		},

		async name(user: User, engagementId: string, doc: string, label: string) {
			const a = await authorize(user, engagementId, doc, 'write');
			await sync.flush(a.docName);
			const v = await store.checkpoint({ docName: a.docName, kind: 'named', label, authorId: user.id });
			await audited({ actorId: user.id, engagementId, action: 'history.name', detail: { docName: a.docName, versionId: v.id, label } });
			return versionsOut([v])[0]!;
		},

		async rename(user: User, engagementId: string, doc: string, versionId: string, label: string) {
			const a = await authorize(user, engagementId, doc, 'write');
			const before = await store.version(a.docName, versionId);
			if (!before) throw new DomainError('not_found', 'Version not found');
			if (before.kind === 'restore') throw new DomainError('invalid_input', 'A restore record cannot be renamed; name a version instead');
			const v = (await store.rename(a.docName, versionId, label))!;
			await audited({ actorId: user.id, engagementId, action: 'history.rename', detail: { docName: a.docName, versionId, from: before.label, to: label } });
			return versionsOut([v])[0]!;
		},

		async restore(user: User, engagementId: string, doc: string, versionId: string, sections?: string[]) {
			const a = await authorize(user, engagementId, doc, 'write');
			const source = await store.version(a.docName, versionId);
			if (!source) throw new DomainError('not_found', 'Version not found');
			const versionDoc = openVersion(source.state, a.doc).doc;
			const owned = SERVER_OWNED[a.doc];
			const wanted = sections?.filter((s) => !owned.includes(s));
			if (sections && wanted!.length === 0) throw new DomainError('invalid_input', 'Nothing to restore: those sections are written by the server');
			let changed: string[] = [];
			await sync.change(
				a.docName,
				(live) => {
					const names = wanted ?? [...new Set([...live.share.keys(), ...versionDoc.share.keys()])].filter((n) => !owned.includes(n));
					changed = restoreInto(live, versionDoc, { sections: names });
				},
				{ userId: user.id }
			);
			const restoredFrom = { id: source.id, label: source.kind === 'restore' ? null : source.label, kind: source.kind, createdAt: source.createdAt.toISOString() };
			const record = await store.checkpoint({ docName: a.docName, kind: 'restore', label: source.id, authorId: user.id, restoredFrom });
			await audited({
				actorId: user.id,
				engagementId,
				action: 'history.restore',
				detail: { docName: a.docName, versionId: source.id, versionLabel: restoredFrom.label, versionKind: source.kind, versionAt: restoredFrom.createdAt, restoreId: record.id, sections: changed }
			});
			return { restore: versionsOut([record])[0]!, changedSections: changed };
		},

		async exportOne(user: User, engagementId: string, doc: string, versionId: string) {
			const a = await authorize(user, engagementId, doc, 'read');
			const v = await store.version(a.docName, versionId);
			if (!v) throw new DomainError('not_found', 'Version not found');
			await audited({ actorId: user.id, engagementId, action: 'history.export', detail: { docName: a.docName, versionId } });
			return exportVersion(v);
		},

		async importOne(user: User, engagementId: string, doc: string, file: unknown) {
			const a = await authorize(user, engagementId, doc, 'write');
			let parsed;
			try {
				parsed = parseExport(file);
			} catch (err) {
				if (err instanceof ImportError) throw new DomainError('invalid_input', err.message, { reason: err.reason });
				throw err;
			}
			const kindOf = parsed.docName.split('.')[1];
			if (kindOf !== a.doc) throw new DomainError('invalid_input', `This is a backup of a ${kindOf ?? 'unknown'} document, not of the ${a.doc} document`, { reason: 'wrong-document' });
			// Stored as a version beside the others: nothing live changes until someone restores it.
			const v = await store.insertVersion({ docName: a.docName, seq: await store.lastSeq(a.docName), kind: 'imported', label: parsed.label, authorId: user.id, state: parsed.state });
			await audited({ actorId: user.id, engagementId, action: 'history.import', detail: { docName: a.docName, versionId: v.id, from: parsed.docName, exportedSeq: parsed.seq } });
			return versionsOut([v])[0]!;
		},

		/** Engagement-wide audit (facilitators): recorded actions plus document activity per person. */
		async audit(user: User, engagementId: string, limit: number) {
			await core.engagements.requireRole(user, engagementId, ['facilitator']);
			const docs = HISTORY_DOCS.map((d) => docNameOf(engagementId, d));
			const [entries, activity] = await Promise.all([
				db.select().from(auditLog).where(eq(auditLog.engagementId, engagementId)).orderBy(desc(auditLog.at)).limit(limit),
				store.activity(docs)
			]);
			const perPerson = new Map<string, { userId: string | null; docName: string; updates: number; first: Date; last: Date }>();
			for (const b of activity) {
				const key = `${b.userId ?? ''}|${b.docName}`;
				const cur = perPerson.get(key);
				if (!cur) perPerson.set(key, { userId: b.userId, docName: b.docName, updates: b.count, first: b.at, last: b.at });
				else {
					cur.updates += b.count;
					if (b.at < cur.first) cur.first = b.at;
					if (b.at > cur.last) cur.last = b.at;
				}
			}
			const people = await names([...entries.map((e) => e.actorId), ...activity.map((a) => a.userId)]);
			return {
				people,
				entries: entries.map((e) => ({ at: e.at.toISOString(), actorId: e.actorId, action: e.action, detail: e.detail as Record<string, unknown> })),
				activity: [...perPerson.values()].map((p) => ({ ...p, first: p.first.toISOString(), last: p.last.toISOString() }))
			};
		}
	};
}
export type HistoryService = ReturnType<typeof createHistoryService>;

