// The main path in a real browser against the real server: first setup, an engagement, invitations,
// live co-editing with presence and a truthful "saved", a read-only observer, languages, revocation.
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PHONE, editor, newPerson, notesText, presenceNames, shoot, startE2E, syncPhase, typeAtEnd, type E2E } from './helpers.ts';

const ADMIN = { email: 'marta@calidoscoop.coop', name: 'Marta Puig', password: 'interim-executive-2026', org: 'Calidoscoop' };
const MEMBER = { email: 'joan@opcions.coop', name: 'Joan Serra', password: 'cooperativa-opcions' };
const COOP = 'Opcions SCCL';

let e2e: E2E;
let facilitator: Page;
let member: Page;
let observer: Page;
let workspaceUrl: string;
let memberLink: string;
let observerLink: string;
const pageErrors: string[] = [];

const poll = <T>(fn: () => Promise<T>, timeout = 15_000) => expect.poll(fn, { timeout, interval: 100 });

async function createInvitation(page: Page, role: 'member' | 'observer' | 'facilitator'): Promise<string> {
	const previous = (await page.locator('#inv-link').count()) ? await page.locator('#inv-link').inputValue() : '';
	await page.locator('#inv-role').selectOption(role);
	await page.getByRole('button', { name: "Crea l'enllaç" }).click();
	await poll(async () => ((await page.locator('#inv-link').count()) ? page.locator('#inv-link').inputValue() : '')).not.toBe(previous);
	return page.locator('#inv-link').inputValue();
}

beforeAll(async () => {
	e2e = await startE2E();
});

afterAll(async () => {
	await e2e?.stop();
});

