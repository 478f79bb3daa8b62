// Diagnosis templates of an organisation (copy, adapt, version) and the template a run starts on.
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { CreateTemplateInput, SaveTemplateVersionInput, UseTemplateInput } from '@teixit/core';
import { IdParam, errors } from './schemas.ts';

const Localized = Type.Object({ ca: Type.String(), es: Type.String(), en: Type.String() });
const VersionSummary = Type.Object({
	version: Type.Integer(),
	createdAt: Type.String(),
	createdBy: Type.Union([Type.String(), Type.Null()]),
	firstUsedAt: Type.Union([Type.String(), Type.Null()], { description: 'When a run first started on this version' })
});
const Summary = Type.Object({
	id: Type.String(),
	organisationId: Type.Union([Type.String(), Type.Null()]),
	builtIn: Type.Boolean(),
	name: Localized,
	latestVersion: Type.Integer(),
	dimensionCount: Type.Integer(),
	itemCount: Type.Integer(),
	versions: Type.Array(VersionSummary)
});
const Item = Type.Object({ key: Type.String(), text: Localized, hint: Type.Optional(Localized), evidenceHint: Type.Optional(Localized), reversed: Type.Optional(Type.Boolean()) });
const Template = Type.Object({
	id: Type.String(),
	version: Type.Integer(),
	name: Localized,
	basedOn: Type.Optional(Type.Object({ id: Type.String(), version: Type.Integer() })),
	askImportance: Type.Optional(Type.Boolean()),
	dimensions: Type.Array(Type.Object({ key: Type.String(), label: Localized, order: Type.Number(), items: Type.Array(Item) }))
});
const Detail = Type.Object({ ...VersionSummary.properties, organisationId: Type.Union([Type.String(), Type.Null()]), builtIn: Type.Boolean(), template: Template });
const OrgParam = Type.Object({ orgId: Type.String({ maxLength: 64 }) });
const TemplateParams = Type.Object({ orgId: Type.String({ maxLength: 64 }), templateId: Type.String({ maxLength: 128 }) });
const VersionParams = Type.Object({ orgId: Type.String({ maxLength: 64 }), templateId: Type.String({ maxLength: 128 }), version: Type.String({ pattern: '^[1-9][0-9]{0,8}$', description: 'Version number' }) });

const templateRoutes: FastifyPluginAsyncTypebox = async (app) => {
	app.get(
		'/organisations',
		{ schema: { tags: ['templates'], summary: 'Organisations whose templates I can see, and whether I can edit them', response: { 200: Type.Array(Type.Object({ id: Type.String(), name: Type.String(), canEdit: Type.Boolean() })), ...errors(401) } } },
		async (request) => app.core.templates.organisationsFor(app.requireUser(request))
	);

	app.get(
		'/organisations/:orgId/templates',
		{ schema: { tags: ['templates'], summary: 'The built-in default and the organisation’s templates, with their versions (organisation members)', params: OrgParam, response: { 200: Type.Array(Summary), ...errors(401, 404) } } },
		async (request) => app.core.templates.list(app.requireUser(request), request.params.orgId)
	);

	app.post(
		'/organisations/:orgId/templates',
		{
			schema: {
				tags: ['templates'],
				summary: 'Copy a template (default when `from` is absent) into a new template, version 1 (facilitators, admins)',
				description: 'Invalid content is refused with 400 `invalid_input`; `error.details.issues` lists `{ code, path, message }` for every problem.',
				params: OrgParam,
				body: CreateTemplateInput,
				response: { 201: Detail, ...errors(400, 401, 403, 404) }
			}
		},
		async (request, reply) => reply.status(201).send(await app.core.templates.create(app.requireUser(request), request.params.orgId, request.body))
	);

	app.get(
		'/organisations/:orgId/templates/:templateId/versions/:version',
		{ schema: { tags: ['templates'], summary: 'One template version, whole', params: VersionParams, response: { 200: Detail, ...errors(400, 401, 404) } } },
		async (request) => app.core.templates.get(app.requireUser(request), request.params.orgId, request.params.templateId, Number(request.params.version))
	);

	app.post(
		'/organisations/:orgId/templates/:templateId/versions',
		{
			schema: {
				tags: ['templates'],
				summary: 'Save the next version (facilitators, admins); earlier versions never change',
				description: '`baseVersion` must be the latest version, else 409 `conflict` (someone saved meanwhile). Invalid content: 400 with `error.details.issues`.',
				params: TemplateParams,
				body: SaveTemplateVersionInput,
				response: { 201: Detail, ...errors(400, 401, 403, 404, 409) }
			}
		},
		async (request, reply) =>
			reply.status(201).send(await app.core.templates.saveVersion(app.requireUser(request), request.params.orgId, request.params.templateId, request.body))
	);

	app.get(
		'/engagements/:id/templates',
		{ schema: { tags: ['templates'], summary: 'Templates a run of this engagement can start on (facilitators)', params: IdParam, response: { 200: Type.Array(Summary), ...errors(401, 403, 404) } } },
		async (request) => app.core.templates.forEngagement(app.requireUser(request), request.params.id)
	);

	app.post(
		'/engagements/:id/template-uses',
		{
			schema: {
				tags: ['templates'],
				summary: 'Pick the template version a new run starts on (facilitators): returns it whole, to freeze into the run, and records its first use',
				params: IdParam,
				body: UseTemplateInput,
				response: { 200: Detail, ...errors(400, 401, 403, 404) }
			}
		},
		async (request) => app.core.templates.useForRun(app.requireUser(request), request.params.id, request.body)
	);
};

export default templateRoutes;
