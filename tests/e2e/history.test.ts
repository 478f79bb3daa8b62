// Version history in real browsers: two people edit the notes, one names a version, both edit more, one
// restores the named version from the history page, both see it live in their editors, and the timeline
// lists the restore (for the other person too).
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PHONE, editor, newPerson, notesText, shoot, startE2E, syncPhase, typeAtEnd, type E2E } from './helpers.ts';

const FAC = { email: 'marta@calidoscoop.coop', name: 'Marta Puig', password: 'interim-executive-2026' };
const MEMBER = { email: 'joan@opcions.coop', name: 'Joan Serra', password: 'cooperativa-opcions' };

let e2e: E2E;
let marta: Page;
let martaHistory: Page;
let joan: Page;
let workspaceUrl: string;
const pageErrors: string[] = [];
const poll = <T>(fn: () => Promise<T>, timeout = 15_000) => expect.poll(fn, { timeout, interval: 100 });

beforeAll(async () => {
	e2e = await startE2E();
});
afterAll(async () => {
	await e2e?.stop();
});

describe('history in the browser', () => {
	it('two people co-edit the notes', async () => {
		const p = await newPerson(e2e.browser);
		marta = p.page;
		marta.on('pageerror', (e) => pageErrors.push(`marta: ${e.message}`));
		// Setup and engagement through the API (the UI for these is covered by collaboration.test.ts).
		const api = p.context.request;
		expect((await api.post(`${e2e.url}/api/v1/setup`, { data: { ...FAC, organisationName: 'Calidoscoop' } })).status()).toBe(201);
		const eng = await (await api.post(`${e2e.url}/api/v1/engagements`, { data: { coopName: 'Opcions SCCL' } })).json();
		const inv = await (await api.post(`${e2e.url}/api/v1/engagements/${eng.id}/invitations`, { data: { role: 'member' } })).json();
		workspaceUrl = `${e2e.url}/e/${eng.id}`;

		const q = await newPerson(e2e.browser, { viewport: PHONE, isMobile: true, hasTouch: true });
		joan = q.page;
		joan.on('pageerror', (e) => pageErrors.push(`joan: ${e.message}`));
		await joan.goto(inv.url);
		await joan.locator('#acc-name').fill(MEMBER.name);
		await joan.locator('#acc-email').fill(MEMBER.email);
		await joan.locator('#acc-password').fill(MEMBER.password);
		await joan.getByRole('button', { name: "Crea el compte i uneix-t'hi" }).click();
		await joan.waitForURL(workspaceUrl);

		await marta.goto(workspaceUrl);
		await editor(marta).waitFor();
		await editor(joan).waitFor();
		await typeAtEnd(marta, 'Punts forts: equip implicat.');
		await poll(() => notesText(joan)).toContain('Punts forts: equip implicat.');
		await typeAtEnd(joan, ' Preus per revisar.');
		await poll(() => notesText(marta)).toContain('Preus per revisar.');
		await poll(() => syncPhase(marta)).toBe('saved');
		await poll(() => syncPhase(joan)).toBe('saved');
	});

	it('one of them names a version from the history page (linked from the workspace)', async () => {
		martaHistory = await marta.context().newPage();
		martaHistory.on('pageerror', (e) => pageErrors.push(`marta history: ${e.message}`));
		await martaHistory.goto(workspaceUrl);
		await martaHistory.getByTestId('history-link').click();
		await martaHistory.waitForURL(`${workspaceUrl}/historial`);
		await martaHistory.getByLabel('Nom de la versió').fill('Autodiagnosi T0 tancada');
		await martaHistory.getByRole('button', { name: 'Desa la versió' }).click();
		await poll(() => martaHistory.getByTestId('hist-status').innerText()).toBe('Versió «Autodiagnosi T0 tancada» desada.');
		await poll(() => martaHistory.locator('[data-testid=version][data-kind=named]').count()).toBe(1);
		// the history page's own editor tab is not needed any more; keep the workspace tabs live
	});

	it('both edit more; then she restores the named version and both editors show it live', async () => {
		await typeAtEnd(joan, ' Text que es desfarà.');
		await typeAtEnd(marta, ' I això també.');
		await poll(() => notesText(marta)).toContain('Text que es desfarà.');
		await poll(() => notesText(joan)).toContain('I això també.');
		await poll(() => syncPhase(joan)).toBe('saved');
		await poll(() => syncPhase(marta)).toBe('saved');

		await martaHistory.getByRole('button', { name: 'Actualitza' }).click();
		const named = martaHistory.locator('[data-testid=version][data-kind=named]');
		await named.getByRole('button', { name: /^Restaura/ }).click();
		await named.getByRole('alertdialog').waitFor();
		await named.getByRole('button', { name: 'Sí, restaura' }).click();
		await poll(() => martaHistory.getByTestId('hist-status').innerText()).toContain('Versió restaurada');

		for (const p of [marta, joan]) {
			await poll(() => notesText(p)).toContain('Punts forts: equip implicat. Preus per revisar.');
			await poll(() => notesText(p)).not.toContain('Text que es desfarà.');
			await poll(() => notesText(p)).not.toContain('I això també.');
		}
		// the timeline lists the restore, attributed to her
		await poll(() => martaHistory.locator('[data-testid=version][data-kind=restore]').innerText()).toContain('Marta Puig ha restaurat «Autodiagnosi T0 tancada»');
		expect((await shoot(martaHistory, 'history-01-timeline')).horizontalOverflow).toBe(0);
	});

	it('the other person sees the restore in the timeline, and compare shows nothing left to change', async () => {
		await joan.goto(`${workspaceUrl}/historial`);
		await poll(() => joan.locator('[data-testid=version][data-kind=restore]').innerText()).toContain('Marta Puig ha restaurat «Autodiagnosi T0 tancada»');
		expect((await shoot(joan, 'history-02-timeline-member')).horizontalOverflow).toBe(0);
		await joan.locator('[data-testid=version][data-kind=named]').getByRole('link', { name: /^Compara amb l'actual/ }).click();
		await poll(() => joan.getByTestId('no-diff').count()).toBe(1);

		// The version before the restore is still there: open the activity point just before it.
		await joan.goto(`${workspaceUrl}/historial`);
		await joan.locator('[data-testid=version][data-kind=named]').getByRole('link', { name: /^Obre/ }).click();
		await poll(() => joan.locator('[data-testid=version-section][data-section=notes]').innerText()).toContain('Punts forts: equip implicat. Preus per revisar.');
		expect((await shoot(joan, 'history-03-version')).horizontalOverflow).toBe(0);
	});

	it('compare between the named version and an earlier point shows the edits and who made them', async () => {
		await martaHistory.goto(`${workspaceUrl}/historial`);
		const restore = martaHistory.locator('[data-testid=version][data-kind=restore]');
		await restore.waitFor();
		// compare: the named version vs. the state right before the restore
		const seqBefore = await martaHistory.evaluate(async (url) => {
			const r = await fetch(url.replace(/\/e\/([a-z0-9]+)$/, '/api/v1/engagements/$1/history/workspace'));
			const t = await r.json();
			return { named: t.versions.find((v: { kind: string }) => v.kind === 'named').id, before: t.versions.find((v: { kind: string }) => v.kind === 'restore').seq - 1 };
		}, workspaceUrl);
		await martaHistory.goto(`${workspaceUrl}/historial/compara?doc=workspace&from=${seqBefore.named}&to=seq:${seqBefore.before}`);
		const notes = martaHistory.locator('[data-testid=diff-section][data-section=notes]');
		await poll(() => notes.innerText()).toContain('Text que es desfarà.');
		expect(await notes.innerText()).toMatch(/Canvis de: .*(Joan Serra|Marta Puig)/);
		expect(await notes.locator('ins').count()).toBeGreaterThan(0);
		expect((await shoot(martaHistory, 'history-04-compare')).horizontalOverflow).toBe(0);
		expect(pageErrors).toEqual([]);
	});
});
