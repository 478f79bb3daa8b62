// The commercial action plan and the starting hypotheses, co-edited live in real browsers against the real
// server: a facilitator (desktop) and two members (one on a 360 px phone) in separate browser profiles
// build objectives and actions, see who is editing which field, move an action on the kanban by keyboard,
// add a follow-up with a KPI value, turn a comment into an action, review the last session's actions,
// and write and review a hypothesis; everyone sees every change live.
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ApiClient } from '../utils/http.ts';
import { PHONE, newPerson, settle, shoot, startE2E, type E2E } from './helpers.ts';

const FACILITATOR = { email: 'marta@calidoscoop.coop', name: 'Marta Puig', password: 'interim-executive-2026', organisationName: 'Calidoscoop' };

let e2e: E2E;
let api: ApiClient;
let engagementId: string;
let marta: Page; // facilitator, desktop
let pau: Page; // member, desktop
let nuria: Page; // member, phone
let everyone: Page[] = [];
const pageErrors: string[] = [];

const poll = <T>(fn: () => Promise<T>, timeout = 15_000) => expect.poll(fn, { timeout, interval: 100 });
const planUrl = () => `${e2e.url}/e/${engagementId}/pla`;
const syncPhase = (page: Page) => page.locator('.plan-head .sync').getAttribute('data-phase');
const objective = (page: Page, title: string) => page.getByTestId('objective').filter({ hasText: title });
const actionRow = (page: Page, title: string) => page.getByTestId('action-row').filter({ hasText: title });

/** Screenshots at both sizes; on the phone nothing may stick out sideways (the culprits are listed).
 *  Measured against 360 px, not clientWidth: a mobile browser widens its layout viewport to fit. */
async function shots(page: Page, name: string) {
	await shoot(page, name);
	const before = page.viewportSize();
	await page.setViewportSize(PHONE);
	await settle(page); // shoot() already took the phone screenshot, once the layout had settled
	const culprits = await page.evaluate((width) => {
		const doc = document.documentElement;
		if (doc.scrollWidth <= width && doc.clientWidth <= width) return [];
		// The outermost elements that stick out (their descendants are implied).
		const out = [...document.querySelectorAll('body *')].filter((el) => el.getBoundingClientRect().right > width + 1 && !(el.parentElement && el.parentElement.getBoundingClientRect().right > width + 1));
		return [`scrollWidth=${doc.scrollWidth} clientWidth=${doc.clientWidth}`, ...out.slice(0, 8).map((el) => `${el.tagName.toLowerCase()}.${[...el.classList].join('.')} right=${Math.round(el.getBoundingClientRect().right)}`)];
	}, PHONE.width);
	if (before) await page.setViewportSize(before);
	expect(culprits, `${name}: horizontal overflow on a phone`).toEqual([]);
}

async function openObjective(page: Page, title: string) {
	const toggle = objective(page, title).getByTestId('objective-toggle');
	if ((await toggle.getAttribute('aria-expanded')) !== 'true') await toggle.click();
}

beforeAll(async () => {
	e2e = await startE2E();
	api = new ApiClient(e2e.url);
	expect((await api.post('/api/v1/setup', FACILITATOR)).status).toBe(201);
	const eng = await api.post('/api/v1/engagements', { coopName: 'Opcions SCCL' });
	engagementId = eng.json.id;
	const inv = await api.post(`/api/v1/engagements/${engagementId}/invitations`, { role: 'member' });

	const f = await newPerson(e2e.browser);
	marta = f.page;
	await f.context.addCookies([{ name: 'teixit_session', value: api.cookie!.split('=')[1]!, url: e2e.url }]);
	marta.on('pageerror', (e) => pageErrors.push(`marta: ${e.message}`));
	const members: Page[] = [];
	for (const [i, name] of ['Pau Roca', 'Núria Vidal'].entries()) {
		const p = await newPerson(e2e.browser, i === 1 ? { viewport: PHONE, isMobile: true, hasTouch: true } : {});
		p.page.on('pageerror', (e) => pageErrors.push(`${name}: ${e.message}`));
		await p.page.goto(inv.json.url);
		await p.page.locator('#guest-name').fill(name);
		await p.page.getByRole('button', { name: 'Entra com a convidat/da' }).click();
		await p.page.waitForURL(`${e2e.url}/e/${engagementId}`);
		members.push(p.page);
	}
	[pau, nuria] = members as [Page, Page];
	everyone = [marta, pau, nuria];

	// A previous workshop session (ended) and the one starting now: the plan opens with the review.
	const s1 = await api.post(`/api/v1/engagements/${engagementId}/sessions`, { type: 'planning' });
	expect(s1.status).toBe(201);
	expect((await api.post(`/api/v1/engagements/${engagementId}/sessions/${s1.json.id}/end`, {})).status).toBe(200);
	expect((await api.post(`/api/v1/engagements/${engagementId}/sessions`, { type: 'followup' })).status).toBe(201);
}, 180_000);

