// The participatory self-diagnosis, run live by a facilitator, in real browsers against the real server:
// one facilitator (desktop) and three members (one on a 360 px phone) in separate browser profiles.
// (plus a late observer in English) T0 run + workshop session -> silent private scoring -> "3 de 3" -> reveal -> the same aggregates
// everywhere -> "bring everyone" + live item notes -> agreed score -> shared timer -> end of session, then
// a T1 run compared with T0. Privacy: the facilitator's browser never receives an individual answer.
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ApiClient } from '../utils/http.ts';
import { join } from 'node:path';
import { ARTIFACTS, PHONE, newPerson, shoot, startE2E, type E2E } from './helpers.ts';

const COOP = "L'Apòstrof SCCL";
const FACILITATOR = { email: 'marta@calidoscoop.coop', name: 'Marta Puig', password: 'interim-executive-2026', organisationName: 'Calidoscoop' };
const MEMBERS = ['Núria Vidal', 'Pau Roca', 'Laia Soler'] as const;

let e2e: E2E;
let engagementId: string;
let facilitator: Page;
let members: Page[] = [];
let everyone: Page[] = [];
const pageErrors: string[] = [];
/** Everything the facilitator's browser received over its sync sockets, and the documents it opened. */
const facilitatorFrames: Buffer[] = [];
const facilitatorSockets: string[] = [];
const memberSockets: string[][] = [[], [], []];

const poll = <T>(fn: () => Promise<T>, timeout = 15_000) => expect.poll(fn, { timeout, interval: 100 });
const dxUrl = () => `${e2e.url}/e/${engagementId}/diagnosi`;
const item = (page: Page, key: string) => page.locator(`li.item[data-item="${key}"]`);
const stat = (page: Page, key: string, name: string) => item(page, key).locator(`[data-stat="${name}"]`).innerText();
const readiness = (page: Page) => page.getByTestId('readiness').locator('[role=status]').innerText();
const syncPhase = (page: Page) => page.locator('.dx-head .sync').getAttribute('data-phase');

/** Pick a score (or "dk") for an item by clicking its label, as a person would on a phone. */
async function score(page: Page, itemKey: string, value: number | 'dk') {
	const input = page.locator(`input[name="score-${itemKey}"][value="${value}"]`);
	await input.locator('xpath=..').click();
	await poll(() => input.isChecked()).toBe(true);
}

async function importance(page: Page, itemKey: string, value: 1 | 2 | 3) {
	const input = page.locator(`input[name="imp-${itemKey}"][value="${value}"]`);
	await input.locator('xpath=..').click();
	await poll(() => input.isChecked()).toBe(true);
}

