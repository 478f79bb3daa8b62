// The rest of the DAFO/CAME capability, live in two browser profiles (a facilitator and a member):
// an author's own anonymous card warns before an edit that would name them in the history; board errors
// come in the UI language; card impact/likelihood/evidence/source set by one person appear for the
// other; a cross strategy pairs two cards and links an objective; link pickers (objective <-> card,
// hypothesis <-> card) work both ways; on the plan, a real mouse drag moves an action between kanban
// columns (a refused move is explained); the last-session review re-reads the sessions live.
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addAction, addCard, addObjective } from '@teixit/model';
import { ApiClient } from '../utils/http.ts';
import { connect, synced } from '../utils/yclient.ts';
import { DESKTOP, PHONE, newPerson, startE2E, type E2E } from './helpers.ts';

const FACILITATOR = { email: 'marta@calidoscoop.coop', name: 'Marta Puig', password: 'interim-executive-2026', organisationName: 'Calidoscoop' };
const SHOTS = '/tmp/shots/collab-plan';

let e2e: E2E;
let api: ApiClient;
let engagementId: string;
let marta: Page; // facilitator
let pau: Page; // member
let both: Page[] = [];
let martaId = '';
const pageErrors: string[] = [];

const poll = <T>(fn: () => Promise<T>, timeout = 15_000) => expect.poll(fn, { timeout, interval: 100 });
const dafoUrl = () => `${e2e.url}/e/${engagementId}/dafo`;
const syncPhase = (page: Page, head = '.dafo-head') => page.locator(`${head} .sync`).getAttribute('data-phase');
const currentStep = (page: Page) => page.locator('.steps__step[aria-current=step]').innerText();

async function cardWith(page: Page, text: string) {
	const handle = await page.waitForFunction(
		(t) => [...document.querySelectorAll('[data-testid=dafo-card]')].find((c) => (c.querySelector('textarea') as HTMLTextAreaElement | null)?.value === t)?.getAttribute('data-card') ?? null,
		text,
		{ timeout: 15_000 }
	);
	return page.locator(`[data-testid=dafo-card][data-card="${(await handle.jsonValue()) as string}"]`);
}

/** Desktop and phone screenshots of the page into /tmp/shots/collab-plan; nothing may stick out on a phone. */
async function shots(page: Page, name: string) {
	const before = page.viewportSize();
	await page.setViewportSize(DESKTOP);
	await page.screenshot({ path: join(SHOTS, `${name}-1280.png`), fullPage: true });
	await page.setViewportSize(PHONE);
	await page.waitForTimeout(200);
	await page.screenshot({ path: join(SHOTS, `${name}-360.png`), fullPage: true });
	const overflow = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
	if (before) await page.setViewportSize(before);
	expect(overflow, `${name}: horizontal overflow on a phone`).toBe(0);
}

/** One element at phone width (a close look at a card or a section). */
async function shootPart(page: Page, selector: string, name: string) {
	const before = page.viewportSize();
	await page.setViewportSize(PHONE);
	await page.waitForTimeout(200);
	await page.locator(selector).first().screenshot({ path: join(SHOTS, `${name}-360-part.png`) });
	if (before) await page.setViewportSize(before);
}

/** A real mouse drag (HTML5 drag and drop in Chromium): press, move in steps, release. */
async function mouseDrag(page: Page, from: { x: number; y: number; width: number; height: number }, to: { x: number; y: number; width: number; height: number }) {
	await page.mouse.move(from.x + from.width / 2, from.y + from.height / 2);
	await page.mouse.down();
	await page.mouse.move(from.x + from.width / 2 + 10, from.y + from.height / 2 + 5, { steps: 4 });
	await page.mouse.move(to.x + to.width / 2, to.y + Math.min(60, to.height / 2), { steps: 12 });
	await page.mouse.up();
}