describe('Teixit in the browser', () => {
	it('first run: /setup creates the first admin, who lands signed in', async () => {
		const p = await newPerson(e2e.browser);
		facilitator = p.page;
		p.page.on('pageerror', (e) => pageErrors.push(`facilitator: ${e.message}`));
		const res = await facilitator.goto(`${e2e.url}/`);
		expect(res?.status()).toBe(200);
		expect(facilitator.url()).toBe(`${e2e.url}/setup`);
		expect(await facilitator.locator('html').getAttribute('lang')).toBe('ca');
		expect((await shoot(facilitator, '01-setup')).horizontalOverflow).toBe(0);

		await facilitator.getByLabel("Nom de l'organització facilitadora").fill(ADMIN.org);
		await facilitator.getByLabel('El teu nom').fill(ADMIN.name);
		await facilitator.getByLabel('Correu electrònic').fill(ADMIN.email);
		await facilitator.getByLabel('Contrasenya').fill(ADMIN.password);
		await facilitator.getByRole('button', { name: 'Crea el compte i entra' }).click();
		await facilitator.waitForURL(`${e2e.url}/`);
		await expect(facilitator.getByText(`Sessió iniciada com a ${ADMIN.name}`).textContent()).resolves.toContain(ADMIN.name);

		// Setup is one-shot: afterwards it redirects to the login page.
		const again = await (await newPerson(e2e.browser)).page;
		await again.goto(`${e2e.url}/setup`);
		expect(again.url()).toBe(`${e2e.url}/login`);
		await again.context().close();
	});

	it('creates an engagement with the method defaults (today, +12 months, 90 h)', async () => {
		const today = new Date().toISOString().slice(0, 10);
		expect(await facilitator.locator('#create-start').inputValue()).toBe(today);
		const end = await facilitator.locator('#create-end').inputValue();
		expect(end.slice(0, 4)).toBe(String(Number(today.slice(0, 4)) + 1));
		expect(await facilitator.locator('#create-hours').inputValue()).toBe('90');
		expect((await shoot(facilitator, '02-home')).horizontalOverflow).toBe(0);

		// A wrong end date: a localised error tied to the field, and focus moves to it.
		await facilitator.getByLabel('Nom de la cooperativa').fill(COOP);
		await facilitator.locator('#create-end').fill('2020-01-01');
		await facilitator.getByRole('button', { name: 'Crea el projecte' }).click();
		await poll(() => facilitator.evaluate(() => document.activeElement?.id)).toBe('create-end');
		expect(await facilitator.locator('#create-end').getAttribute('aria-invalid')).toBe('true');
		expect(await facilitator.locator('#create-end').getAttribute('aria-describedby')).toBe('create-end-error');
		expect(await facilitator.locator('#create-end-error').innerText()).toContain("posterior a la d'inici");

		await facilitator.locator('#create-end').fill(end);
		await facilitator.getByRole('button', { name: 'Crea el projecte' }).click();
		await facilitator.waitForURL(/\/e\/[a-z0-9]+$/);
		workspaceUrl = facilitator.url();
		expect(await facilitator.getByRole('heading', { level: 1 }).innerText()).toBe(COOP);
		await editor(facilitator).waitFor();
		await poll(() => syncPhase(facilitator)).toBe('saved');
	});

	it('creates a member and an observer invitation link', async () => {
		memberLink = await createInvitation(facilitator, 'member');
		observerLink = await createInvitation(facilitator, 'observer');
		expect(memberLink).toMatch(new RegExp(`^${e2e.url}/invite/[A-Za-z0-9_-]+$`));
		expect(observerLink).not.toBe(memberLink);
		expect(await facilitator.locator('tr[data-status=active]').count()).toBe(2);
	});

	it('a second person opens the link on a phone and creates an account', async () => {
		const p = await newPerson(e2e.browser, { viewport: PHONE, isMobile: true, hasTouch: true });
		member = p.page;
		p.page.on('pageerror', (e) => pageErrors.push(`member: ${e.message}`));
		await member.goto(memberLink);
		expect(await member.getByRole('heading', { level: 1 }).innerText()).toBe(`Invitació a ${COOP}`);
		await expect(member.getByText("Membre de l'equip").first().isVisible()).resolves.toBe(true);
		expect((await shoot(member, '03-invite')).horizontalOverflow).toBe(0);

		await member.locator('#acc-name').fill(MEMBER.name);
		await member.locator('#acc-email').fill(MEMBER.email);
		await member.locator('#acc-password').fill(MEMBER.password);
		await member.getByRole('button', { name: "Crea el compte i uneix-t'hi" }).click();
		await member.waitForURL(workspaceUrl);
		await editor(member).waitFor();
		expect(await editor(member).getAttribute('contenteditable')).toBe('true');
	});

	it('both see each other typing live, and each other in the presence list', async () => {
		await typeAtEnd(facilitator, 'Diagnosi: punts forts i febles.');
		await poll(() => notesText(member)).toContain('Diagnosi: punts forts i febles.');

		await typeAtEnd(member, ' Cal revisar els preus.');
		await poll(() => notesText(facilitator)).toContain('Cal revisar els preus.');

		await poll(() => presenceNames(facilitator)).toEqual([`${ADMIN.name} (tu)`, MEMBER.name]);
		await poll(() => presenceNames(member)).toEqual([`${MEMBER.name} (tu)`, ADMIN.name]);

		// "Saved" only once the server acknowledged durable commits.
		await poll(() => syncPhase(facilitator)).toBe('saved');
		await poll(() => syncPhase(member)).toBe('saved');
		expect(await facilitator.locator('.sync [role=status]').innerText()).toContain('Tots els canvis desats');

		// The remote caret carries the other person's name.
		await poll(() => facilitator.locator('.collaboration-carets__label').allInnerTexts()).toContain(MEMBER.name);

		// Durable: a reload brings the text back from the server.
		await member.reload();
		await poll(() => notesText(member)).toContain('Cal revisar els preus.');
		expect((await shoot(facilitator, '04-workspace-facilitator')).horizontalOverflow).toBe(0);
		expect((await shoot(member, '05-workspace-member')).horizontalOverflow).toBe(0);
	});

	it('counts unsaved changes while offline and saves them on reconnection', async () => {
		await facilitator.context().setOffline(true);
		await typeAtEnd(facilitator, ' (sense xarxa)');
		await poll(() => syncPhase(facilitator)).toBe('offline');
		expect(await facilitator.locator('.sync [role=status]').innerText()).toMatch(/Sense connexió · \d+ canvis? sense desar/);
		await facilitator.context().setOffline(false);
		await poll(() => syncPhase(facilitator), 20_000).toBe('saved');
		await poll(() => notesText(member)).toContain('(sense xarxa)');
	});

	it('works by keyboard only: skip link, into the editor, type, Esc out', async () => {
		await facilitator.goto(workspaceUrl);
		await editor(facilitator).waitFor();
		await facilitator.keyboard.press('Tab');
		expect(await facilitator.evaluate(() => document.activeElement?.textContent)).toBe('Salta al contingut');
		const outline = await facilitator.evaluate(() => getComputedStyle(document.activeElement!).outlineStyle);
		expect(outline).not.toBe('none');
		await facilitator.keyboard.press('Enter');
		expect(await facilitator.evaluate(() => document.activeElement?.id)).toBe('main');

		const inEditor = () => facilitator.evaluate(() => !!document.activeElement?.closest('.ProseMirror'));
		for (let i = 0; i < 20 && !(await inEditor()); i++) await facilitator.keyboard.press('Tab');
		expect(await inEditor()).toBe(true);
		await facilitator.keyboard.press('Control+End');
		await facilitator.keyboard.type(' [teclat]');
		await poll(() => notesText(member)).toContain('[teclat]');
		await facilitator.keyboard.press('Escape');
		await facilitator.keyboard.press('Tab');
		expect(await inEditor()).toBe(false);
	});

	it('an observer (guest, English browser) sees the text but cannot type', async () => {
		const p = await newPerson(e2e.browser, { locale: 'en-GB' });
		observer = p.page;
		p.page.on('pageerror', (e) => pageErrors.push(`observer: ${e.message}`));
		await observer.goto(observerLink);
		expect(await observer.locator('html').getAttribute('lang')).toBe('en');
		await observer.locator('#guest-name').fill('Grup ECOS');
		await observer.getByRole('button', { name: 'Join as a guest' }).click();
		await observer.waitForURL(workspaceUrl);
		await editor(observer).waitFor();
		await poll(() => notesText(observer)).toContain('Cal revisar els preus.');

		expect(await editor(observer).getAttribute('contenteditable')).toBe('false');
		expect(await observer.getByTestId('readonly-note').innerText()).toContain('Read-only');
		expect(await observer.locator('[role=toolbar]').count()).toBe(0);

		const before = await notesText(observer);
		await editor(observer).click();
		await observer.keyboard.type('INTRUDER');
		expect(await notesText(observer)).toBe(before);
		await poll(() => presenceNames(facilitator)).toContain('Grup ECOS');
		expect(await notesText(facilitator)).not.toContain('INTRUDER');
		expect((await shoot(observer, '06-workspace-observer')).horizontalOverflow).toBe(0);
	});

	it('switches language to Spanish and English with the header switcher', async () => {
		await observer.getByRole('button', { name: /Castellano/ }).click();
		await poll(() => observer.locator('html').getAttribute('lang')).toBe('es');
		expect(await observer.locator('#notes-title').innerText()).toBe('Notas compartidas');
		expect(observer.url()).toBe(workspaceUrl);

		await observer.getByRole('button', { name: /English/ }).click();
		await poll(() => observer.locator('html').getAttribute('lang')).toBe('en');
		expect(await observer.locator('#notes-title').innerText()).toBe('Shared notes');
		expect((await shoot(observer, '07-workspace-observer-en')).horizontalOverflow).toBe(0);
	});

	it("saves a signed-in user's language to the account and applies it on the next visit", async () => {
		await facilitator.getByRole('button', { name: /Castellano/ }).click();
		await poll(() => facilitator.locator('html').getAttribute('lang')).toBe('es');
		expect(await facilitator.locator('#notes-title').innerText()).toBe('Notas compartidas');

		// Another device, Catalan browser: after signing in, the saved Spanish applies.
		const { page, context } = await newPerson(e2e.browser, { locale: 'ca-ES' });
		await page.goto(`${e2e.url}/login`);
		expect(await page.locator('html').getAttribute('lang')).toBe('ca');
		await page.locator('#login-email').fill(ADMIN.email);
		await page.locator('#login-password').fill(ADMIN.password);
		await page.getByRole('button', { name: 'Entra' }).click();
		await page.waitForURL(`${e2e.url}/`);
		expect(await page.locator('html').getAttribute('lang')).toBe('es');
		expect(await page.getByRole('heading', { level: 1 }).innerText()).toBe('Mis proyectos');
		await context.close();

		await facilitator.getByRole('button', { name: /Català/ }).click();
		await poll(() => facilitator.locator('html').getAttribute('lang')).toBe('ca');
	});

	it('a role change applies live: the observer becomes a team member and can type', async () => {
		await facilitator.reload();
		const row = facilitator.locator('li.member', { hasText: 'Grup ECOS' });
		await row.locator('select').selectOption('member');
		await row.getByRole('button', { name: 'Canvia el rol' }).click();
		await poll(() => facilitator.locator('li.member', { hasText: 'Grup ECOS' }).locator('.badge').first().innerText()).toBe('Equip');

		// The server closed the observer's read-only connection; the page re-checks and reconnects with write access.
		await poll(() => editor(observer).getAttribute('contenteditable')).toBe('true');
		expect(await observer.getByTestId('readonly-note').count()).toBe(0);
		await poll(() => syncPhase(observer)).toBe('saved');
		await typeAtEnd(observer, ' [ara sóc equip]');
		await poll(() => notesText(facilitator)).toContain('[ara sóc equip]');
	});

	it('a signed-in person opens a link and joins with one click (keeping a higher role)', async () => {
		const link = await createInvitation(facilitator, 'observer');
		const tab = await facilitator.context().newPage();
		await tab.goto(link);
		expect(await tab.getByText(`Has iniciat la sessió com a ${ADMIN.name}.`).count()).toBe(1);
		await tab.getByRole('button', { name: "Uneix-t'hi" }).click();
		await tab.waitForURL(workspaceUrl);
		await editor(tab).waitFor();
		// An invitation never lowers a role: still a facilitator, still editable.
		expect(await editor(tab).getAttribute('contenteditable')).toBe('true');
		await tab.close();
	});

	it('a revoked invitation link answers 410 with a clear message', async () => {
		await facilitator.reload();
		const link = await createInvitation(facilitator, 'member');
		const row = facilitator.locator('tr[data-status=active]').first();
		await row.getByRole('button', { name: /^Revoca/ }).click();
		await poll(() => facilitator.locator('tr[data-status=revoked]').count()).toBe(1);

		const { page, context } = await newPerson(e2e.browser);
		const res = await page.goto(link);
		expect(res?.status()).toBe(410);
		expect(await page.getByRole('heading', { level: 1 }).innerText()).toBe('Aquest enllaç ja no és vàlid');
		const unknown = await page.goto(`${e2e.url}/invite/not-a-real-token-at-all`);
		expect(unknown?.status()).toBe(410);
		await shoot(page, '08-invitation-gone');
		await context.close();
	});

	it('removing a member closes their live connection and says so', async () => {
		await facilitator.locator('li.member', { hasText: MEMBER.name }).getByRole('button', { name: `Treu ${MEMBER.name}` }).click();
		await poll(() => syncPhase(member)).toBe('stopped');
		expect(await member.locator('.sync [role=status]').innerText()).toContain('Ja no tens accés');
		// Edits could never be saved any more: the editor turns read-only.
		await poll(() => editor(member).getAttribute('contenteditable')).toBe('false');
		await shoot(member, '09-access-revoked');

		const res = await member.reload();
		expect(res?.status()).toBe(404);
	});

	it('keeps what was typed before the JavaScript arrived (slow phones)', async () => {
		const { page, context } = await newPerson(e2e.browser, { viewport: PHONE, isMobile: true, hasTouch: true });
		await page.route('**/_app/immutable/**/*.js', async (route) => {
			await new Promise((r) => setTimeout(r, 1500));
			await route.continue();
		});
		await page.goto(`${e2e.url}/login`, { waitUntil: 'domcontentloaded' });
		await page.locator('#login-email').fill(ADMIN.email);
		await page.locator('#login-password').fill(ADMIN.password);
		await page.waitForLoadState('networkidle'); // the delayed app chunks arrived…
		await page.waitForTimeout(300); // …and hydrated
		expect(await page.locator('#login-email').inputValue()).toBe(ADMIN.email);
		await page.getByRole('button', { name: 'Entra' }).click();
		await page.waitForURL(`${e2e.url}/`);
		await context.close();
	});

	it('raised no uncaught page errors', () => {
		expect(pageErrors).toEqual([]);
	});
});