afterAll(async () => {
	await e2e?.stop();
});

describe('commercial action plan, co-edited live', () => {
	it('everyone opens the plan from the engagement page; the last-session review is open at the start of the session', async () => {
		for (const page of everyone) {
			await page.goto(`${e2e.url}/e/${engagementId}`);
			await page.getByTestId('plan-link').click();
			await page.waitForURL(planUrl());
			await poll(() => syncPhase(page)).toBe('saved');
			await page.getByTestId('review').waitFor();
			expect(await page.locator('[data-testid=review] details').getAttribute('open')).not.toBeNull();
			expect(await page.getByTestId('review-due').innerText()).toBe('Cap.');
		}
		await poll(() => marta.getByTestId('presence').locator('li').count()).toBe(3);
		// The facilitator runs the workshop session from here too (hours against the budget); members do not.
		await poll(() => marta.getByTestId('session-running').innerText()).toContain('Sessió en curs des de');
		expect(await pau.getByTestId('session-running').count()).toBe(0);
	});

	it('an objective added by the facilitator appears for everyone; a member sets its KPI live, and others see who is editing', async () => {
		await marta.locator('#new-objective-title').fill('Captar 10 escoles noves');
		await marta.locator('#new-objective-category').selectOption('captacio');
		await marta.getByRole('button', { name: "Afegeix l'objectiu" }).click();
		for (const page of everyone) await poll(() => objective(page, 'Captar 10 escoles noves').count()).toBe(1);
		// A rule is explained, not silently ignored.
		await marta.getByRole('button', { name: "Afegeix l'objectiu" }).click();
		await poll(() => marta.locator('#new-objective-error').innerText()).toBe('Aquest camp és obligatori.');

		await openObjective(marta, 'Captar 10 escoles noves');
		await openObjective(pau, 'Captar 10 escoles noves');
		const pauBaseline = objective(pau, 'Captar 10 escoles noves').getByTestId('objective-baseline-field').locator('input');
		await pauBaseline.click();
		// Marta sees that Pau is editing the baseline.
		await poll(() => objective(marta, 'Captar 10 escoles noves').getByTestId('objective-baseline-field').getByTestId('field-editors').innerText()).toBe('Pau Roca ho està editant');
		await pauBaseline.pressSequentially('2');
		const pauTarget = objective(pau, 'Captar 10 escoles noves').getByTestId('objective-target-field').locator('input');
		await pauTarget.click();
		await pauTarget.pressSequentially('12');
		await pauTarget.press('Tab');
		await poll(() => objective(marta, 'Captar 10 escoles noves').getByTestId('objective-baseline-field').getByTestId('field-editors').count()).toBe(0);
		await poll(() => objective(marta, 'Captar 10 escoles noves').getByTestId('objective-target-field').locator('input').inputValue()).toBe('12');
		await poll(() => objective(marta, 'Captar 10 escoles noves').getByTestId('objective-baseline-field').locator('input').inputValue()).toBe('2');
		// Target equal to the baseline is refused with a clear message, next to the field.
		await pauTarget.fill('2');
		await pauTarget.press('Tab');
		await poll(() => objective(pau, 'Captar 10 escoles noves').getByTestId('objective-target-field').locator('.field__error').innerText()).toBe('La meta ha de ser diferent del punt de partida.');
		await pauTarget.fill('12');
		await pauTarget.press('Tab');
		await poll(() => objective(pau, 'Captar 10 escoles noves').getByTestId('objective-target-field').locator('.field__error').count()).toBe(0);
	});

	it('members add actions with one owner (Núria on her phone); everyone sees them in the table', async () => {
		await nuria.locator('#new-action-title').fill('Trucar a 20 escoles');
		await nuria.locator('#new-action-owner').selectOption({ label: 'Núria Vidal' });
		await nuria.locator('#new-action-objective').selectOption({ label: 'Captar 10 escoles noves' });
		await nuria.locator('#new-action-due').fill(new Date().toISOString().slice(0, 10));
		await nuria.getByRole('button', { name: "Afegeix l'acció" }).click();
		// No owner: refused.
		await marta.locator('#new-action-title').fill('Preparar el dossier');
		await marta.locator('#new-action-owner').selectOption('');
		await marta.getByRole('button', { name: "Afegeix l'acció" }).click();
		await poll(() => marta.locator('#new-action-error').innerText()).toBe('Cada acció necessita exactament una persona responsable.');
		await marta.locator('#new-action-owner').selectOption({ label: 'Pau Roca' });
		await marta.getByRole('button', { name: "Afegeix l'acció" }).click();
		for (const page of everyone) {
			await poll(() => actionRow(page, 'Trucar a 20 escoles').count()).toBe(1);
			await poll(() => actionRow(page, 'Preparar el dossier').count()).toBe(1);
		}
		expect(await actionRow(pau, 'Trucar a 20 escoles').innerText()).toContain('Núria Vidal');
		expect(await actionRow(nuria, 'Preparar el dossier').innerText()).toContain('Pau Roca');
		await shots(marta, '40-plan-table');
		await shots(nuria, '41-plan-phone');
	});

	it('the facilitator moves an action on the kanban with the keyboard; everyone sees the new status live', async () => {
		await marta.getByTestId('view-table').focus();
		await marta.keyboard.press('ArrowRight'); // tabs move by arrow keys
		await poll(() => marta.getByTestId('view-kanban').getAttribute('aria-selected')).toBe('true');
		const card = marta.getByTestId('kcol-todo').getByTestId('kcard').filter({ hasText: 'Preparar el dossier' });
		await card.focus();
		await marta.keyboard.press('ArrowRight');
		await poll(() => marta.getByTestId('kcol-doing').getByTestId('kcard').filter({ hasText: 'Preparar el dossier' }).count()).toBe(1);
		// Focus follows the card, so a second arrow moves it on: doing -> blocked.
		await marta.keyboard.press('ArrowRight');
		await poll(() => marta.getByTestId('kcol-blocked').getByTestId('kcard').filter({ hasText: 'Preparar el dossier' }).count()).toBe(1);
		await poll(() => marta.getByTestId('plan-announcer').innerText()).toContain('Bloquejada');
		for (const page of [pau, nuria]) await poll(() => actionRow(page, 'Preparar el dossier').getAttribute('data-status')).toBe('blocked');
		// blocked -> done is not allowed: the arrow refuses and says why; the card stays (and keeps focus).
		await marta.keyboard.press('ArrowRight');
		await poll(() => marta.getByTestId('plan-announcer').innerText()).toBe('No es pot passar de «Bloquejada» a «Feta»; fes servir el menú «Mou a».');
		expect(await marta.getByTestId('kcol-blocked').getByTestId('kcard').filter({ hasText: 'Preparar el dossier' }).count()).toBe(1);
		const move = marta.locator('select.kcard__move').first();
		expect(await move.locator('option[value=done]').isDisabled()).toBe(true);
		for (const page of everyone) await poll(() => page.getByTestId('review-blocked').innerText()).toContain('Preparar el dossier');
		await shots(marta, '42-plan-kanban');
	});

	it('a follow-up with a KPI value shows on the objective and its KPI chart for everyone', async () => {
		const obj = objective(pau, 'Captar 10 escoles noves');
		await obj.locator('input[id$=-value]').fill('7');
		await obj.locator('select[id$=-rag]').selectOption('amber');
		await obj.locator('input[id$=-blockers]').fill('Falta la llista de contactes');
		await obj.getByRole('button', { name: 'Afegeix el seguiment' }).click();
		for (const page of everyone) {
			await openObjective(page, 'Captar 10 escoles noves');
			await poll(() => objective(page, 'Captar 10 escoles noves').getByTestId('followup').innerText()).toContain('Falta la llista de contactes');
			await poll(() => objective(page, 'Captar 10 escoles noves').getByTestId('objective-toggle').innerText()).toContain('Progrés: 50 %');
		}
		await nuria.getByTestId('view-kpi').click();
		await poll(() => nuria.getByTestId('kpi-progress').innerText()).toBe('Progrés: 50 %');
		await nuria.locator('.kpi-chart canvas').waitFor();
		await shots(nuria, '43-plan-kpi');
	});

	it('a comment becomes an action in one step', async () => {
		const obj = objective(nuria, 'Captar 10 escoles noves');
		await obj.locator('input[id$=-comment]').fill('Demanar la llista a la Federació');
		await obj.getByRole('button', { name: 'Comenta' }).click();
		await poll(() => objective(marta, 'Captar 10 escoles noves').getByTestId('comment').count()).toBe(1);
		await objective(marta, 'Captar 10 escoles noves').getByTestId('comment-to-action').click();
		for (const page of everyone) {
			await page.getByTestId('view-table').click();
			await poll(() => actionRow(page, 'Demanar la llista a la Federació').count()).toBe(1);
			await poll(() => objective(page, 'Captar 10 escoles noves').getByTestId('comment').innerText()).toContain('ja és una acció');
		}
		expect(await actionRow(pau, 'Demanar la llista a la Federació').innerText()).toContain('Marta Puig');
	});

	it('editing an action: dates on the timeline, an action done shows in the review for everyone', async () => {
		await actionRow(pau, 'Trucar a 20 escoles').getByRole('button').click();
		const editor = pau.getByTestId('action-editor');
		await editor.waitFor();
		await poll(() => pau.evaluate(() => document.activeElement?.id)).toBe('action-editor-title');
		// A start date after the due date is refused next to the field; two weeks before is fine.
		const day = (d: number) => new Date(Date.now() + d * 86_400_000).toISOString().slice(0, 10);
		await editor.locator('input[id$=-start]').fill(day(3));
		await poll(() => editor.locator('.field__error').first().innerText()).toBe("El venciment no pot ser abans de l'inici.");
		await editor.locator('input[id$=-start]').fill(day(-14));
		await poll(() => editor.locator('.field__error').count()).toBe(0);
		await editor.locator('select[id$=-status]').selectOption('doing');
		await poll(() => actionRow(nuria, 'Trucar a 20 escoles').getAttribute('data-status')).toBe('doing');
		await editor.locator('select[id$=-status]').selectOption('done');
		for (const page of everyone) await poll(() => page.getByTestId('review-done').innerText()).toContain('Trucar a 20 escoles');
		for (const page of everyone) await poll(() => page.getByTestId('review-due').innerText()).toContain('Trucar a 20 escoles');
		await marta.getByTestId('view-timeline').click();
		await poll(() => marta.getByTestId('tl-bar').count()).toBe(1);
		// The bar spans start -> due: most of the track (the range is those two weeks).
		await poll(async () => ((await marta.getByTestId('tl-bar').boundingBox())?.width ?? 0) > 200).toBe(true);
		await shots(marta, '44-plan-timeline');
	});

	it('hypotheses: a "We believe that..." statement, a refused one, and the review with a learning card seen live', async () => {
		const hypUrl = `${e2e.url}/e/${engagementId}/hipotesis`;
		for (const page of everyone) {
			await page.goto(hypUrl);
			await poll(() => page.locator('.hyp-head .sync').getAttribute('data-phase')).toBe('saved');
		}
		await nuria.locator('#hyp-statement').fill('Les escoles compraran');
		await nuria.getByRole('button', { name: 'Afegeix la hipòtesi' }).click();
		await poll(() => nuria.locator('#hyp-new-error').innerText()).toContain('Creiem que');
		await nuria.locator('#hyp-statement').fill('Creiem que les escoles compraran material reciclat perquè ho demanen les famílies');
		await nuria.locator('#hyp-type').selectOption('desirability');
		await nuria.getByRole('button', { name: 'Afegeix la hipòtesi' }).click();
		for (const page of everyone) await poll(() => page.getByTestId('hypothesis').innerText()).toContain('H1');

		const h = marta.getByTestId('hypothesis');
		await h.getByTestId('review-start').click();
		await h.locator('textarea[id$=-observed]').fill('3 de 10 escoles han comprat');
		await h.getByRole('button', { name: 'Desa la revisió' }).click();
		await poll(() => h.locator('.field__error').innerText()).toContain('una decisió');
		await h.locator('textarea[id$=-learned]').fill('Compren quan hi ha una família que ho impulsa');
		await h.getByLabel('Persistir').check();
		await h.getByRole('button', { name: 'Desa la revisió' }).click();
		for (const page of everyone) {
			await poll(() => page.getByTestId('learning-card').innerText()).toContain('Compren quan hi ha una família');
			await poll(() => page.getByTestId('decision').innerText()).toBe('Persistir');
			await poll(() => page.getByTestId('hypothesis').locator('.badge').innerText()).toBe('Validada');
		}
		await shots(pau, '45-hypotheses');
		await shots(nuria, '46-hypotheses-phone');
		expect(pageErrors).toEqual([]);
	});
});