beforeAll(async () => {
	mkdirSync(SHOTS, { recursive: true });
	e2e = await startE2E();
	api = new ApiClient(e2e.url);
	expect((await api.post('/api/v1/setup', FACILITATOR)).status).toBe(201);
	const eng = await api.post('/api/v1/engagements', { coopName: 'Opcions SCCL' });
	expect(eng.status).toBe(201);
	engagementId = eng.json.id;
	const inv = await api.post(`/api/v1/engagements/${engagementId}/invitations`, { role: 'member' });
	expect(inv.status).toBe(201);

	const f = await newPerson(e2e.browser);
	marta = f.page;
	await f.context.addCookies([{ name: 'teixit_session', value: api.cookie!.split('=')[1]!, url: e2e.url }]);
	marta.on('pageerror', (e) => pageErrors.push(`marta: ${e.message}`));
	const p = await newPerson(e2e.browser);
	pau = p.page;
	pau.on('pageerror', (e) => pageErrors.push(`pau: ${e.message}`));
	await pau.goto(inv.json.url);
	await pau.locator('#guest-name').fill('Pau Roca');
	await pau.getByRole('button', { name: 'Entra com a convidat/da' }).click();
	await pau.waitForURL(`${e2e.url}/e/${engagementId}`);
	both = [marta, pau];
	martaId = (await api.get('/api/v1/me')).json.id;

	// The facilitator's board and plan so far: two named cards, an objective and two actions.
	const ws = connect(e2e.server.wsUrl, eng.json.docName, { cookie: api.cookie });
	await synced(ws);
	addCard(ws.doc, { id: 'cardf1', quadrant: 'F', text: 'Equip molt implicat', authorId: martaId, createdAt: Date.now() });
	addCard(ws.doc, { id: 'cardd1', quadrant: 'D', text: 'Web antiga', authorId: martaId, createdAt: Date.now() });
	addObjective(ws.doc, { title: 'Guanyar licitacions públiques', category: 'compra_publica' }, martaId);
	addAction(ws.doc, { title: 'Preparar el dossier', ownerId: martaId }, martaId, { members: [martaId] });
	addAction(ws.doc, { title: 'Trucar a 20 escoles', ownerId: martaId }, martaId, { members: [martaId] });
	await new Promise((r) => setTimeout(r, 500));
	ws.destroy();
}, 180_000);

afterAll(async () => {
	await e2e?.stop();
});

