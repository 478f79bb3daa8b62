// Version history in real browsers: two people edit the notes, one names a version, both edit more, one
// restores the named version from the history page, both see it live in their editors, and the timeline
// lists the restore (for the other person too). Then a version opens in the live rooms' own views
// (diagnosis, DAFO board, plan, hypotheses) read-only, a second person's timeline updates live when the
// first names a version, and the facilitator's audit page lists the restore (a member is refused).
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_TEMPLATE, addAction, addCard, addHypothesis, addObjective, createRun, startRun } from '@teixit/model';
import { ApiClient } from '../utils/http.ts';
import { connect, synced } from '../utils/yclient.ts';
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

	it('a named version opens in the live pages\' own views (diagnosis, DAFO board, plan, hypotheses), read-only', async () => {
		// Marta fills the board, plan and hypotheses over the sync protocol (their UIs have their own tests).
		const E = workspaceUrl.split('/').at(-1)!;
		const api = new ApiClient(e2e.url);
		api.cookie = `teixit_session=${(await marta.context().cookies()).find((c) => c.name === 'teixit_session')!.value}`;
		const me = (await api.get('/api/v1/me')).json as { id: string };
		const ws = connect(e2e.server.wsUrl, `${E}.workspace`, { cookie: api.cookie });
		const fac = connect(e2e.server.wsUrl, `${E}.facilitation`, { cookie: api.cookie });
		await Promise.all([synced(ws), synced(fac)]);
		createRun(ws.doc, { id: 'runt0', label: 'T0', template: DEFAULT_TEMPLATE, startedAt: Date.now() });
		startRun(fac.doc, { runId: 'runt0', at: Date.now(), by: me.id });
		addCard(ws.doc, { id: 'cardfort', quadrant: 'F', text: 'Equip molt implicat', authorId: me.id, createdAt: Date.now() });
		const objective = addObjective(ws.doc, { title: 'Captar vint sòcies noves', category: 'captacio' }, me.id);
		addAction(ws.doc, { title: 'Paradeta a la fira de cooperatives', ownerId: me.id, objectiveId: objective }, me.id, { members: [me.id] });
		addHypothesis(ws.doc, { statement: 'Creiem que les famílies joves volen un grup de consum a prop', type: 'desirability' }, me.id);
		const committed = async () => ((await api.get(`/api/v1/engagements/${E}/history/workspace/open?ref=live`)).json.sections as { name: string }[]).map((x) => x.name);
		await poll(committed).toEqual(expect.arrayContaining(['runs', 'dafoCards', 'plan:actions', 'plan:hypotheses']));
		await poll(async () => ((await api.get(`/api/v1/engagements/${E}/history/facilitation/open?ref=live`)).json.sections as { name: string }[]).map((x) => x.name)).toContain('control');
		const named = (await api.post(`/api/v1/engagements/${E}/history/workspace/versions`, { label: 'Tauler i pla' })).json as { id: string };
		// Later changes are not in the version.
		addCard(ws.doc, { id: 'cardlater', quadrant: 'D', text: 'Targeta posterior', authorId: me.id, createdAt: Date.now() });
		await poll(async () => (await api.get(`/api/v1/engagements/${E}/history/workspace/compare?from=${named.id}&to=live`)).json.sections.length).toBe(1);
		ws.destroy();
		fac.destroy();

		// Joan (a member, on a phone) opens it: the default view is the first one with something to show.
		const url = `${workspaceUrl}/historial/versio?doc=workspace&ref=${named.id}`;
		await joan.goto(url);
		const banner = joan.getByTestId('version-banner');
		await poll(() => banner.innerText()).toMatch(/Versió «Tauler i pla» del .* només lectura/);
		const view = joan.getByTestId('version-view');
		await poll(() => view.getAttribute('data-view')).toBe('diagnosis');
		await poll(() => view.innerText()).toContain('T0');
		await poll(() => view.locator('.sync').getAttribute('data-phase')).toBe('saved');
		expect(await view.locator('.sync').innerText()).toContain('Versió desada · només lectura');
		expect((await shoot(joan, 'history-05-version-diagnosis')).horizontalOverflow).toBe(0);

		await joan.getByRole('navigation', { name: "Vistes d'aquesta versió" }).getByRole('link', { name: 'DAFO' }).click();
		await poll(() => view.getAttribute('data-view')).toBe('dafo');
		const card = view.locator('[data-testid=dafo-card]');
		await poll(() => card.count()).toBe(1);
		expect(await view.locator('textarea:not([readonly]), input:not([readonly]):not([type=hidden]), [contenteditable=true]').count()).toBe(0);
		expect(await view.locator('[data-testid^=new-card-], [data-testid^=new-cluster-], [data-testid=card-handle]').count()).toBe(0);
		// The live board's own card: its text in a read-only field, as observers see it.
		expect(await card.locator('textarea').inputValue()).toBe('Equip molt implicat');
		expect(await card.locator('textarea').getAttribute('readonly')).not.toBeNull();
		expect((await shoot(joan, 'history-06-version-dafo')).horizontalOverflow).toBe(0);

		await joan.goto(`${url}&view=plan`);
		await poll(() => view.locator('[data-testid=action-row]').count()).toBeGreaterThan(0);
		expect(await view.innerText()).toContain('Paradeta a la fira de cooperatives');
		expect(await view.locator('[data-testid=new-action], [data-testid=new-objective]').count()).toBe(0);
		expect((await shoot(joan, 'history-07-version-plan')).horizontalOverflow).toBe(0);

		await joan.goto(`${url}&view=hypotheses`);
		await poll(() => view.locator('[data-testid=hypothesis]').count()).toBe(1);
		const statement = view.locator('[data-testid=hypothesis] textarea').first();
		expect(await statement.inputValue()).toBe('Creiem que les famílies joves volen un grup de consum a prop');
		expect(await statement.getAttribute('readonly')).not.toBeNull();
		expect((await shoot(joan, 'history-11-version-hypotheses')).horizontalOverflow).toBe(0);
		expect(await view.locator('[data-testid=new-hypothesis], [data-testid=review-start], [data-testid=review-form]').count()).toBe(0);

		// Anything else lives on the sections view, with a way back to the view that shows it.
		await joan.goto(`${url}&view=sections`);
		await poll(() => joan.locator('[data-testid=version-section][data-section=dafoCards]').innerText()).toContain('Es mostra a la vista «DAFO»');
		expect(pageErrors).toEqual([]);
	});

	it('a second person\'s timeline updates live when the first names a version', async () => {
		await joan.goto(`${workspaceUrl}/historial`);
		await poll(() => joan.getByTestId('hist-live').getAttribute('data-live')).toBe('true');
		expect(await joan.getByTestId('audit-link').count()).toBe(0); // the audit is for facilitators
		const namedCount = () => joan.locator('[data-testid=version][data-kind=named]').count();
		await poll(namedCount).toBeGreaterThan(0); // the timeline has loaded
		const before = await namedCount();
		await martaHistory.goto(`${workspaceUrl}/historial`);
		await martaHistory.getByLabel('Nom de la versió').fill('Revisió en directe');
		await martaHistory.getByRole('button', { name: 'Desa la versió' }).click();
		// Joan presses nothing: the server's event refreshes his timeline.
		await poll(namedCount).toBe(before + 1);
		expect(await joan.getByTestId('timeline').innerText()).toContain('Revisió en directe');
		expect((await shoot(joan, 'history-08-timeline-live')).horizontalOverflow).toBe(0);
	});

	it('the facilitator\'s audit page lists the restore, filters by person and kind; a member is refused', async () => {
		await martaHistory.goto(`${workspaceUrl}/historial`);
		await martaHistory.getByTestId('audit-link').click();
		await martaHistory.waitForURL(`${workspaceUrl}/historial/auditoria`);
		const restore = martaHistory.locator('[data-testid=audit-entry][data-action="history.restore"]');
		await poll(() => restore.count()).toBeGreaterThan(0);
		expect(await restore.first().innerText()).toMatch(/Marta Puig[\s\S]*Ha restaurat una versió[\s\S]*«Autodiagnosi T0 tancada»/);
		await martaHistory.getByTestId('audit-kind').selectOption({ label: 'Historial' });
		await poll(async () => (await martaHistory.locator('[data-testid=audit-entry]').evaluateAll((els) => els.map((e) => e.getAttribute('data-action')))).every((a) => a!.startsWith('history.'))).toBe(true);
		await martaHistory.getByTestId('audit-person').selectOption({ label: 'Joan Serra' });
		await poll(() => restore.count()).toBe(0);
		expect((await shoot(martaHistory, 'history-09-audit')).horizontalOverflow).toBe(0);
		await martaHistory.getByRole('button', { name: 'Treu els filtres' }).click();
		await poll(() => restore.count()).toBeGreaterThan(0);
		expect((await shoot(martaHistory, 'history-10-audit-all')).horizontalOverflow).toBe(0);

		const res = await joan.goto(`${workspaceUrl}/historial/auditoria`);
		expect(res?.status()).toBe(403);
		expect(await joan.locator('[data-testid=audit-entry]').count()).toBe(0);
		expect(pageErrors).toEqual([]);
	});
});
