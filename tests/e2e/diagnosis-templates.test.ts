// Templates and repeated measurement, in real browsers: a facilitator copies the default template and
// adapts it in the editor (three languages, remove/add/reorder, no importance question, a validation
// error fixed), starts T0 on that version, runs the optional second round (re-rating the disagreed
// item, aggregates updated everywhere), saves a newer version that leaves T0 untouched, starts T1 on
// it, and everyone compares T0 with T1 (radar + table) and goes back to T0 with the run picker.
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ApiClient } from '../utils/http.ts';
import { PHONE, newPerson, shoot, startE2E, type E2E } from './helpers.ts';

const FACILITATOR = { email: 'jordi@calidoscoop.coop', name: 'Jordi Mas', password: 'interim-executive-2026', organisationName: 'Calidoscoop' };
const MEMBERS = ['Aina Ferrer', 'Biel Serra', 'Carla Pons'] as const;
const V2_D11 = { ca: 'Sabem explicar què fem i per a qui', es: 'Sabemos explicar qué hacemos y para quién', en: 'We can explain what we do and for whom' };
const NEW_ITEM = { ca: 'Coneixem les cooperatives veïnes', es: 'Conocemos las cooperativas vecinas', en: 'We know the neighbouring co-ops' };
const V3_D11 = 'Sabem explicar en una frase què fem';

let e2e: E2E;
let api: ApiClient;
let engagementId: string;
let organisationId: string;
let templateId: string;
let facilitator: Page;
let members: Page[] = [];
let everyone: Page[] = [];
const pageErrors: string[] = [];

const poll = <T>(fn: () => Promise<T>, timeout = 15_000) => expect.poll(fn, { timeout, interval: 100 });
const dxUrl = () => `${e2e.url}/e/${engagementId}/diagnosi`;
const byId = (page: Page, id: string) => page.locator(`[id="${id}"]`);
const item = (page: Page, key: string) => page.locator(`li.item[data-item="${key}"]`);
const stat = (page: Page, key: string, name: string) => item(page, key).locator(`[data-stat="${name}"]`).innerText();
const readiness = (page: Page) => page.getByTestId('readiness').locator('[role=status]').innerText();
const currentStep = (page: Page) => page.locator('.step[aria-current=step]').innerText();

async function score(page: Page, itemKey: string, value: number) {
	const input = page.locator(`input[name="score-${itemKey}"][value="${value}"]`);
	await input.locator('xpath=..').click();
	await poll(() => input.isChecked()).toBe(true);
}

/** Each member scores the given items (member i gives values[i]) and says "He acabat". */
async function everyoneScores(answers: Record<string, readonly [number, number, number]>, expectTotal?: string) {
	for (const [i, page] of members.entries()) {
		await page.getByTestId('scoring').waitFor();
		if (expectTotal) await poll(() => page.getByTestId('progress').innerText()).toBe(expectTotal);
		for (const [key, values] of Object.entries(answers)) await score(page, key, values[i]!);
		await page.getByTestId('ready').click();
	}
	await poll(() => readiness(facilitator)).toBe('3 de 3 han puntuat');
}

beforeAll(async () => {
	e2e = await startE2E();
	api = new ApiClient(e2e.url);
	expect((await api.post('/api/v1/setup', FACILITATOR)).status).toBe(201);
	const eng = await api.post('/api/v1/engagements', { coopName: 'Cooperativa Teixidora' });
	engagementId = eng.json.id;
	organisationId = eng.json.organisationId;
	const inv = await api.post(`/api/v1/engagements/${engagementId}/invitations`, { role: 'member' });

	const f = await newPerson(e2e.browser);
	facilitator = f.page;
	await f.context.addCookies([{ name: 'teixit_session', value: api.cookie!.split('=')[1]!, url: e2e.url }]);
	facilitator.on('pageerror', (e) => pageErrors.push(`facilitator: ${e.message}`));
	f.context.on('dialog', (d) => void d.dismiss());

	members = [];
	for (const [i, name] of MEMBERS.entries()) {
		const p = await newPerson(e2e.browser, i === 0 ? { viewport: PHONE, isMobile: true, hasTouch: true } : {});
		p.page.on('pageerror', (e) => pageErrors.push(`${name}: ${e.message}`));
		await p.page.goto(inv.json.url);
		await p.page.locator('#guest-name').fill(name);
		await p.page.getByRole('button', { name: 'Entra com a convidat/da' }).click();
		await p.page.waitForURL(`${e2e.url}/e/${engagementId}`);
		members.push(p.page);
	}
	everyone = [facilitator, ...members];
}, 180_000);