describe('DAFO card fields, cross strategies and pickers, live', () => {
	it('an anonymous card: its author is warned before an edit that would name them in the history', async () => {
		for (const page of both) {
			await page.goto(dafoUrl());
			await poll(() => syncPhase(page)).toBe('saved');
		}
		await pau.getByTestId('private-quadrant').selectOption('O');
		await pau.getByTestId('private-text').fill('Licitacions amb clàusules socials');
		await pau.getByTestId('private-add').click();
		await poll(() => pau.getByTestId('private-card').count()).toBe(1);
		await poll(() => syncPhase(pau)).toBe('saved');
		await marta.getByTestId('reveal').click();
		for (const page of both) await poll(() => page.getByTestId('dafo-card').count()).toBe(3);

		const mine = await cardWith(pau, 'Licitacions amb clàusules socials');
		// Anonymous for everyone, its author included (a board is often projected in the room).
		for (const page of both) expect(await (await cardWith(page, 'Licitacions amb clàusules socials')).getByTestId('card-author').innerText()).toBe('Anònima');
		// First focus: the warning, and the text stays read-only until confirmed.
		await mine.locator('textarea').focus();
		const warning = mine.getByTestId('anon-edit-warning');
		await warning.waitFor();
		expect(await warning.innerText()).toContain("Editar aquesta targeta mostrarà el teu nom a l'historial de versions");
		expect(await mine.locator('textarea').getAttribute('readonly')).not.toBeNull();
		await mine.getByTestId('anon-edit-cancel').click();
		await poll(() => warning.count()).toBe(0);
		await mine.locator('textarea').press('x');
		await warning.waitFor();
		expect(await mine.locator('textarea').inputValue()).toBe('Licitacions amb clàusules socials');
		await mine.getByTestId('anon-edit-confirm').click();
		await poll(() => mine.locator('textarea').getAttribute('readonly')).toBeNull();
		await pau.keyboard.press('End');
		await pau.keyboard.type(' i ambientals');
		await cardWith(marta, 'Licitacions amb clàusules socials i ambientals');
		// Someone else's card (not mine): no warning.
		await (await cardWith(marta, 'Licitacions amb clàusules socials i ambientals')).locator('textarea').focus();
		expect(await marta.getByTestId('anon-edit-warning').count()).toBe(0);
	});

	it('a board error comes in the UI language, not as the model English', async () => {
		await marta.getByTestId('vote-per-person').fill('2');
		await marta.getByTestId('vote-per-card').fill('5');
		await marta.getByTestId('vote-open').click();
		await poll(() => marta.getByTestId('dafo-error').innerText()).toContain("Els punts per targeta han d'anar d'1 als punts per persona");
		expect(await currentStep(marta)).not.toContain('Votació');
		await marta.getByTestId('dafo-error').getByRole('button').click();
	});

	it('one person rates a card (impact, likelihood, source, evidence); the other sees it live; likelihood only on O/A', async () => {
		await marta.getByTestId('step-came').click();
		for (const page of both) await poll(() => currentStep(page)).toContain('Priorització');
		const o = await cardWith(pau, 'Licitacions amb clàusules socials i ambientals');
		await o.getByTestId('card-fields').locator('summary').click();
		await o.getByTestId('card-impact-select').selectOption('3');
		await o.getByTestId('card-likelihood-select').selectOption('2');
		await o.getByTestId('card-source-type').selectOption('external');
		await o.getByTestId('card-evidence-input').fill('3 licitacions el 2025');
		await o.getByTestId('card-evidence-input').press('Enter');
		const seen = await cardWith(marta, 'Licitacions amb clàusules socials i ambientals');
		await poll(() => seen.getByTestId('card-rating').innerText()).toContain('Impacte 3/3');
		await poll(() => seen.getByTestId('card-rating').innerText()).toContain('Probabilitat 2/3');
		await poll(() => seen.getByTestId('card-rating').innerText()).toContain('Dada externa');
		await poll(() => seen.getByTestId('card-evidence').innerText()).toBe('Evidència: 3 licitacions el 2025');
		// A strength has an impact but no likelihood.
		const f = await cardWith(pau, 'Equip molt implicat');
		await f.getByTestId('card-fields').locator('summary').click();
		expect(await f.getByTestId('card-likelihood-select').count()).toBe(0);
		await f.getByTestId('card-impact-select').selectOption('2');
		await poll(async () => (await cardWith(marta, 'Equip molt implicat')).getByTestId('card-impact').innerText()).toBe('Impacte 2/3');
		await shots(pau, '01-dafo-card-fields');
		await shootPart(pau, '[data-testid=quadrant-O] [data-testid=dafo-card]', '01-dafo-card-fields');
	});

	it('the facilitator creates a cross strategy; the member sees it and links an objective; both see the link', async () => {
		const form = marta.getByTestId('new-strategy');
		await form.getByTestId('new-strategy-type').selectOption('offensive');
		await form.getByTestId('new-strategy-internal').selectOption({ label: 'Equip molt implicat' });
		await form.getByTestId('new-strategy-external').selectOption({ label: 'Licitacions amb clàusules socials i ambientals' });
		await form.getByTestId('new-strategy-text').fill("Presentar-nos amb l'equip a les licitacions");
		await form.getByTestId('new-strategy-add').click();
		for (const page of both) await poll(() => page.getByTestId('strategy').count()).toBe(1);
		const st = pau.getByTestId('strategy');
		expect(await st.getAttribute('data-strategy')).toBe('offensive');
		await poll(() => st.getByTestId('strategy-text').inputValue()).toBe("Presentar-nos amb l'equip a les licitacions");
		// A survival strategy needs a weakness and a threat: with no threat on the board there is nothing to pick.
		await form.getByTestId('new-strategy-type').selectOption('survival');
		expect(await form.getByTestId('new-strategy-external').locator('option').count()).toBe(1);
		expect(await form.getByTestId('new-strategy-add').isDisabled()).toBe(true);

		await st.getByTestId('strategy-objectives-select').selectOption({ label: 'Guanyar licitacions públiques' });
		await st.getByTestId('strategy-objectives-link').click();
		for (const page of both) await poll(() => page.getByTestId('strategy').getByTestId('strategy-objectives-linked').innerText()).toContain('Objectiu: Guanyar licitacions públiques');
		await shots(marta, '02-dafo-cross-strategies');
		await shootPart(pau, '[data-testid=strategies]', '02-dafo-cross-strategies');
	});

	it('pickers: an existing objective linked to a card (and unlinked) by keyboard, seen by both', async () => {
		const card = await cardWith(marta, 'Web antiga');
		const select = card.getByTestId('card-objectives-select');
		await select.focus();
		await select.selectOption({ label: 'Guanyar licitacions públiques' });
		await card.getByTestId('card-objectives-link').press('Enter');
		for (const page of both) await poll(async () => (await cardWith(page, 'Web antiga')).getByTestId('card-objectives-linked').innerText()).toContain('Objectiu: Guanyar licitacions públiques');
		const onPau = await cardWith(pau, 'Web antiga');
		await onPau.getByTestId('card-actions-select').selectOption({ label: 'Preparar el dossier' });
		await onPau.getByTestId('card-actions-link').click();
		await poll(async () => (await cardWith(marta, 'Web antiga')).getByTestId('card-actions-linked').count()).toBe(1);
		await shots(pau, '03-dafo-card-pickers');
		await shootPart(pau, '[data-testid=quadrant-D] [data-testid=dafo-card]', '03-dafo-card-pickers');
		await onPau.getByTestId('card-actions-unlink').click();
		await poll(async () => (await cardWith(marta, 'Web antiga')).getByTestId('card-actions-linked').count()).toBe(0);
	});

	it('hypotheses link DAFO cards from the hypotheses page; the card shows the hypothesis; the objective shows its cards and strategy', async () => {
		await pau.goto(`${e2e.url}/e/${engagementId}/hipotesis`);
		await pau.locator('#hyp-statement').fill('Creiem que les escoles compraran a cooperatives locals');
		await pau.getByRole('button', { name: 'Afegeix la hipòtesi' }).click();
		const h = pau.getByTestId('hypothesis');
		await h.waitFor();
		await h.getByTestId('hyp-cards-select').selectOption({ label: 'Oportunitats: Licitacions amb clàusules socials i ambientals' });
		await h.getByTestId('hyp-cards-link').click();
		await poll(() => h.getByTestId('hyp-cards-linked').count()).toBe(1);
		await shots(pau, '04-hypothesis-card-picker');
		await shootPart(pau, '[data-testid=hypothesis]', '04-hypothesis-card-picker');
		const onMarta = await cardWith(marta, 'Licitacions amb clàusules socials i ambientals');
		await poll(() => onMarta.getByTestId('linked-hypothesis').innerText()).toBe('Hipòtesi H1: Creiem que les escoles compraran a cooperatives locals');

		await pau.goto(`${e2e.url}/e/${engagementId}/pla`);
		const obj = pau.getByTestId('objective').filter({ hasText: 'Guanyar licitacions públiques' });
		await obj.getByTestId('objective-toggle').click();
		await poll(() => obj.getByTestId('objective-cards').innerText()).toContain('Web antiga');
		expect(await obj.getByTestId('objective-strategy').innerText()).toBe("Estratègia Ofensiva: Presentar-nos amb l'equip a les licitacions");
	});
});

