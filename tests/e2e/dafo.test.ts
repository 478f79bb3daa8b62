// The DAFO/CAME board run live, in real browsers against the real server: a facilitator (desktop) and two
// members (one on a 360 px phone) in separate browser profiles. Private cards -> anonymous reveal ->
// clusters (select and drag) and live co-editing -> dot voting (secret until closed) -> CAME: the top card
// becomes an objective and an action that all three see. Privacy: before the reveal no browser receives
// anyone else's private card; after an anonymous reveal, no frame carrying a card names its author.
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_TEMPLATE, createRun } from '@teixit/model';
import { ApiClient } from '../utils/http.ts';
import { connect, synced } from '../utils/yclient.ts';
import { PHONE, newPerson, shoot, startE2E, type E2E } from './helpers.ts';

const FACILITATOR = { email: 'marta@calidoscoop.coop', name: 'Marta Puig', password: 'interim-executive-2026', organisationName: 'Calidoscoop' };
const MEMBERS = ['Núria Vidal', 'Pau Roca'] as const;

let e2e: E2E;
let engagementId: string;
let facilitator: Page;
let nuria: Page;
let pau: Page;
let everyone: Page[] = [];
let nuriaId = '';
const pageErrors: string[] = [];
/** Frames each browser received over its sync sockets, with the time. */
const frames = new Map<Page, { at: number; text: string }[]>();

const poll = <T>(fn: () => Promise<T>, timeout = 15_000) => expect.poll(fn, { timeout, interval: 100 });
const dafoUrl = () => `${e2e.url}/e/${engagementId}/dafo`;
const cards = (page: Page) => page.getByTestId('dafo-card');
const syncPhase = (page: Page) => page.locator('.dafo-head .sync').getAttribute('data-phase');
const currentStep = (page: Page) => page.locator('.steps__step[aria-current=step]').innerText();

async function cardWith(page: Page, text: string) {
	// textarea values are properties, not text: find the card whose textarea holds `text`.
	const handle = await page.waitForFunction(
		(t) => [...document.querySelectorAll('[data-testid=dafo-card]')].find((c) => (c.querySelector('textarea') as HTMLTextAreaElement | null)?.value === t)?.getAttribute('data-card') ?? null,
		text,
		{ timeout: 15_000 }
	);
	const id = (await handle.jsonValue()) as string;
	return page.locator(`[data-testid=dafo-card][data-card="${id}"]`);
}

function record(page: Page, who: string) {
	const list: { at: number; text: string }[] = [];
	frames.set(page, list);
	page.on('pageerror', (e) => pageErrors.push(`${who}: ${e.message}`));
	page.on('websocket', (ws) => {
		ws.on('framereceived', ({ payload }) => list.push({ at: Date.now(), text: (Buffer.isBuffer(payload) ? payload : Buffer.from(payload)).toString('utf8') }));
	});
}

beforeAll(async () => {
	e2e = await startE2E();
	const api = new ApiClient(e2e.url);
	expect((await api.post('/api/v1/setup', FACILITATOR)).status).toBe(201);
	const eng = await api.post('/api/v1/engagements', { coopName: 'Opcions SCCL' });
	expect(eng.status).toBe(201);
	engagementId = eng.json.id;
	const inv = await api.post(`/api/v1/engagements/${engagementId}/invitations`, { role: 'member' });
	expect(inv.status).toBe(201);
	// A diagnosis run exists (its items are what cards cite); written as the facilitator over the protocol.
	const ws = connect(e2e.server.wsUrl, eng.json.docName, { cookie: api.cookie });
	await synced(ws);
	createRun(ws.doc, { id: 'T0', label: 'T0', template: DEFAULT_TEMPLATE, startedAt: Date.now() });
	await new Promise((r) => setTimeout(r, 500));
	ws.destroy();

	const f = await newPerson(e2e.browser);
	facilitator = f.page;
	await f.context.addCookies([{ name: 'teixit_session', value: api.cookie!.split('=')[1]!, url: e2e.url }]);
	record(facilitator, 'facilitator');

	const pages: Page[] = [];
	for (const [i, name] of MEMBERS.entries()) {
		const p = await newPerson(e2e.browser, i === 1 ? { viewport: PHONE, isMobile: true, hasTouch: true } : {});
		record(p.page, name);
		await p.page.goto(inv.json.url);
		await p.page.locator('#guest-name').fill(name);
		await p.page.getByRole('button', { name: 'Entra com a convidat/da' }).click();
		await p.page.waitForURL(`${e2e.url}/e/${engagementId}`);
		pages.push(p.page);
	}
	[nuria, pau] = pages as [Page, Page];
	everyone = [facilitator, nuria, pau];
	nuriaId = await nuria.evaluate(async () => ((await (await fetch('/api/v1/me')).json()) as { id: string }).id);
}, 180_000);

