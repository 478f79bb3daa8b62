// Version history API: thin routes over history/service.ts, which holds the access rules. `:doc` is
// 'workspace' or 'facilitation'; private documents are not addressable.
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { parseDocName } from '@teixit/core';
import type { Locale } from '@teixit/model';
import type { ServerResponse } from 'node:http';
import { errors } from './schemas.ts';

const DocParams = Type.Object({ id: Type.String({ maxLength: 64 }), doc: Type.String({ maxLength: 32 }) });
const VersionParams = Type.Object({ id: Type.String({ maxLength: 64 }), doc: Type.String({ maxLength: 32 }), versionId: Type.String({ maxLength: 64 }) });
const Ref = Type.String({ maxLength: 64, pattern: '^(live|seq:[0-9]{1,15}|[a-z0-9]{1,64})$', description: 'a version id, `seq:N` (any point of the log) or `live`' });
const LocaleQ = Type.Optional(Type.Union([Type.Literal('ca'), Type.Literal('es'), Type.Literal('en')]));
const Label = Type.String({ minLength: 1, maxLength: 120 });

const Version = Type.Object({
	id: Type.String(),
	seq: Type.Integer(),
	kind: Type.String({ description: 'auto | session | named | restore | imported' }),
	label: Type.Union([Type.String(), Type.Null()]),
	authorId: Type.Union([Type.String(), Type.Null()]),
	createdAt: Type.String(),
	restoredFrom: Type.Union([Type.Object({ id: Type.String(), label: Type.Union([Type.String(), Type.Null()]), kind: Type.String(), createdAt: Type.String() }), Type.Null()])
});
const Person = Type.Object({ userId: Type.Union([Type.String(), Type.Null()], { description: 'null: the server (published anonymous results, migrations)' }), updates: Type.Integer() });
const Timeline = Type.Object({
	docName: Type.String(),
	access: Type.String(),
	lastSeq: Type.Integer(),
	people: Type.Record(Type.String(), Type.String()),
	versions: Type.Array(Version),
	groups: Type.Array(
		Type.Object({
			session: Type.Union([Type.Object({ id: Type.String(), startedAt: Type.String(), endedAt: Type.Union([Type.String(), Type.Null()]) }), Type.Null()]),
			start: Type.String(),
			end: Type.String(),
			bursts: Type.Array(Type.Object({ start: Type.String(), end: Type.String(), firstSeq: Type.Integer(), lastSeq: Type.Integer(), people: Type.Array(Person) })),
			versions: Type.Array(Version)
		})
	)
});
const SectionOut = Type.Object({ name: Type.String(), label: Type.String(), kind: Type.String(), view: Type.Unknown() });
const Opened = Type.Object({ docName: Type.String(), ref: Type.String(), seq: Type.Integer(), version: Type.Union([Version, Type.Null()]), migratedFrom: Type.Union([Type.Integer(), Type.Null()]), sections: Type.Array(SectionOut) });
const Comparison = Type.Object({
	docName: Type.String(),
	from: Type.Object({ ref: Type.String(), seq: Type.Integer() }),
	to: Type.Object({ ref: Type.String(), seq: Type.Integer() }),
	attributionComplete: Type.Boolean(),
	people: Type.Record(Type.String(), Type.String()),
	sections: Type.Array(
		Type.Object({
			name: Type.String(),
			label: Type.String(),
			kind: Type.String(),
			status: Type.String(),
			entries: Type.Optional(Type.Array(Type.Object({ op: Type.String(), key: Type.String(), before: Type.Optional(Type.Unknown()), after: Type.Optional(Type.Unknown()) }))),
			items: Type.Optional(Type.Object({ added: Type.Array(Type.Unknown()), removed: Type.Array(Type.Unknown()) })),
			text: Type.Optional(Type.Array(Type.Object({ op: Type.String(), text: Type.String() }))),
			formattingOnly: Type.Optional(Type.Boolean()),
			authors: Type.Array(Person)
		})
	)
});
const Export = Type.Object({
	format: Type.String(),
	version: Type.Integer(),
	docName: Type.String(),
	seq: Type.Integer(),
	kind: Type.String(),
	label: Type.Union([Type.String(), Type.Null()]),
	createdAt: Type.String(),
	exportedAt: Type.String(),
	state: Type.String(),
	sha256: Type.String()
});