describe('an observer', () => {
	it('sees ratings, strategies and links read-only, in English, with no controls to change them', async () => {
		const inv = await api.post(`/api/v1/engagements/${engagementId}/invitations`, { role: 'observer' });
		expect(inv.status).toBe(201);
		const o = await newPerson(e2e.browser, { locale: 'en-GB' });
		o.page.on('pageerror', (e) => pageErrors.push(`observer: ${e.message}`));
		await o.page.goto(inv.json.url);
		await o.page.locator('#guest-name').fill('Grup ECOS');
		await o.page.getByRole('button', { name: 'Join as a guest' }).click();
		await o.page.waitForURL(`${e2e.url}/e/${engagementId}`);
		await o.page.goto(dafoUrl());
		const card = await cardWith(o.page, 'Licitacions amb clàusules socials i ambientals');
		await poll(() => card.getByTestId('card-rating').innerText()).toContain('Impact 3/3');
		expect(await card.getByTestId('card-rating').innerText()).toContain('Likelihood 2/3');
		expect(await card.getByTestId('card-rating').innerText()).toContain('External data');
		expect(await card.getByTestId('linked-hypothesis').innerText()).toContain('Hypothesis H1');
		expect(await o.page.getByTestId('card-fields').count()).toBe(0);
		const st = o.page.getByTestId('strategy');
		expect(await st.innerText()).toContain('Offensive');
		expect(await st.getByTestId('strategy-text-view').innerText()).toBe("Presentar-nos amb l'equip a les licitacions");
		expect(await st.getByTestId('strategy-objectives-title').innerText()).toBe('Objective: Guanyar licitacions públiques');
		for (const id of ['new-strategy', 'strategy-remove', 'strategy-objectives-select', 'card-objectives-select', 'card-objectives-unlink', 'anon-edit-warning']) expect(await o.page.getByTestId(id).count(), id).toBe(0);
		await shots(o.page, '06-dafo-observer-en');
		await o.context.close();
	});
});

