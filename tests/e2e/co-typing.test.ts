// Typing together in one field (issue 5), in real browsers against the real server: a facilitator and a
// member type into the same action title, hypothesis statement and DAFO card at the same time
// (interleaved keystrokes) while a third person (on a phone) watches. Every browser ends with both
// people's words, and each sees the other's caret, with their name, in that field. With the old
// last-writer-wins strings (a whole value saved 400 ms after typing) one of the two words was lost.
import { mkdirSync } from 'node:fs';
import type { Locator, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ApiClient } from '../utils/http.ts';
import { PHONE, newPerson, startE2E, type E2E } from './helpers.ts';

const FACILITATOR = { email: 'marta@calidoscoop.coop', name: 'Marta Puig', password: 'interim-executive-2026', organisationName: 'Calidoscoop' };
const SHOTS = process.env.SHOTS_DIR ?? '';

let e2e: E2E;
let engagementId: string;
let marta: Page; // facilitator, desktop
let pau: Page; // member, desktop
let nuria: Page; // member, phone: watches
let everyone: Page[] = [];
const pageErrors: string[] = [];

const poll = <T>(fn: () => Promise<T>, timeout = 15_000) => expect.poll(fn, { timeout, interval: 100 });
const saved = (page: Page) => poll(() => page.locator('.sync').first().getAttribute('data-phase')).toBe('saved');
const caretNames = (field: Locator) => field.getByTestId('remote-caret').allInnerTexts();

/** Type two words at once: one keystroke of each in turn, without waiting for the other to arrive. */
async function interleave(a: Page, wa: string, b: Page, wb: string) {
	for (let i = 0; i < Math.max(wa.length, wb.length); i++) {
		await Promise.all([i < wa.length ? a.keyboard.type(wa[i]!) : null, i < wb.length ? b.keyboard.type(wb[i]!) : null]);
	}
}

async function shot(page: Page, name: string) {
	if (!SHOTS) return;
	mkdirSync(SHOTS, { recursive: true });
	await page.screenshot({ path: `${SHOTS}/${name}.png` });
}

beforeAll(async () => {
	e2e = await startE2E();
	const api = new ApiClient(e2e.url);
	expect((await api.post('/api/v1/setup', FACILITATOR)).status).toBe(201);
	engagementId = (await api.post('/api/v1/engagements', { coopName: 'Opcions SCCL' })).json.id;
	const inv = await api.post(`/api/v1/engagements/${engagementId}/invitations`, { role: 'member' });
	const f = await newPerson(e2e.browser);
	marta = f.page;
	await f.context.addCookies([{ name: 'teixit_session', value: api.cookie!.split('=')[1]!, url: e2e.url }]);
	marta.on('pageerror', (e) => pageErrors.push(`marta: ${e.message}`));
	for (const [i, name] of ['Pau Roca', 'Núria Vidal'].entries()) {
		const p = await newPerson(e2e.browser, i === 1 ? { viewport: PHONE, isMobile: true, hasTouch: true } : {});
		p.page.on('pageerror', (e) => pageErrors.push(`${name}: ${e.message}`));
		await p.page.goto(inv.json.url);
		await p.page.locator('#guest-name').fill(name);
		await p.page.getByRole('button', { name: 'Entra com a convidat/da' }).click();
		await p.page.waitForURL(`${e2e.url}/e/${engagementId}`);
		if (i === 0) pau = p.page;
		else nuria = p.page;
	}
	everyone = [marta, pau, nuria];
}, 180_000);

afterAll(async () => {
	await e2e?.stop();
});