afterAll(async () => {
	await e2e?.stop();
});

describe('DAFO/CAME board, run live by a facilitator', () => {
	it('everyone opens the board from the engagement page; it starts in private writing', async () => {
		for (const page of everyone) {
			await page.goto(`${e2e.url}/e/${engagementId}`);
			await page.getByTestId('dafo-link').click();
			await page.waitForURL(dafoUrl());
			await poll(() => syncPhase(page)).toBe('saved');
			await poll(() => currentStep(page)).toContain('Aportació privada');
		}
		// Only the facilitator has the controls.
		expect(await facilitator.getByTestId('reveal').count()).toBe(1);
		expect(await nuria.getByTestId('reveal').count()).toBe(0);
		expect(await pau.getByTestId('vote-open').count()).toBe(0);
	});

	it('each person writes cards privately; nobody else receives them before the reveal', async () => {
		const write = async (page: Page, quadrant: string, text: string) => {
			await page.getByTestId('private-quadrant').selectOption(quadrant);
			await page.getByTestId('private-text').fill(text);
			await page.getByTestId('private-add').click();
			await poll(() => page.getByTestId('private-card').filter({ hasText: text }).count()).toBe(1);
		};
		await write(nuria, 'D', 'Web antiga i poc visible');
		// Núria's opportunity cites the diagnosis item it comes from.
		await nuria.getByLabel('Ítem de la diagnosi').selectOption('D1.1');
		await write(nuria, 'O', 'Licitacions amb clàusules socials');
		await write(pau, 'F', 'Equip molt implicat');
		await write(facilitator, 'A', 'Competència de grans empreses');
		for (const page of everyone) await poll(() => syncPhase(page)).toBe('saved');
		await poll(() => pau.getByTestId('private-count').innerText()).toContain('Pendents de revelar: 1');
		expect(await cards(pau).count()).toBe(0);
		expect((await shoot(pau, '60-dafo-private-writing-member')).horizontalOverflow).toBe(0);
		// No one else's private text reached another browser.
		expect(frames.get(pau)!.some((f) => f.text.includes('Licitacions'))).toBe(false);
		expect(frames.get(facilitator)!.some((f) => f.text.includes('Licitacions') || f.text.includes('Equip molt'))).toBe(false);
		expect(frames.get(nuria)!.some((f) => f.text.includes('Equip molt') || f.text.includes('Competència'))).toBe(false);
	});

	it('the facilitator reveals anonymously: all four cards appear everywhere with no author', async () => {
		const revealAt = Date.now();
		expect(await facilitator.getByTestId('reveal-anonymous').isChecked()).toBe(true);
		await facilitator.getByTestId('reveal').click();
		for (const page of everyone) {
			await poll(() => cards(page).count()).toBe(4);
			await poll(() => currentStep(page)).toContain('Agrupació');
			const authors = await page.getByTestId('card-author').allInnerTexts();
			expect(authors).toEqual(['Anònima', 'Anònima', 'Anònima', 'Anònima']);
		}
		await poll(() => pau.getByTestId('dafo-status').innerText()).toContain('Revelades 4 targetes de manera anònima');
		expect(await (await cardWith(pau, 'Licitacions amb clàusules socials')).innerText()).toContain('cita D1.1');
		// No frame any browser received since the reveal ties Núria to her cards.
		for (const page of everyone) {
			for (const f of frames.get(page)!.filter((x) => x.at >= revealAt && (x.text.includes('Web antiga') || x.text.includes('Licitacions')))) {
				expect(f.text.includes(nuriaId)).toBe(false);
				expect(f.text.includes('Núria')).toBe(false);
			}
		}
	});

	it('the facilitator starts a planning work session for the hour log', async () => {
		await facilitator.getByTestId('session-start').click();
		await poll(() => facilitator.getByTestId('session-running').innerText()).toContain('Sessió en curs des de');
		expect(await nuria.getByTestId('session-start').count()).toBe(0);
	});

	it('the shared timer: the facilitator starts it, everyone counts down the same time', async () => {
		await facilitator.locator('#timer-minutes').selectOption('5');
		await facilitator.getByTestId('timer-start').click();
		for (const page of everyone) await poll(async () => Number(await page.getByTestId('timer-time').getAttribute('data-remaining'))).toBeGreaterThan(4 * 60_000);
		expect(await pau.getByTestId('timer-start').count()).toBe(0);
	});

	it('clusters are created by anyone and filled by select (keyboard) or by dragging; card text is co-edited live', async () => {
		await nuria.getByTestId('new-cluster-O').fill('Mercat públic');
		await nuria.getByTestId('new-cluster-O').press('Enter');
		const oCard = await cardWith(nuria, 'Licitacions amb clàusules socials');
		await oCard.getByTestId('card-cluster').selectOption({ label: 'Mercat públic' });
		for (const page of everyone) {
			const cluster = page.getByTestId('quadrant-O').getByTestId('cluster');
			await poll(() => cluster.count()).toBe(1);
			await poll(() => cluster.getByTestId('dafo-card').count()).toBe(1);
		}
		// The facilitator renames it; everyone sees the new name.
		const title = facilitator.getByTestId('cluster-title');
		await title.fill('Compra pública');
		await title.press('Enter');
		for (const page of everyone) await poll(() => page.getByTestId('cluster-title').inputValue()).toBe('Compra pública');

		// Drag: a weakness cluster, then the facilitator drags the weakness card into it.
		await facilitator.getByTestId('new-cluster-D').fill('Comunicació');
		await facilitator.getByTestId('new-cluster-D').press('Enter');
		const dCard = await cardWith(facilitator, 'Web antiga i poc visible');
		// A real mouse drag (HTML5 drag and drop in Chromium): press on the handle, move in steps, release.
		const dTarget = facilitator.getByTestId('quadrant-D').getByTestId('cluster');
		await facilitator.getByTestId('quadrant-D').scrollIntoViewIfNeeded();
		const from = (await dCard.getByTestId('card-handle').boundingBox())!;
		const to = (await dTarget.locator('.q__cluster-head').boundingBox())!;
		await facilitator.mouse.move(from.x + from.width / 2, from.y + from.height / 2);
		await facilitator.mouse.down();
		await facilitator.mouse.move(from.x + 20, from.y - 10, { steps: 5 });
		await facilitator.mouse.move(to.x + to.width / 3, to.y + to.height / 2, { steps: 10 });
		await facilitator.mouse.up();
		for (const page of everyone) await poll(() => page.getByTestId('quadrant-D').getByTestId('cluster').getByTestId('dafo-card').count()).toBe(1);

		// Pau (phone) edits a card's text; the others see it as he types. It is his own card, revealed
		// anonymously: he is warned first that his edit will show his name in the version history.
		const fCard = await cardWith(pau, 'Equip molt implicat');
		await fCard.locator('textarea').click();
		await fCard.getByTestId('anon-edit-confirm').click();
		await poll(() => fCard.locator('textarea').getAttribute('readonly')).toBeNull();
		await pau.keyboard.press('End');
		await pau.keyboard.type(' i format');
		await cardWith(facilitator, 'Equip molt implicat i format');
		await cardWith(nuria, 'Equip molt implicat i format');
	});

	it('dot voting: secret until the facilitator closes it, then only the totals', async () => {
		await facilitator.getByTestId('vote-per-person').fill('3');
		await facilitator.getByTestId('vote-per-card').fill('2');
		await facilitator.getByTestId('vote-open').click();
		for (const page of everyone) {
			await poll(() => currentStep(page)).toContain('Votació');
			await poll(() => page.getByTestId('dots-left').innerText()).toBe('Punts que et queden: 3');
		}
		const vote = async (page: Page, text: string, times: number) => {
			const card = await cardWith(page, text);
			for (let i = 0; i < times; i++) await card.getByTestId('vote-plus').click();
			await poll(() => card.getByTestId('my-dots').innerText()).toBe(`Els meus: ${times}`);
		};
		// Núria: O x2, D x1 | Pau: O x1, F x1 | Marta: O x1  => O 4, D 1, F 1, A 0
		await vote(nuria, 'Licitacions amb clàusules socials', 2);
		await vote(nuria, 'Web antiga i poc visible', 1);
		// The per-card limit holds: a third dot on one card is not offered.
		expect(await (await cardWith(nuria, 'Licitacions amb clàusules socials')).getByTestId('vote-plus').isDisabled()).toBe(true);
		await poll(() => nuria.getByTestId('dots-left').innerText()).toBe('Punts que et queden: 0');
		await vote(pau, 'Licitacions amb clàusules socials', 1);
		await vote(pau, 'Equip molt implicat i format', 1);
		await vote(facilitator, 'Licitacions amb clàusules socials', 1);
		for (const page of everyone) await poll(() => syncPhase(page)).toBe('saved');
		// Nothing shows totals while voting is open.
		for (const page of everyone) expect(await page.getByTestId('card-votes').count()).toBe(0);
		expect((await shoot(pau, '61-dafo-voting-member')).horizontalOverflow).toBe(0);

		await facilitator.getByTestId('vote-close').click();
		for (const page of everyone) {
			await poll(() => page.getByTestId('dafo-status').innerText()).toContain('Votació tancada: 3 persones, 6 punts');
			await poll(async () => (await cardWith(page, 'Licitacions amb clàusules socials')).getByTestId('card-votes').innerText()).toBe('· Vots: 4');
			expect(await (await cardWith(page, 'Web antiga i poc visible')).getByTestId('card-votes').innerText()).toBe('· Vots: 1');
			expect(await (await cardWith(page, 'Competència de grans empreses')).getByTestId('card-votes').innerText()).toBe('· Vots: 0');
		}
	});

	it('CAME: the top card becomes an objective and an action in one click each, seen live by all three', async () => {
		await facilitator.getByTestId('step-came').click();
		for (const page of everyone) await poll(() => currentStep(page)).toContain('Priorització');
		const top = await cardWith(facilitator, 'Licitacions amb clàusules socials');
		expect(await top.getByTestId('card-came').innerText()).toContain('Explotar');
		expect(await (await cardWith(facilitator, 'Web antiga i poc visible')).getByTestId('card-came').innerText()).toContain('Corregir');
		await top.getByTestId('to-objective').click();
		const topForNuria = await cardWith(nuria, 'Licitacions amb clàusules socials');
		await poll(() => topForNuria.getByTestId('card-objectives-title').count()).toBe(1);
		await topForNuria.getByTestId('to-action').click();
		for (const page of everyone) {
			const c = await cardWith(page, 'Licitacions amb clàusules socials');
			await poll(() => c.getByTestId('card-objectives-title').innerText()).toBe('Objectiu: Licitacions amb clàusules socials');
			await poll(() => c.getByTestId('card-actions-title').innerText()).toBe('Acció: Licitacions amb clàusules socials');
			await poll(() => syncPhase(page)).toBe('saved');
		}
		expect((await shoot(facilitator, '62-dafo-came-facilitator')).horizontalOverflow).toBe(0);

		// Archiving hides a card without losing it; anyone may restore it.
		await (await cardWith(nuria, 'Competència de grans empreses')).getByRole('button', { name: 'Arxiva «Competència de grans empreses»' }).click();
		for (const page of everyone) await poll(() => cards(page).count()).toBe(3);
		await poll(() => pau.getByTestId('archived').locator('summary').innerText()).toBe('Targetes arxivades (1)');
		await pau.getByTestId('archived').locator('summary').click();
		await pau.getByRole('button', { name: 'Recupera «Competència de grans empreses»' }).click();
		for (const page of everyone) await poll(() => cards(page).count()).toBe(4);
		// A card filed in the wrong quadrant moves by keyboard (select) too.
		await (await cardWith(facilitator, 'Competència de grans empreses')).getByTestId('card-quadrant').selectOption('D');
		for (const page of everyone) await poll(() => page.getByTestId('quadrant-D').getByTestId('dafo-card').count()).toBe(2);
		expect((await shoot(pau, '63-dafo-came-member-phone')).horizontalOverflow).toBe(0);
	});

	it('ending the session logs a planning session with everyone who was there', async () => {
		await facilitator.getByTestId('session-end').click();
		await poll(() => facilitator.getByTestId('session-running').count()).toBe(0);
		const list = await facilitator.evaluate(async (id) => (await (await fetch(`/api/v1/engagements/${id}/sessions`)).json()) as { sessions: { type: string; attendeeCount: number; endedAt: string | null }[] }, engagementId);
		expect(list.sessions).toHaveLength(1);
		expect(list.sessions[0]).toMatchObject({ type: 'planning', attendeeCount: 3 });
		expect(list.sessions[0]!.endedAt).not.toBeNull();
	});

	it('the objective and the action are in the action plan too', async () => {
		await pau.goto(`${e2e.url}/e/${engagementId}/pla`);
		await poll(() => pau.getByText('Licitacions amb clàusules socials').count()).toBeGreaterThanOrEqual(2);
	});

	it('an observer (English browser) sees the board read-only, in English, with no controls', async () => {
		const api = new ApiClient(e2e.url);
		await api.post('/api/v1/auth/login', { email: FACILITATOR.email, password: FACILITATOR.password });
		const inv = await api.post(`/api/v1/engagements/${engagementId}/invitations`, { role: 'observer' });
		const o = await newPerson(e2e.browser, { locale: 'en-GB' });
		o.page.on('pageerror', (e) => pageErrors.push(`observer: ${e.message}`));
		await o.page.goto(inv.json.url);
		await o.page.locator('#guest-name').fill('Grup ECOS');
		await o.page.getByRole('button', { name: 'Join as a guest' }).click();
		await o.page.waitForURL(`${e2e.url}/e/${engagementId}`);
		await o.page.goto(dafoUrl());
		await poll(() => cards(o.page).count()).toBe(4);
		expect(await o.page.getByRole('heading', { level: 1 }).innerText()).toBe('SWOT board');
		expect(await o.page.getByRole('heading', { level: 2, name: /Opportunities/ }).count()).toBe(1);
		expect(await currentStep(o.page)).toContain('Prioritisation (CAME)');
		const top = await cardWith(o.page, 'Licitacions amb clàusules socials');
		expect(await top.getByTestId('card-came').innerText()).toContain('Exploit');
		expect(await top.getByTestId('card-votes').innerText()).toBe('· Votes: 4');
		// Nothing to change: no step buttons, no forms, no card controls; texts read-only.
		expect(await o.page.getByTestId('reveal').count()).toBe(0);
		expect(await o.page.getByTestId('to-objective').count()).toBe(0);
		expect(await o.page.getByTestId('card-cluster').count()).toBe(0);
		expect(await o.page.locator('[data-testid^=new-card-]').count()).toBe(0);
		expect(await top.locator('textarea').getAttribute('readonly')).not.toBeNull();
		await poll(() => o.page.locator('.dafo-head .sync').innerText()).toContain('live');
		expect((await shoot(o.page, '64-dafo-observer-en')).horizontalOverflow).toBe(0);
		await o.context.close();
		expect(pageErrors).toEqual([]);
	});
});