afterAll(async () => {
	await e2e?.stop();
});

describe('organisation templates, second round and T0 vs T1', () => {
	it('the facilitator copies the default template from the home page', async () => {
		await facilitator.goto(e2e.url);
		await facilitator.getByRole('link', { name: 'Plantilles de diagnosi · Calidoscoop' }).click();
		await facilitator.waitForURL(`${e2e.url}/plantilles/${organisationId}`);
		expect(await facilitator.getByTestId('templates').innerText()).toContain('10 dimensions · 40 ítems');
		expect((await shoot(facilitator, '30-templates-list')).horizontalOverflow).toBe(0);
		await facilitator.getByRole('button', { name: /^Copia / }).click();
		await facilitator.waitForURL(new RegExp(`/plantilles/${organisationId}/[a-z0-9]+$`));
		templateId = facilitator.url().split('/').pop()!;
		expect(await facilitator.getByRole('heading', { level: 1 }).innerText()).toBe('Autodiagnosi comercial participativa');
	});

	it('adapts it: name and an item in three languages, removes, adds, reorders by keyboard, turns importance off, fixes an error, saves version 2', async () => {
		await byId(facilitator, 'tpl-name-ca').fill('Diagnosi Calidoscoop');
		await byId(facilitator, 'tpl-name-es').fill('Diagnóstico Calidoscoop');
		await byId(facilitator, 'tpl-name-en').fill('Calidoscoop diagnosis');
		await facilitator.getByTestId('tpl-ask-importance').uncheck();

		await facilitator.locator('[data-dim="D1"] summary').click();
		for (const l of ['ca', 'es', 'en'] as const) await byId(facilitator, `tpl-item-D1.1-${l}`).fill(V2_D11[l]);
		await facilitator.getByRole('button', { name: 'Elimina Ítem D1.4' }).click();
		expect(await byId(facilitator, 'tpl-item-D1.4-ca').count()).toBe(0);

		// A new item gets a key never used by this template (D1.4 is retired) and the focus, so typing goes in.
		await facilitator.getByRole('button', { name: 'Afegeix un ítem a D1' }).click();
		await poll(() => facilitator.evaluate(() => document.activeElement?.id)).toBe('tpl-item-D1.5-ca');
		await facilitator.keyboard.type(NEW_ITEM.ca);
		await byId(facilitator, 'tpl-item-D1.5-en').fill(NEW_ITEM.en);

		// Move D2 above D1 with the keyboard; the focus stays with the moved dimension.
		await facilitator.locator('[data-dim="D2"] summary').click();
		await facilitator.locator('[data-dim="D2"] > details > fieldset > .tpl-tools [data-act="up"]').focus();
		await facilitator.keyboard.press('Enter');
		await poll(() => facilitator.locator('.tpl-dims > li').first().getAttribute('data-dim')).toBe('D2');
		expect(await facilitator.evaluate(() => document.activeElement?.closest('[data-dim]')?.getAttribute('data-dim'))).toBe('D2');
		expect(await facilitator.locator('.tpl-bar').innerText()).toContain('Hi ha canvis sense desar.');

		// The Spanish text of the new item is missing: the save is refused with a message that says where.
		await facilitator.getByTestId('tpl-save').click();
		const problems = facilitator.getByTestId('tpl-problems');
		await poll(() => problems.innerText()).toContain('Falta el text: Dimensió D1 · Ítem D1.5 · Castellano');
		await poll(() => facilitator.evaluate(() => document.activeElement?.getAttribute('data-testid'))).toBe('tpl-problems');
		expect(await byId(facilitator, 'tpl-item-D1.5-es').getAttribute('aria-invalid')).toBe('true');
		expect((await shoot(facilitator, '31-template-editor-error')).horizontalOverflow).toBe(0);

		await problems.getByRole('link').first().click();
		await byId(facilitator, 'tpl-item-D1.5-es').fill(NEW_ITEM.es);
		await facilitator.getByTestId('tpl-save').click();
		await poll(() => facilitator.getByTestId('tpl-saved').innerText()).toBe("S'ha desat la versió 2.");
		expect(await facilitator.getByRole('heading', { level: 1 }).innerText()).toBe('Diagnosi Calidoscoop');
		expect(await facilitator.getByTestId('tpl-save').innerText()).toBe('Desa com a versió 3');
		expect((await shoot(facilitator, '32-template-editor-saved')).horizontalOverflow).toBe(0);

		// What the server stored: exactly these edits, as version 2.
		const v2 = await api.get(`/api/v1/organisations/${organisationId}/templates/${templateId}/versions/2`);
		expect(v2.json.template.askImportance).toBe(false);
		expect(v2.json.template.dimensions[0].key).toBe('D2');
		const d1 = v2.json.template.dimensions.find((d: { key: string }) => d.key === 'D1');
		expect(d1.items.map((i: { key: string }) => i.key)).toEqual(['D1.1', 'D1.2', 'D1.3', 'D1.5']);
		expect(d1.items[0].text).toEqual(V2_D11);
		expect(d1.items[3].text).toEqual(NEW_ITEM);
	});

	it('T0 starts on the picked version; members see its wording and no importance question', async () => {
		await facilitator.goto(dxUrl());
		await facilitator.getByTestId('no-run').waitFor();
		await facilitator.getByTestId('create-run-template').selectOption(`${templateId}@2`);
		await facilitator.getByTestId('create-run').click();
		await poll(() => facilitator.getByTestId('run-template').innerText()).toBe('Plantilla: Diagnosi Calidoscoop · versió 2');

		for (const page of members) {
			await page.goto(dxUrl());
			await page.getByTestId('scoring').waitFor();
			await poll(() => page.getByTestId('progress').innerText()).toBe('0 / 40');
			expect(await page.locator('fieldset[data-item="D1.1"]').innerText()).toContain(V2_D11.ca);
			expect(await page.locator('fieldset[data-item="D1.4"]').count()).toBe(0);
			expect(await page.locator('fieldset[data-item="D1.5"]').innerText()).toContain(NEW_ITEM.ca);
			expect(await page.locator('input[name^="imp-"]').count()).toBe(0);
		}
		expect((await shoot(members[0]!, '33-scoring-adapted-template-phone')).horizontalOverflow).toBe(0);

		// D1.1 = [1, 3, 5]: IQR 2 -> disagreement. D1.2 = [4, 4, 4] and D1.5 = [2, 3, 3]: consensus.
		await everyoneScores({ 'D1.1': [1, 3, 5], 'D1.2': [4, 4, 4], 'D1.5': [2, 3, 3] });
		await facilitator.getByTestId('reveal').click();
		for (const page of everyone) {
			await page.getByTestId('results').waitFor({ timeout: 15_000 });
			await poll(() => stat(page, 'D1.1', 'mean')).toBe('3');
			expect(await item(page, 'D1.1').getByTestId('consensus').innerText()).toContain('Dissens');
		}
	});

	it('the optional second round re-collects only the disagreed item and updates the aggregates everywhere', async () => {
		await facilitator.getByTestId('next-step').click(); // -> Debat
		await facilitator.getByTestId('next-step').click(); // -> Segona ronda
		for (const page of everyone) await poll(() => currentStep(page)).toContain('Segona ronda');
		for (const page of members) {
			await page.getByTestId('scoring').waitFor();
			expect(await page.locator('fieldset[data-item]').evaluateAll((els) => els.map((e) => e.getAttribute('data-item')))).toEqual(['D1.1']);
		}
		await poll(() => readiness(facilitator)).toBe('0 de 3 han puntuat');
		expect((await shoot(members[0]!, '34-second-round-member-phone')).horizontalOverflow).toBe(0);
		await everyoneScores({ 'D1.1': [3, 3, 4] });
		await facilitator.getByTestId('reveal').click();
		for (const page of everyone) {
			// Round 2: [3, 3, 4] -> mean 3.3, consensus; round 1 is shown for reference.
			await poll(() => stat(page, 'D1.1', 'mean'), 15_000).toBe('3,3');
			expect(await item(page, 'D1.1').getByTestId('consensus').innerText()).toContain('Consens');
			const toggle = item(page, 'D1.1').locator('.item__toggle');
			if ((await toggle.getAttribute('aria-expanded')) !== 'true') await toggle.click();
			await poll(() => item(page, 'D1.1').innerText()).toContain('A la primera ronda: mitjana 3, mediana 3.');
			// Untouched items keep their round-1 figures.
			expect(await stat(page, 'D1.2', 'mean')).toBe('4');
		}
		expect((await shoot(facilitator, '35-second-round-revealed')).horizontalOverflow).toBe(0);
		await facilitator.getByTestId('next-step').click(); // -> Puntuació acordada
		await facilitator.getByTestId('next-step').click(); // -> Tancada
		for (const page of everyone) await poll(() => currentStep(page)).toContain('Tancada');
	});

	it('a newer template version leaves T0 as it was; T1 starts on it and everyone compares T0 with T1, and can go back to T0', async () => {
		const v2 = (await api.get(`/api/v1/organisations/${organisationId}/templates/${templateId}/versions/2`)).json.template;
		v2.dimensions.find((d: { key: string }) => d.key === 'D1').items[0].text.ca = V3_D11;
		const v3 = await api.post(`/api/v1/organisations/${organisationId}/templates/${templateId}/versions`, {
			baseVersion: 2,
			content: { name: v2.name, askImportance: v2.askImportance, dimensions: v2.dimensions }
		});
		expect(v3.status).toBe(201);

		await facilitator.reload();
		await facilitator.getByTestId('results').waitFor();
		expect(await item(facilitator, 'D1.1').locator('.item__text').innerText()).toBe(V2_D11.ca);
		// The next run preselects the latest version of the template the last run used.
		expect(await facilitator.getByTestId('create-next-run-template').inputValue()).toBe(`${templateId}@3`);
		await facilitator.getByTestId('create-next-run').click();
		await poll(() => facilitator.getByTestId('run-template').innerText()).toBe('Plantilla: Diagnosi Calidoscoop · versió 3');

		for (const page of members) await poll(() => page.locator('fieldset[data-item="D1.1"]').innerText()).toContain(V3_D11);
		await everyoneScores({ 'D1.1': [4, 4, 5], 'D1.2': [5, 5, 5], 'D1.5': [3, 3, 3] }, '0 / 40');
		await facilitator.getByTestId('reveal').click();
		for (const page of everyone) {
			await page.getByTestId('compare-table').waitFor({ timeout: 15_000 });
			const d1 = page.locator('[data-testid=compare-table] tbody tr').filter({ has: page.locator('th .key', { hasText: /^D1$/ }) });
			// D1, T0: mean of item means (3.33 from round 2, 4, 2.67) = 3.33; T1: (4.33, 5, 3) = 4.11; +0.8.
			await poll(() => d1.innerText()).toMatch(/3,3\s+4,1\s+\+0,8/);
			await page.locator('.radar canvas').first().waitFor();
			expect(await item(page, 'D1.1').locator('.item__text').innerText()).toBe(V3_D11);
		}
		expect((await shoot(facilitator, '36-compare-t0-t1-facilitator')).horizontalOverflow).toBe(0);
		expect((await shoot(members[0]!, '37-compare-t0-t1-member-phone')).horizontalOverflow).toBe(0);

		// The run picker: T0 again, with its own wording and second-round figures.
		for (const page of [facilitator, members[1]!]) {
			await page.locator('#run-pick').selectOption({ label: 'T0' });
			await poll(() => page.getByRole('heading', { level: 2, name: "Resultats de l'equip · T0" }).count()).toBe(1);
			expect(await item(page, 'D1.1').locator('.item__text').innerText()).toBe(V2_D11.ca);
			expect(await page.getByTestId('results-template').innerText()).toBe('Plantilla: Diagnosi Calidoscoop · versió 2');
			expect(await stat(page, 'D1.1', 'mean')).toBe('3,3');
			expect(await page.getByTestId('compare-table').count()).toBe(0);
		}
		expect((await shoot(facilitator, '38-run-picker-t0')).horizontalOverflow).toBe(0);
		await facilitator.locator('#run-pick').selectOption({ label: 'T1' });
		await poll(() => item(facilitator, 'D1.1').locator('.item__text').innerText()).toBe(V3_D11);
	});

	it('a role change closes the connections (4403); the diagnosis page re-checks access and shows the new role', async () => {
		const carla = members[2]!;
		await carla.goto(dxUrl());
		await carla.getByTestId('results').waitFor();
		expect(await carla.locator('.dx').getAttribute('data-role')).toBe('member');
		const list = await api.get(`/api/v1/engagements/${engagementId}/members`);
		const id = list.json.find((mb: { name: string }) => mb.name === 'Carla Pons').userId;
		expect((await api.patch(`/api/v1/engagements/${engagementId}/members/${id}`, { role: 'observer' })).status).toBe(204);
		await poll(() => carla.locator('.dx').getAttribute('data-role')).toBe('observer');
		await poll(() => carla.locator('.dx-head .sync').getAttribute('data-phase')).toBe('saved');
		expect(await carla.getByTestId('results').count()).toBe(1);
		// Back to member: the page follows again (no reload by hand).
		expect((await api.patch(`/api/v1/engagements/${engagementId}/members/${id}`, { role: 'member' })).status).toBe(204);
		await poll(() => carla.locator('.dx').getAttribute('data-role')).toBe('member');
	});

	it('a save based on a version someone else replaced meanwhile is refused and keeps what was typed', async () => {
		await facilitator.goto(`${e2e.url}/plantilles/${organisationId}/${templateId}`);
		await byId(facilitator, 'tpl-name-en').fill('Calidoscoop diagnosis, edited in the browser');
		const v3 = (await api.get(`/api/v1/organisations/${organisationId}/templates/${templateId}/versions/3`)).json.template;
		const other = await api.post(`/api/v1/organisations/${organisationId}/templates/${templateId}/versions`, {
			baseVersion: 3,
			content: { name: { ...v3.name, es: 'Guardado por otra persona' }, askImportance: v3.askImportance, dimensions: v3.dimensions }
		});
		expect(other.status).toBe(201);
		await facilitator.getByTestId('tpl-save').click();
		await poll(() => facilitator.getByTestId('tpl-problems').innerText()).toContain("Algú altre ha desat la versió 4 mentrestant. Els teus canvis no s'han desat");
		expect(await byId(facilitator, 'tpl-name-en').inputValue()).toBe('Calidoscoop diagnosis, edited in the browser');
		// Nothing was overwritten: version 4 is the other person's.
		expect((await api.get(`/api/v1/organisations/${organisationId}/templates/${templateId}/versions/4`)).json.template.name.es).toBe('Guardado por otra persona');
		expect((await api.get(`/api/v1/organisations/${organisationId}/templates/${templateId}/versions/5`)).status).toBe(404);
	});

	it('had no page errors', () => {
		expect(pageErrors).toEqual([]);
	});
});