describe('typing together in one field', () => {
	it('an action title: both words stay, everyone converges, each sees the other caret with its name', async () => {
		for (const page of everyone) {
			await page.goto(`${e2e.url}/e/${engagementId}/pla`);
			await saved(page);
		}
		await marta.locator('#new-action-title').fill('Trucar escoles');
		await marta.locator('#new-action-owner').selectOption({ label: 'Pau Roca' });
		await marta.getByRole('button', { name: "Afegeix l'acció" }).click();
		for (const page of everyone) {
			const row = page.getByTestId('action-row').filter({ hasText: 'Trucar escoles' });
			await poll(() => row.count()).toBe(1);
			await row.getByRole('button').click();
			await page.getByTestId('action-editor').waitFor();
		}
		const title = (page: Page) => page.getByTestId('action-title-field');
		// Marta appends, Pau writes at the start, keystroke by keystroke at the same time.
		await title(marta).locator('input').click();
		await marta.keyboard.press('End');
		await title(pau).locator('input').click();
		await pau.keyboard.press('Home');
		await interleave(marta, ' ja', pau, 'Avui: ');
		for (const page of everyone) await poll(() => title(page).locator('input').inputValue()).toBe('Avui: Trucar escoles ja');
		await poll(() => caretNames(title(marta))).toEqual(['Pau Roca']);
		await poll(() => caretNames(title(pau))).toEqual(['Marta Puig']);
		await poll(async () => (await caretNames(title(nuria))).sort()).toEqual(['Marta Puig', 'Pau Roca']);
		// The carets are drawn for the eyes only; a screen reader gets the same as text.
		expect(await title(nuria).locator('.ct__carets').getAttribute('aria-hidden')).toBe('true');
		await poll(() => title(marta).getByTestId('field-editors').innerText()).toBe('Pau Roca ho està editant');
		// Readers of the plan (the table) get the merged title too.
		for (const page of everyone) await poll(() => page.getByTestId('action-row').first().innerText()).toContain('Avui: Trucar escoles ja');
		await title(marta).scrollIntoViewIfNeeded();
		await shot(marta, 'action-title-remote-caret-1280');
		await title(nuria).scrollIntoViewIfNeeded();
		await shot(nuria, 'action-title-remote-carets-360');

		// Undo takes back my own typing only, for everyone.
		await pau.keyboard.press('Control+z');
		for (const page of everyone) await poll(() => title(page).locator('input').inputValue()).toBe('Trucar escoles ja');
		await pau.keyboard.press('Control+Shift+z');
		for (const page of everyone) await poll(() => title(page).locator('input').inputValue()).toBe('Avui: Trucar escoles ja');

		// Leaving the field takes the caret away for the others; an empty title is flagged, not lost.
		await pau.getByTestId('action-editor').locator('h2').click();
		await poll(() => caretNames(title(marta))).toEqual([]);
		await marta.keyboard.press('Control+a');
		await marta.keyboard.press('Delete');
		await marta.getByTestId('action-editor').locator('h2').click();
		await poll(() => title(marta).locator('.field__error').innerText()).toBe('Aquest camp és obligatori.');
		await title(marta).locator('input').fill('Trucar escoles');
		await poll(() => title(marta).locator('.field__error').count()).toBe(0);
		for (const page of everyone) await poll(() => title(page).locator('input').inputValue()).toBe('Trucar escoles');
	});

	it('a hypothesis statement: two people typing at the same place each keep their words whole', async () => {
		for (const page of everyone) {
			await page.goto(`${e2e.url}/e/${engagementId}/hipotesis`);
			await saved(page);
		}
		await marta.locator('#hyp-statement').fill('Creiem que les escoles compraran');
		await marta.getByRole('button', { name: 'Afegeix la hipòtesi' }).click();
		const statement = (page: Page) => page.getByTestId('hyp-statement-field');
		for (const page of everyone) await poll(() => statement(page).locator('textarea').inputValue()).toBe('Creiem que les escoles compraran');
		for (const page of [marta, pau]) {
			await statement(page).locator('textarea').click();
			await page.keyboard.press('Control+End');
		}
		await interleave(marta, ' si les famílies ho demanen', pau, ' material reciclat');
		await poll(() => statement(marta).locator('textarea').inputValue()).toMatch(/^(?=.*si les famílies ho demanen)(?=.*material reciclat)/);
		const final = await statement(marta).locator('textarea').inputValue();
		expect([
			'Creiem que les escoles compraran si les famílies ho demanen material reciclat',
			'Creiem que les escoles compraran material reciclat si les famílies ho demanen'
		]).toContain(final);
		for (const page of everyone) await poll(() => statement(page).locator('textarea').inputValue()).toBe(final);
		await poll(() => caretNames(statement(marta))).toEqual(['Pau Roca']);
		await poll(() => caretNames(statement(pau))).toEqual(['Marta Puig']);
		await poll(async () => (await caretNames(statement(nuria))).sort()).toEqual(['Marta Puig', 'Pau Roca']);
		await statement(marta).scrollIntoViewIfNeeded();
		await shot(marta, 'hypothesis-remote-caret-1280');
		await statement(nuria).scrollIntoViewIfNeeded();
		await shot(nuria, 'hypothesis-remote-carets-360');
	});

	it('a DAFO card: both words stay and the carets show in the card', async () => {
		for (const page of everyone) {
			await page.goto(`${e2e.url}/e/${engagementId}/dafo`);
			await saved(page);
		}
		// Past private writing, anyone may add a card on the board.
		await marta.getByTestId('step-cluster').click();
		await poll(() => pau.getByTestId('new-card-F').count()).toBe(1);
		await marta.getByTestId('new-card-F').fill('Equip implicat');
		await marta.getByTestId('new-card-F').press('Enter');
		const card = (page: Page) => page.getByTestId('card-text');
		for (const page of everyone) await poll(() => card(page).locator('textarea').inputValue()).toBe('Equip implicat');
		await card(marta).locator('textarea').click();
		await marta.keyboard.press('Control+End');
		await card(pau).locator('textarea').click();
		await pau.keyboard.press('Control+Home');
		await interleave(marta, ' i format', pau, 'Un ');
		for (const page of everyone) await poll(() => card(page).locator('textarea').inputValue()).toBe('Un Equip implicat i format');
		await poll(() => caretNames(card(marta))).toEqual(['Pau Roca']);
		await poll(() => caretNames(card(pau))).toEqual(['Marta Puig']);
		await poll(async () => (await caretNames(card(nuria))).sort()).toEqual(['Marta Puig', 'Pau Roca']);
		await card(marta).scrollIntoViewIfNeeded();
		await shot(marta, 'dafo-card-remote-caret-1280');
		await card(nuria).scrollIntoViewIfNeeded();
		await shot(nuria, 'dafo-card-remote-carets-360');
		expect(pageErrors).toEqual([]);
	});
});