describe('plan: kanban mouse drag and live last-session review', () => {
	it('dragging an action to another status column with the mouse moves it for everyone; a refused move is explained', async () => {
		await marta.goto(`${e2e.url}/e/${engagementId}/pla`);
		await poll(() => syncPhase(marta, '.plan-head')).toBe('saved');
		await poll(() => syncPhase(pau, '.plan-head')).toBe('saved');
		await marta.getByRole('tab', { name: 'Kanban' }).click();
		await pau.getByRole('tab', { name: 'Kanban' }).click();
		const kcard = (page: Page, title: string) => page.getByTestId('kcard').filter({ hasText: title });
		const inColumn = (page: Page, status: string, title: string) => page.getByTestId(`kcol-${status}`).getByTestId('kcard').filter({ hasText: title }).count();

		await kcard(marta, 'Preparar el dossier').scrollIntoViewIfNeeded();
		await mouseDrag(marta, (await kcard(marta, 'Preparar el dossier').boundingBox())!, (await marta.getByTestId('kcol-doing').boundingBox())!);
		for (const page of both) await poll(() => inColumn(page, 'doing', 'Preparar el dossier')).toBe(1);

		// To do -> done is not allowed (work starts before it is done): the drop says so, nothing moves.
		await mouseDrag(marta, (await kcard(marta, 'Trucar a 20 escoles').boundingBox())!, (await marta.getByTestId('kcol-done').boundingBox())!);
		await poll(() => marta.getByTestId('kanban').getByRole('alert').innerText()).toContain('Feta');
		expect(await inColumn(marta, 'todo', 'Trucar a 20 escoles')).toBe(1);
		expect(await inColumn(pau, 'todo', 'Trucar a 20 escoles')).toBe(1);
		await shots(marta, '05-plan-kanban-refused-drop');
	});

	it("the last session's review re-reads the sessions live when the facilitator starts and ends one", async () => {
		await pau.getByTestId('review').waitFor();
		// (textContent: the review is folded while no session runs.)
		expect(await pau.getByTestId('review').textContent()).toContain('Encara no hi ha cap sessió anterior');
		await marta.getByTestId('session-start').click();
		await poll(() => marta.getByTestId('session-running').count()).toBe(1);
		// A running session opens the review for the member (no reload).
		await poll(() => pau.locator('[data-testid=review] details').getAttribute('open')).not.toBeNull();
		await marta.getByTestId('session-end').click();
		await poll(() => marta.getByTestId('session-running').count()).toBe(0);
		await poll(() => pau.getByTestId('review').textContent()).toContain('Des de la sessió acabada el');
		expect(pageErrors).toEqual([]);
	});
});
