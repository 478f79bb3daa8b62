// Per-organisation diagnosis templates through the HTTP API: copy, adapt, version, validation errors,
// concurrent saves, who may edit, and the exact version a run starts on surviving later versions.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { and, eq } from 'drizzle-orm';
import { diagnosisTemplateVersions, organisationMembers, organisations } from '@teixit/db';
import { DEFAULT_TEMPLATE, type DiagnosisTemplate } from '@teixit/model';
import { startApp, type TestApp } from '../utils/app.ts';
import { castOf, type Cast } from '../utils/people.ts';

let t: TestApp;
let cast: Cast;
let base: string;
beforeAll(async () => {
	t = await startApp();
	cast = await castOf(t);
	base = `/api/v1/organisations/${cast.organisationId}/templates`;
});
afterAll(async () => t?.close());

const contentOf = (tpl: DiagnosisTemplate) => ({ name: tpl.name, dimensions: tpl.dimensions, ...(tpl.askImportance !== undefined && { askImportance: tpl.askImportance }) });

describe('organisation templates', () => {
	let copyId: string;
	let v1: DiagnosisTemplate;

	it('lists the built-in default and copies it into a new template, version 1', async () => {
		const list = await cast.facilitator.get(base);
		expect(list.status).toBe(200);
		expect(list.json).toEqual([expect.objectContaining({ id: DEFAULT_TEMPLATE.id, builtIn: true, itemCount: 40, dimensionCount: 10 })]);

		const created = await cast.facilitator.post(base, {});
		expect(created.status).toBe(201);
		expect(created.json.template).toMatchObject({ version: 1, basedOn: { id: DEFAULT_TEMPLATE.id, version: DEFAULT_TEMPLATE.version } });
		expect(created.json.template.dimensions).toEqual(DEFAULT_TEMPLATE.dimensions);
		copyId = created.json.template.id;
		v1 = created.json.template;
		expect(copyId).not.toBe(DEFAULT_TEMPLATE.id);
	});

	it('saves an adapted version 2 (rename, reword in three languages, remove, add, reorder, no importance) and keeps version 1 as it was', async () => {
		const next = structuredClone(contentOf(v1)) as ReturnType<typeof contentOf>;
		next.name = { ca: 'Diagnosi Calidoscoop', es: 'Diagnóstico Calidoscoop', en: 'Calidoscoop diagnosis' };
		next.dimensions[0]!.items[0]!.text = { ca: 'Sabem dir què fem', es: 'Sabemos decir qué hacemos', en: 'We can say what we do' };
		next.dimensions[0]!.items.splice(3, 1); // remove D1.4
		next.dimensions[1]!.items.push({ key: 'X2.5', text: { ca: 'Coneixem les cooperatives veïnes', es: 'Conocemos las cooperativas vecinas', en: 'We know neighbouring co-ops' } });
		next.dimensions.reverse().forEach((d, i) => (d.order = i + 1)); // D10 first
		next.askImportance = false;
		const saved = await cast.facilitator.post(`${base}/${copyId}/versions`, { baseVersion: 1, content: next });
		expect(saved.status, saved.text).toBe(201);
		expect(saved.json.template).toMatchObject({ id: copyId, version: 2, askImportance: false, name: next.name, basedOn: v1.basedOn });

		const again1 = await cast.facilitator.get(`${base}/${copyId}/versions/1`);
		expect(again1.json.template).toEqual(v1);
		const again2 = await cast.facilitator.get(`${base}/${copyId}/versions/2`);
		const keys = (again2.json.template as DiagnosisTemplate).dimensions.flatMap((d) => d.items.map((i) => i.key));
		expect(keys).not.toContain('D1.4');
		expect(keys).toContain('X2.5');
		expect(again2.json.template.dimensions[0].key).toBe('D10');

		const list = await cast.facilitator.get(base);
		const summary = list.json.find((s: { id: string }) => s.id === copyId);
		expect(summary).toMatchObject({ latestVersion: 2, itemCount: 40, name: next.name });
		expect(summary.versions.map((v: { version: number }) => v.version)).toEqual([2, 1]);
	});

	it('refuses invalid content with every issue listed, and saves nothing', async () => {
		const bad = structuredClone(contentOf(v1)) as ReturnType<typeof contentOf>;
		bad.dimensions[0]!.items[1]!.key = bad.dimensions[0]!.items[0]!.key; // duplicate key
		bad.dimensions[1]!.label.es = '   '; // blank Spanish label
		bad.dimensions[2]!.items = []; // empty dimension
		const res = await cast.facilitator.post(`${base}/${copyId}/versions`, { baseVersion: 2, content: bad });
		expect(res.status).toBe(400);
		expect(res.json.error.code).toBe('invalid_input');
		const codes = res.json.error.details.issues.map((i: { code: string; path: string }) => `${i.code}@${i.path}`);
		expect(codes).toEqual(['duplicate-key@dimensions[0].items[1].key', 'missing-locale@dimensions[1].label.es', 'empty-dimension@dimensions[2].items']);
		expect(res.json.error.message).toMatch(/duplicate|already used/);

		const shape = await cast.facilitator.post(`${base}/${copyId}/versions`, { baseVersion: 2, content: { name: { ca: 'x' }, dimensions: 'no' } });
		expect(shape.status).toBe(400);
		expect(shape.json.error.code).toBe('invalid_input');
		const rows = await t.database.db.select().from(diagnosisTemplateVersions).where(eq(diagnosisTemplateVersions.templateId, copyId));
		expect(rows.map((r) => r.version).sort()).toEqual([1, 2]);
	});

	it('refuses a save based on a stale version (someone saved meanwhile) with 409, losing nothing', async () => {
		const v2 = (await cast.facilitator.get(`${base}/${copyId}/versions/2`)).json.template as DiagnosisTemplate;
		const a = { ...contentOf(v2), name: { ...v2.name, en: 'Edit A' } };
		const b = { ...contentOf(v2), name: { ...v2.name, en: 'Edit B' } };
		const first = await cast.facilitator.post(`${base}/${copyId}/versions`, { baseVersion: 2, content: a });
		expect(first.status).toBe(201);
		const second = await cast.facilitator.post(`${base}/${copyId}/versions`, { baseVersion: 2, content: b });
		expect(second.status).toBe(409);
		expect(second.json.error).toMatchObject({ code: 'conflict', details: { latestVersion: 3 } });
		expect((await cast.facilitator.get(`${base}/${copyId}/versions/3`)).json.template.name.en).toBe('Edit A');
	});

	it('never edits the built-in template', async () => {
		const res = await cast.facilitator.post(`${base}/${DEFAULT_TEMPLATE.id}/versions`, { baseVersion: 1, content: contentOf(DEFAULT_TEMPLATE) });
		expect(res.status).toBe(403);
	});

	it('lets an organisation member without the facilitator role read but not edit; other organisations see nothing', async () => {
		await t.database.db.insert(organisationMembers).values({ organisationId: cast.organisationId, userId: cast.ids.member, role: 'member' });
		expect((await cast.member.get(base)).status).toBe(200);
		expect((await cast.member.get(`${base}/${copyId}/versions/1`)).status).toBe(200);
		const create = await cast.member.post(base, {});
		expect(create.status).toBe(403);
		expect((await cast.member.post(`${base}/${copyId}/versions`, { baseVersion: 3, content: contentOf(v1) })).status).toBe(403);

		// A template of another organisation is not found through this one.
		await t.database.db.insert(organisations).values({ id: 'otherorg', name: 'Other' });
		const foreign = await cast.facilitator.post('/api/v1/organisations/otherorg/templates', {});
		expect(foreign.status).toBe(201); // the facilitator is an administrator
		expect((await cast.facilitator.get(`${base}/${foreign.json.template.id}/versions/1`)).status).toBe(404);
		const use = await cast.facilitator.post(`/api/v1/engagements/${cast.engagementId}/template-uses`, { id: foreign.json.template.id, version: 1 });
		expect(use.status).toBe(404);
	});

	it('gives a run the exact version it picked and records the use; later versions do not change it', async () => {
		const offered = await cast.facilitator.get(`/api/v1/engagements/${cast.engagementId}/templates`);
		expect(offered.status).toBe(200);
		expect(offered.json.map((s: { id: string }) => s.id)).toEqual([DEFAULT_TEMPLATE.id, copyId]);

		const use = await cast.facilitator.post(`/api/v1/engagements/${cast.engagementId}/template-uses`, { id: copyId, version: 2 });
		expect(use.status).toBe(200);
		expect(use.json.firstUsedAt).toEqual(expect.any(String));
		const frozen = use.json.template as DiagnosisTemplate;
		expect(frozen).toMatchObject({ id: copyId, version: 2, askImportance: false });

		const v3 = (await cast.facilitator.get(`${base}/${copyId}/versions/3`)).json.template as DiagnosisTemplate;
		const v4 = await cast.facilitator.post(`${base}/${copyId}/versions`, { baseVersion: 3, content: { ...contentOf(v3), name: { ...v3.name, ca: 'Quarta' } } });
		expect(v4.status).toBe(201);
		expect((await cast.facilitator.get(`${base}/${copyId}/versions/2`)).json.template).toEqual(frozen);
		const list = await cast.facilitator.get(base);
		const versions = list.json.find((s: { id: string }) => s.id === copyId).versions as { version: number; firstUsedAt: string | null }[];
		expect(versions.find((v) => v.version === 2)!.firstUsedAt).toBe(use.json.firstUsedAt);
		expect(versions.find((v) => v.version === 4)!.firstUsedAt).toBeNull();

		expect((await cast.facilitator.post(`/api/v1/engagements/${cast.engagementId}/template-uses`, { id: copyId, version: 99 })).status).toBe(404);
	});

	it('the database itself refuses to change a saved version (only its first use is recorded, once)', async () => {
		const db = t.database.db;
		const where = and(eq(diagnosisTemplateVersions.templateId, copyId), eq(diagnosisTemplateVersions.version, 2));
		await expect(db.update(diagnosisTemplateVersions).set({ content: { forged: true } }).where(where)).rejects.toThrow();
		await expect(db.update(diagnosisTemplateVersions).set({ firstUsedAt: new Date(0) }).where(where)).rejects.toThrow();
		const [row] = await db.select().from(diagnosisTemplateVersions).where(where);
		expect((row!.content as DiagnosisTemplate).version).toBe(2);
	});

	it('describes the routes in OpenAPI', async () => {
		const doc = await cast.anonymous.get('/api/docs/json');
		expect(doc.status).toBe(200);
		for (const p of ['/api/v1/organisations/{orgId}/templates', '/api/v1/organisations/{orgId}/templates/{templateId}/versions', '/api/v1/engagements/{id}/template-uses'])
			expect(Object.keys(doc.json.paths)).toContain(p);
	});
});