describe('an observer', () => {
	it('sees the plan live in English, read-only: no forms, no moves, locked fields', async () => {
		const inv = await api.post(`/api/v1/engagements/${engagementId}/invitations`, { role: 'observer' });
		expect(inv.status).toBe(201);
		const o = await newPerson(e2e.browser, { locale: 'en-GB' });
		o.page.on('pageerror', (e) => pageErrors.push(`observer: ${e.message}`));
		await o.page.goto(inv.json.url);
		await o.page.locator('#guest-name').fill('Ona Observadora');
		await o.page.getByRole('button', { name: 'Join as a guest' }).click();
		await o.page.waitForURL(`${e2e.url}/e/${engagementId}`);
		await o.page.goto(planUrl());
		await poll(() => o.page.getByRole('heading', { level: 1 }).innerText()).toBe('Commercial action plan');
		await poll(() => syncPhase(o.page)).not.toBe('connecting');
		expect(await o.page.getByTestId('new-objective').count()).toBe(0);
		expect(await o.page.getByTestId('new-action').count()).toBe(0);
		await poll(() => actionRow(o.page, 'Trucar a 20 escoles').getAttribute('data-status')).toBe('done');
		await openObjective(o.page, 'Captar 10 escoles noves');
		expect(await objective(o.page, 'Captar 10 escoles noves').getByTestId('objective-title-field').locator('input').getAttribute('readonly')).not.toBeNull();
		expect(await objective(o.page, 'Captar 10 escoles noves').getByRole('button', { name: 'Add follow-up' }).count()).toBe(0);
		await o.page.getByTestId('view-kanban').click();
		expect(await o.page.locator('select.kcard__move').count()).toBe(0);
		const card = o.page.getByTestId('kcol-blocked').getByTestId('kcard').first();
		await card.focus();
		await o.page.keyboard.press('ArrowRight');
		await o.page.waitForTimeout(300);
		expect(await o.page.getByTestId('kcol-blocked').getByTestId('kcard').count()).toBe(1);
		// ... and still sees the others' changes live.
		await marta.goto(planUrl());
		await marta.getByTestId('view-kanban').click();
		await marta.getByTestId('kcol-blocked').getByTestId('kcard').first().focus();
		await marta.keyboard.press('ArrowLeft'); // blocked -> doing
		await poll(() => o.page.getByTestId('kcol-blocked').getByTestId('kcard').count()).toBe(0);
		await shots(o.page, '47-plan-observer-en');
		expect(pageErrors).toEqual([]);
		await o.context.close();
	});
});