const Snapshot = Type.Object({
	docName: Type.String(),
	ref: Type.String(),
	seq: Type.Integer(),
	at: Type.Union([Type.String(), Type.Null()], { description: 'when the version was taken (null: live)' }),
	states: Type.Object({ workspace: Type.String(), facilitation: Type.String(), results: Type.String() }, { description: 'base64 Yjs updates' })
});

/** Seconds between keep-alive comments on an idle event stream (proxies drop silent connections). */
const EVENTS_HEARTBEAT_MS = 25_000;

const historyRoutes: FastifyPluginAsyncTypebox = async (app) => {
	const h = () => app.history;
	const base = '/engagements/:id/history/:doc';
	/** Open event streams, ended when the server closes (an open stream would hold the close). */
	const streams = new Set<ServerResponse>();
	app.addHook('preClose', async () => {
		for (const s of streams) s.end();
	});

	app.get(
		'/engagements/:id/history/events',
		{
			schema: {
				tags: ['history'],
				summary: 'Server-sent events: a version of a document I can read was written, renamed or dropped, or a history action was audited (the history pages refresh on it)',
				description: 'text/event-stream; each event is `event: history` with data `{ doc, change, kind }`. Same access as the timeline: non-members 404.',
				params: Type.Object({ id: Type.String({ maxLength: 64 }) }),
				response: errors(401, 404)
			}
		},
		async (request, reply) => {
			const user = app.requireUser(request);
			const res = reply.raw;
			const send = (text: string) => {
				if (!res.writableEnded) res.write(text);
			};
			// Subscribing checks membership first, so a refusal is an ordinary JSON error.
			const unsubscribe = await h().subscribe(
				user,
				request.params.id,
				(c) => {
					const doc = parseDocName(c.docName)?.kind;
					send(`event: history\ndata: ${JSON.stringify({ doc, change: c.change, kind: c.kind })}\n\n`);
				},
				// No longer a member: the stream ends (the browser's retry then gets 404).
				() => res.end()
			);
			reply.hijack();
			res.writeHead(200, { 'content-type': 'text/event-stream; charset=utf-8', 'cache-control': 'no-cache, no-transform', connection: 'keep-alive', 'x-accel-buffering': 'no' });
			send(': open\n\n');
			const heartbeat = setInterval(() => send(': keep-alive\n\n'), EVENTS_HEARTBEAT_MS);
			streams.add(res);
			const done = () => {
				clearInterval(heartbeat);
				unsubscribe();
				streams.delete(res);
			};
			res.on('close', done);
		}
	);

	app.get(base, { schema: { tags: ['history'], summary: 'Timeline: versions and activity grouped by session and person', params: DocParams, response: { 200: Timeline, ...errors(401, 404) } } }, async (request) =>
		h().timeline(app.requireUser(request), request.params.id, request.params.doc)
	);

	app.get(
		`${base}/open`,
		{ schema: { tags: ['history'], summary: 'Open a version (or any point of the log) read-only, section by section', params: DocParams, querystring: Type.Object({ ref: Ref, locale: LocaleQ }), response: { 200: Opened, ...errors(400, 401, 404) } } },
		async (request) => h().open(app.requireUser(request), request.params.id, request.params.doc, request.query.ref, (request.query.locale ?? 'ca') as Locale)
	);

	app.get(
		`${base}/snapshot`,
		{
			schema: {
				tags: ['history'],
				summary: "A version's state, with the other shared documents at that moment, for the read-only views",
				params: DocParams,
				querystring: Type.Object({ ref: Ref }),
				response: { 200: Snapshot, ...errors(400, 401, 404) }
			}
		},
		async (request) => h().snapshot(app.requireUser(request), request.params.id, request.params.doc, request.query.ref)
	);

	app.get(
		`${base}/compare`,
		{
			schema: {
				tags: ['history'],
				summary: 'Compare two versions section by section: added, removed, changed, and by whom',
				params: DocParams,
				querystring: Type.Object({ from: Ref, to: Ref, locale: LocaleQ }),
				response: { 200: Comparison, ...errors(400, 401, 404) }
			}
		},
		async (request) => h().compare(app.requireUser(request), request.params.id, request.params.doc, request.query.from, request.query.to, (request.query.locale ?? 'ca') as Locale)
	);

	app.post(
		`${base}/versions`,
		{ schema: { tags: ['history'], summary: 'Name the current state as a version (writers)', params: DocParams, body: Type.Object({ label: Label }, { additionalProperties: false }), response: { 201: Version, ...errors(400, 401, 403, 404) } } },
		async (request, reply) => reply.status(201).send(await h().name(app.requireUser(request), request.params.id, request.params.doc, request.body.label.trim()))
	);

	app.patch(
		`${base}/versions/:versionId`,
		{
			schema: {
				tags: ['history'],
				summary: 'Rename a version (writers); naming an automatic checkpoint keeps it forever. Versions cannot be deleted.',
				params: VersionParams,
				body: Type.Object({ label: Label }, { additionalProperties: false }),
				response: { 200: Version, ...errors(400, 401, 403, 404) }
			}
		},
		async (request) => h().rename(app.requireUser(request), request.params.id, request.params.doc, request.params.versionId, request.body.label.trim())
	);

	app.post(
		`${base}/versions/:versionId/restore`,
		{
			schema: {
				tags: ['history'],
				summary: 'Restore a version, whole or some sections, as a new change on the live document (writers)',
				params: VersionParams,
				body: Type.Optional(Type.Object({ sections: Type.Optional(Type.Array(Type.String({ minLength: 1, maxLength: 200 }), { minItems: 1, maxItems: 500 })) }, { additionalProperties: false })),
				response: { 200: Type.Object({ restore: Version, changedSections: Type.Array(Type.String()) }), ...errors(400, 401, 403, 404) }
			}
		},
		async (request) => h().restore(app.requireUser(request), request.params.id, request.params.doc, request.params.versionId, request.body?.sections)
	);

	app.get(
		`${base}/versions/:versionId/export`,
		{ schema: { tags: ['history'], summary: "Export a version's raw state (backup)", params: VersionParams, response: { 200: Export, ...errors(401, 404) } } },
		async (request, reply) => {
			const out = await h().exportOne(app.requireUser(request), request.params.id, request.params.doc, request.params.versionId);
			reply.header('content-disposition', `attachment; filename="${out.docName}-${out.seq}.teixit-version.json"`);
			return out;
		}
	);

	app.post(
		`${base}/import`,
		{
			bodyLimit: 24 * 1024 * 1024,
			schema: { tags: ['history'], summary: 'Import an exported version as a new version (writers); restore it to bring it live', params: DocParams, body: Type.Unknown(), response: { 201: Version, ...errors(400, 401, 403, 404, 413) } }
		},
		async (request, reply) => reply.status(201).send(await h().importOne(app.requireUser(request), request.params.id, request.params.doc, request.body))
	);

	app.get(
		'/engagements/:id/audit',
		{
			schema: {
				tags: ['history'],
				summary: 'Engagement-wide audit: recorded actions and document activity per person (facilitators)',
				params: Type.Object({ id: Type.String({ maxLength: 64 }) }),
				querystring: Type.Object({ limit: Type.Optional(Type.String({ pattern: '^([1-9][0-9]{0,2}|1000)$' })) }),
				response: {
					200: Type.Object({
						people: Type.Record(Type.String(), Type.String()),
						entries: Type.Array(Type.Object({ at: Type.String(), actorId: Type.Union([Type.String(), Type.Null()]), action: Type.String(), detail: Type.Record(Type.String(), Type.Unknown()) })),
						activity: Type.Array(Type.Object({ userId: Type.Union([Type.String(), Type.Null()]), docName: Type.String(), updates: Type.Integer(), first: Type.String(), last: Type.String() }))
					}),
					...errors(401, 403, 404)
				}
			}
		},
		async (request) => h().audit(app.requireUser(request), request.params.id, Number(request.query.limit ?? 200))
	);
};

export default historyRoutes;