beforeAll(async () => {
	e2e = await startE2E();
	// The cast is set up through the API (the browser suite covers setup and invitations in the UI).
	const api = new ApiClient(e2e.url);
	const setup = await api.post('/api/v1/setup', FACILITATOR);
	expect(setup.status).toBe(201);
	const eng = await api.post('/api/v1/engagements', { coopName: COOP });
	expect(eng.status).toBe(201);
	engagementId = eng.json.id;
	const inv = await api.post(`/api/v1/engagements/${engagementId}/invitations`, { role: 'member' });
	expect(inv.status).toBe(201);

	const f = await newPerson(e2e.browser);
	facilitator = f.page;
	await f.context.addCookies([{ name: 'teixit_session', value: api.cookie!.split('=')[1]!, url: e2e.url }]);
	facilitator.on('pageerror', (e) => pageErrors.push(`facilitator: ${e.message}`));
	facilitator.on('websocket', (ws) => {
		facilitatorSockets.push(ws.url());
		ws.on('framereceived', ({ payload }) => facilitatorFrames.push(Buffer.isBuffer(payload) ? payload : Buffer.from(payload)));
	});

	// Members join as guests with the one member link: the first on a phone.
	members = [];
	for (const [i, name] of MEMBERS.entries()) {
		const p = await newPerson(e2e.browser, i === 0 ? { viewport: PHONE, isMobile: true, hasTouch: true } : {});
		p.page.on('pageerror', (e) => pageErrors.push(`${name}: ${e.message}`));
		p.page.on('websocket', (ws) => memberSockets[i]!.push(ws.url()));
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

describe('participatory self-diagnosis, run live by a facilitator', () => {
	it('the facilitator opens it from the engagement page, creates the T0 run and starts a session', async () => {
		await facilitator.goto(`${e2e.url}/e/${engagementId}`);
		await facilitator.getByTestId('diagnosis-link').click();
		await facilitator.waitForURL(dxUrl());
		await facilitator.getByTestId('no-run').waitFor();
		await poll(() => syncPhase(facilitator)).toBe('saved');
		expect((await shoot(facilitator, '10-diagnosis-empty-facilitator')).horizontalOverflow).toBe(0);

		await facilitator.getByTestId('create-run').click();
		await poll(() => facilitator.locator('.step[aria-current=step]').innerText()).toContain('Puntuació individual');
		expect(await facilitator.getByRole('heading', { name: 'Passada T0' }).count()).toBe(1);

		await facilitator.getByTestId('session-start').click();
		await poll(() => facilitator.getByTestId('session-running').innerText()).toContain('Sessió en curs des de');
		expect(await facilitator.getByTestId('budget').innerText()).toContain('de 90 h');
		await poll(() => readiness(facilitator)).toBe('0 de 3 han puntuat');
		await poll(() => syncPhase(facilitator)).toBe('saved');
	});

	it('members see the scoring form (read-only step bar, no controls) and score privately with autosave', async () => {
		for (const page of members) {
			await page.goto(dxUrl());
			await page.getByTestId('scoring').waitFor();
			await poll(() => readiness(page)).toBe('0 de 3 han puntuat');
			expect(await page.getByTestId('next-step').count()).toBe(0);
			expect(await page.getByTestId('reveal').count()).toBe(0);
			expect(await page.getByTestId('progress').innerText()).toBe('0 / 40');
		}
		const [nuria, pau, laia] = members as [Page, Page, Page];

		// Núria, on her phone: D1.1 = 2 (importance Alta), D1.2 with the keyboard, D1.3 = 4.
		await score(nuria, 'D1.1', 2);
		await importance(nuria, 'D1.1', 3);
		const first = nuria.locator('input[name="score-D1.2"]').first();
		await first.focus();
		await nuria.keyboard.press('Space');
		await nuria.keyboard.press('ArrowRight');
		await nuria.keyboard.press('ArrowRight');
		await poll(() => nuria.locator('input[name="score-D1.2"]:checked').getAttribute('value')).toBe('3');
		await score(nuria, 'D1.3', 4);
		await poll(() => nuria.getByTestId('progress').innerText()).toBe('3 / 40');
		// A unique answer only Núria gives (privacy check below).
		await score(nuria, 'D2.4', 1);
		await poll(() => nuria.getByTestId('progress').innerText()).toBe('4 / 40');
		await poll(() => syncPhase(nuria)).toBe('saved');
		expect((await shoot(nuria, '11-scoring-member-phone')).horizontalOverflow).toBe(0);
		// What the phone shows while scoring: the progress bar and "He acabat" stay at the bottom.
		await nuria.locator('fieldset[data-item="D3.2"]').scrollIntoViewIfNeeded();
		await nuria.screenshot({ path: join(ARTIFACTS, '11-scoring-member-phone-viewport.png') });
		expect(await nuria.getByTestId('ready').isVisible()).toBe(true);

		// Pau: D1.1 = 4 (Alta), D1.2 = 3, D1.3 "No ho sé".
		await score(pau, 'D1.1', 4);
		await importance(pau, 'D1.1', 3);
		await score(pau, 'D1.2', 3);
		await score(pau, 'D1.3', 'dk');
		// Laia: D1.1 = 5 (Mitjana), D1.2 = 3, D1.3 = 4.
		await score(laia, 'D1.1', 5);
		await importance(laia, 'D1.1', 2);
		await score(laia, 'D1.2', 3);
		await score(laia, 'D1.3', 4);

		// Answers survive a reload (they are in the member's private document on the server).
		await pau.reload();
		await pau.getByTestId('scoring').waitFor();
		await poll(() => pau.locator('input[name="score-D1.3"][value=dk]').isChecked()).toBe(true);
		await poll(() => pau.getByTestId('progress').innerText()).toBe('3 / 40');
	});

	it('"He acabat": everyone sees the count grow to "3 de 3", never who', async () => {
		const [nuria, pau, laia] = members as [Page, Page, Page];
		await nuria.getByTestId('ready').click();
		for (const page of everyone) await poll(() => readiness(page)).toBe('1 de 3 ha puntuat');
		await pau.getByTestId('ready').click();
		await laia.getByTestId('ready').click();
		for (const page of everyone) await poll(() => readiness(page)).toBe('3 de 3 han puntuat');
		await poll(() => nuria.getByTestId('scorebar').innerText()).toContain('Has marcat que has acabat');
		expect((await shoot(facilitator, '12-readiness-facilitator')).horizontalOverflow).toBe(0);
		// No names anywhere near the count.
		for (const name of MEMBERS) expect(await facilitator.getByTestId('readiness').innerText()).not.toContain(name);
	});

	it('the facilitator reveals; all four see the same aggregates, in discussion order', async () => {
		await facilitator.getByTestId('reveal').click();
		for (const page of everyone) {
			await page.getByTestId('results').waitFor({ timeout: 15_000 });
			await poll(() => page.locator('.step[aria-current=step]').innerText()).toContain('Revelació');
		}
		const seen: string[] = [];
		for (const page of everyone) {
			// D1.1 = [2, 4, 5]: n 3, mean 3.67, median 4, IQR 1.5 (type 7), 2 of 3 within ±1 of 4, polarised -> Dissens;
			// priority = mean importance (3+3+2)/3 x (5 - 3.67) = 3.56.
			await poll(() => stat(page, 'D1.1', 'n')).toBe('3');
			expect(await stat(page, 'D1.1', 'mean')).toBe('3,7');
			expect(await stat(page, 'D1.1', 'median')).toBe('4');
			expect(await stat(page, 'D1.1', 'iqr')).toBe('1,5');
			expect(await stat(page, 'D1.1', 'agreement')).toMatch(/^67\s?%$/);
			expect(await stat(page, 'D1.1', 'priority')).toBe('3,6');
			expect(await item(page, 'D1.1').getByTestId('consensus').innerText()).toContain('Dissens');
			expect(await item(page, 'D1.1').getByTestId('histogram').getAttribute('aria-label')).toContain('2 (Incipient): 1; 3 (En desenvolupament): 0; 4 (Consolidat): 1; 5 (Exemplar): 1');
			// D1.2 = [3, 3, 3]: Consens.
			expect(await stat(page, 'D1.2', 'mean')).toBe('3');
			expect(await item(page, 'D1.2').getByTestId('consensus').innerText()).toContain('Consens');
			// D1.3 = [4, 4] + one "No ho sé": fewer than 3 answers, so the distribution and every statistic that
			// would give them away are withheld; only the count and the small-sample flag remain.
			expect(await stat(page, 'D1.3', 'n')).toContain('2');
			expect(await stat(page, 'D1.3', 'n')).toContain('+1 no ho sé');
			expect(await item(page, 'D1.3').getByTestId('histogram-withheld').innerText()).toBe('Massa poques respostes per mostrar la distribució');
			expect(await item(page, 'D1.3').locator('[data-stat=mean]').count()).toBe(0);
			expect(await item(page, 'D1.3').getByTestId('consensus').count()).toBe(0);
			expect(await item(page, 'D1.3').innerText()).toContain('Mostra petita');
			// Disagreement first.
			expect(await page.locator('li.item').first().getAttribute('data-item')).toBe('D1.1');
			// Dimension D1 = mean of the shown item means (3.67 + 3) / 2 = 3.33 (D1.3 is withheld).
			expect(await page.locator('[data-testid=dimension-table] tr[data-dimension=D1] [data-stat=score]').innerText()).toBe('3,3');
			// Withheld items come last.
			expect(await page.locator('li.item').last().getAttribute('data-item')).not.toBe('D1.1');
			seen.push(await page.getByTestId('results').locator('ol.dx-items').innerText());
		}
		// Identical team view in every browser.
		expect(new Set(seen.map((s) => s.replace(/\s+/g, ' '))).size).toBe(1);
		expect((await shoot(facilitator, '13-revealed-facilitator')).horizontalOverflow).toBe(0);
		expect((await shoot(members[0]!, '14-revealed-member-phone')).horizontalOverflow).toBe(0);
	});

	it('discussion: "bring everyone" moves everyone to the item; notes typed by one appear live for another', async () => {
		await facilitator.getByTestId('next-step').click();
		for (const page of everyone) await poll(() => page.locator('.step[aria-current=step]').innerText()).toContain('Debat');

		await item(facilitator, 'D1.1').locator('.item__toggle').click();
		await item(facilitator, 'D1.1').getByTestId('bring-everyone').click();
		for (const page of members) {
			await poll(() => item(page, 'D1.1').locator('.item__toggle').getAttribute('aria-expanded')).toBe('true');
			await poll(() => item(page, 'D1.1').getByTestId('summoned').innerText()).toBe('La persona facilitadora us ha portat aquí.');
			await poll(() => page.getByTestId('announcer').innerText()).toContain('us ha portat a D1.1');
			// Keyboard focus follows, so a screen reader user lands on the item too.
			await poll(() => page.evaluate(() => document.activeElement?.id)).toBe('item-D1.1-toggle');
		}
		// Presence: the facilitator sees who is on which item (only now, in the discussion): all four.
		await poll(async () => (await facilitator.getByTestId('person-item').allInnerTexts()).filter((t) => t === 'a D1.1').length).toBe(4);

		const [nuria, pau] = members as [Page, Page];
		const nuriaNotes = item(nuria, 'D1.1').locator('.ProseMirror');
		await nuriaNotes.waitFor();
		await nuriaNotes.click();
		await nuria.keyboard.type('Ens costa explicar-ho en una frase.');
		await poll(() => item(pau, 'D1.1').locator('.ProseMirror').innerText()).toContain('Ens costa explicar-ho en una frase.');
		await poll(() => item(facilitator, 'D1.1').locator('.ProseMirror').innerText()).toContain('Ens costa explicar-ho en una frase.');
		// Núria's caret, with her name, in Pau's editor.
		await poll(() => item(pau, 'D1.1').locator('.collaboration-carets__label').allInnerTexts()).toContain('Núria Vidal');

		// Follow: Pau follows the facilitator, who opens D1.2.
		await pau.locator(`[data-testid=people] li.person[data-user-id]`, { hasText: FACILITATOR.name }).getByRole('button', { name: /Segueix/ }).click();
		await item(facilitator, 'D1.2').locator('.item__toggle').click();
		await poll(() => item(pau, 'D1.2').locator('.item__toggle').getAttribute('aria-expanded')).toBe('true');
		await poll(() => syncPhase(nuria)).toBe('saved');
		expect((await shoot(nuria, '15-discussion-member-phone')).horizontalOverflow).toBe(0);
		expect((await shoot(facilitator, '16-discussion-facilitator')).horizontalOverflow).toBe(0);
	});

	it('the facilitator records an agreed score with its rationale; everyone sees it', async () => {
		await facilitator.getByTestId('next-step').click(); // -> Segona ronda (opcional)
		await facilitator.getByTestId('next-step').click(); // -> Puntuació acordada
		for (const page of everyone) await poll(() => page.locator('.step[aria-current=step]').innerText()).toContain('Puntuació acordada');

		const d11 = item(facilitator, 'D1.1');
		if ((await d11.locator('.item__toggle').getAttribute('aria-expanded')) !== 'true') await d11.locator('.item__toggle').click();
		await d11.getByTestId('bring-everyone').click();
		await d11.getByLabel("Puntuació acordada per l'equip").selectOption('3');
		await d11.getByLabel('Justificació').fill('Tenim la idea, però no l’hem contrastat amb clients.');
		await d11.getByTestId('save-agreed').click();
		for (const page of everyone) {
			await poll(() => item(page, 'D1.1').getByTestId('agreed-badge').innerText()).toBe('Puntuació acordada: 3');
			await poll(() => item(page, 'D1.1').locator('.item__toggle').getAttribute('aria-expanded')).toBe('true');
			await poll(() => item(page, 'D1.1').getByTestId('agreed').innerText()).toContain('no l’hem contrastat amb clients');
			expect(await item(page, 'D1.1').getByTestId('agreed').innerText()).toContain(`Registrada per ${FACILITATOR.name}`);
			expect(await page.locator('[data-testid=dimension-table] tr[data-dimension=D1] [data-stat=agreed]').innerText()).toBe('3');
		}
		// Members cannot record one.
		for (const page of members) expect(await item(page, 'D1.1').getByTestId('save-agreed').count()).toBe(0);
		expect((await shoot(facilitator, '17-agreed-facilitator')).horizontalOverflow).toBe(0);
	});

	it('an observer (English browser) sees the same team view, read-only, in English', async () => {
		const api = new ApiClient(e2e.url);
		await api.post('/api/v1/auth/login', { email: FACILITATOR.email, password: FACILITATOR.password });
		const inv = await api.post(`/api/v1/engagements/${engagementId}/invitations`, { role: 'observer' });
		const o = await newPerson(e2e.browser, { locale: 'en-GB' });
		o.page.on('pageerror', (e) => pageErrors.push(`observer: ${e.message}`));
		await o.page.goto(inv.json.url);
		await o.page.locator('#guest-name').fill('Grup ECOS');
		await o.page.getByRole('button', { name: 'Join as a guest' }).click();
		await o.page.waitForURL(`${e2e.url}/e/${engagementId}`);
		await o.page.goto(dxUrl());
		await o.page.getByTestId('results').waitFor();
		expect(await o.page.getByRole('heading', { level: 2, name: 'Team results · T0' }).count()).toBe(1);
		await poll(() => stat(o.page, 'D1.1', 'mean')).toBe('3.7');
		expect(await item(o.page, 'D1.1').getByTestId('consensus').innerText()).toContain('Disagreement');
		expect(await o.page.locator('.step[aria-current=step]').innerText()).toContain('Agreed scores');
		expect(await item(o.page, 'D1.1').getByTestId('agreed-badge').innerText()).toBe('Agreed score: 3');
		// Template texts in English too; no scoring, no controls, notes read-only.
		expect(await item(o.page, 'D1.1').locator('.item__text').innerText()).toBe('We can say in one sentence what we offer, to whom, and why we differ');
		expect(await o.page.getByTestId('next-step').count()).toBe(0);
		// Arriving late, they land on the item the facilitator brought everyone to.
		await poll(() => item(o.page, 'D1.1').locator('.item__toggle').getAttribute('aria-expanded')).toBe('true');
		const notes = item(o.page, 'D1.1').locator('.ProseMirror');
		await poll(() => notes.innerText()).toContain('Ens costa explicar-ho en una frase.');
		expect(await notes.getAttribute('contenteditable')).toBe('false');
		await poll(() => syncPhase(o.page)).toBe('saved');
		expect(await o.page.locator('.dx-head .sync').innerText()).toContain('live');
		expect((await shoot(o.page, '21-observer-en')).horizontalOverflow).toBe(0);
		await o.context.close();
	});

	it('a shared timer counts down from the server clock everywhere, +1 min, survives a reload, pauses and stops', async () => {
		const seconds = async (page: Page) => Number(await page.getByTestId('timer-time').getAttribute('data-remaining')) / 1000;
		await facilitator.locator('#timer-minutes').selectOption('2');
		await facilitator.getByTestId('timer-start').click();
		for (const page of everyone) await poll(() => seconds(page)).toBeGreaterThan(100);
		for (const page of everyone) expect(await seconds(page)).toBeLessThanOrEqual(120);
		await facilitator.getByTestId('timer-extend').click();
		for (const page of everyone) await poll(() => seconds(page)).toBeGreaterThan(160);
		const laia = members[2]!;
		await laia.reload();
		await poll(() => seconds(laia)).toBeGreaterThan(150);
		expect(await seconds(laia)).toBeLessThanOrEqual(180);
		expect((await shoot(members[0]!, '18-timer-member-phone')).horizontalOverflow).toBe(0);

		await facilitator.getByRole('button', { name: 'Pausa' }).click();
		for (const page of everyone) await poll(() => page.getByTestId('timer').innerText()).toContain('En pausa');
		await facilitator.getByRole('button', { name: 'Atura' }).click();
		for (const page of members) await poll(() => page.getByTestId('timer').count()).toBe(0);
	});

	it('the facilitator ends the session: hours and attendance come from the server', async () => {
		await facilitator.getByTestId('session-end').click();
		// Everyone who was connected during the session: the facilitator, three members and the observer.
		await poll(() => facilitator.getByTestId('session-message').innerText()).toMatch(/Sessió finalitzada: 0,25 h, 5 persones assistents/);
		await poll(() => facilitator.getByTestId('budget').innerText()).toContain('0,25 de 90 h');
		expect(await facilitator.getByTestId('session-start').isVisible()).toBe(true);
	});

	it('privacy: the facilitator never received an individual answer, nor opened anyone’s private document', async () => {
		// Individual answers are the only values with a `dontKnow` field and `ready/…` keys (aggregates have
		// `nDontKnow` and `readiness/…`); none of it may ever reach the facilitator's browser.
		const all = Buffer.concat(facilitatorFrames);
		expect(all.length).toBeGreaterThan(0);
		expect(all.includes('dontKnow')).toBe(false);
		expect(all.includes('ready/')).toBe(false);
		expect(facilitatorSockets.some((u) => u.includes('.private.'))).toBe(false);
		// Each member opened exactly one private document: their own.
		for (const sockets of memberSockets) expect(new Set(sockets.filter((u) => u.includes('.private.')).map((u) => u.split('/').pop())).size).toBe(1);
		// And the page shows no individual answer: Núria alone answered D2.4 (with a 1). The facilitator sees
		// that one person answered, and nothing that would tell the answer: no mean, no distribution, and
		// dimension D2 (whose only answered item it is) has no score.
		const d24 = item(facilitator, 'D2.4');
		expect(await d24.locator('[data-stat=n]').innerText()).toBe('1');
		expect(await d24.getByTestId('histogram-withheld').count()).toBe(1);
		expect(await d24.locator('[data-stat=mean], [data-stat=median], [data-stat=priority]').count()).toBe(0);
		expect(await facilitator.locator('[data-testid=dimension-table] tr[data-dimension=D2] [data-stat=score]').innerText()).toBe('—');
	});

	it('T1 after the first run: everyone sees T0 vs T1 side by side, radar and table', async () => {
		await facilitator.getByTestId('next-step').click(); // -> Tancada
		await facilitator.getByTestId('create-next-run').click();
		for (const page of members) await page.getByTestId('scoring').waitFor();
		const t1 = [5, 4, 4] as const;
		for (const [i, page] of members.entries()) {
			await score(page, 'D1.1', t1[i]!);
			await score(page, 'D1.2', 4);
			await page.getByTestId('ready').click();
		}
		await poll(() => readiness(facilitator)).toBe('3 de 3 han puntuat');
		await facilitator.getByTestId('reveal').click();
		for (const page of everyone) {
			await page.getByTestId('compare-table').waitFor({ timeout: 15_000 });
			const row = page.locator('[data-testid=compare-table] tbody tr').first();
			// D1: T0 3.33 -> T1 mean of (4.33, 4) = 4.17: +0.8.
			await poll(() => row.innerText()).toMatch(/3,3\s+4,2\s+\+0,8/);
			await page.locator('.radar canvas').first().waitFor();
		}
		expect((await shoot(facilitator, '19-compare-facilitator')).horizontalOverflow).toBe(0);
		expect((await shoot(members[0]!, '20-compare-member-phone')).horizontalOverflow).toBe(0);
	});

	it('had no page errors', () => {
		expect(pageErrors).toEqual([]);
	});
});
