// Browser end-to-end helpers: a real server process (tsx apps/server/src/main.ts serving the web build)
// on a free port with a throw-away data directory, and Chromium driven by playwright-core.
import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { chromium, type Browser, type BrowserContext, type BrowserContextOptions, type Page } from 'playwright-core';
import { spawnServer, type SpawnedServer } from '../utils/spawn.ts';

const root = resolve(import.meta.dirname, '../..');
export const ARTIFACTS = join(root, 'tests/artifacts');
const CHROMIUM = process.env.CHROMIUM_PATH || '/usr/bin/chromium';

export const DESKTOP = { width: 1280, height: 900 };
export const PHONE = { width: 360, height: 780 };

export interface E2E {
	server: SpawnedServer;
	browser: Browser;
	url: string;
	stop(): Promise<void>;
}

export async function startE2E(): Promise<E2E> {
	if (!existsSync(join(root, 'apps/web/build/handler.js'))) {
		throw new Error('apps/web/build is missing: run `pnpm build` (pnpm test does it) before the e2e suite');
	}
	if (!existsSync(CHROMIUM)) throw new Error(`Chromium not found at ${CHROMIUM} (apt-get install -y chromium, or set CHROMIUM_PATH)`);
	mkdirSync(ARTIFACTS, { recursive: true });
	const dataDir = mkdtempSync(join(tmpdir(), 'teixit-e2e-'));
	const server = await spawnServer({ DATA_DIR: dataDir });
	const browser = await chromium.launch({
		executablePath: CHROMIUM,
		args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run', '--disable-quic']
	});
	return {
		server,
		browser,
		url: server.url,
		async stop() {
			await browser.close().catch(() => {});
			await server.kill();
			rmSync(dataDir, { recursive: true, force: true });
		}
	};
}

/** A fresh browser profile; page errors are collected so a test can assert there were none. */
export async function newPerson(browser: Browser, opts: BrowserContextOptions = {}): Promise<{ context: BrowserContext; page: Page; errors: string[] }> {
	const context = await browser.newContext({ viewport: DESKTOP, locale: 'ca-ES', ...opts });
	const page = await context.newPage();
	const errors: string[] = [];
	page.on('pageerror', (e) => errors.push(e.message));
	return { context, page, errors };
}

/** Waits until the page's width stops changing for a few frames after a viewport change: components that
 *  follow their container (Chart.js charts) resize on a ResizeObserver + animation frame after it, and a
 *  screenshot or width check taken in between sees the old, wider layout (a false overflow). */
export async function settle(page: Page) {
	await page.evaluate(
		() =>
			new Promise<void>((resolve) => {
				const end = performance.now() + 2000;
				let last = -1;
				let stable = 0;
				const tick = () => {
					const w = document.documentElement.scrollWidth;
					stable = w === last ? stable + 1 : 0;
					last = w;
					if (stable >= 3 || performance.now() > end) resolve();
					else requestAnimationFrame(tick);
				};
				requestAnimationFrame(tick);
			})
	);
}

/** Screenshots at desktop and phone widths into tests/artifacts/, restoring the viewport afterwards. */
export async function shoot(page: Page, name: string) {
	const before = page.viewportSize();
	await page.setViewportSize(DESKTOP);
	await settle(page);
	await page.screenshot({ path: join(ARTIFACTS, `${name}-1280.png`), fullPage: true });
	await page.setViewportSize(PHONE);
	await settle(page);
	await page.screenshot({ path: join(ARTIFACTS, `${name}-360.png`), fullPage: true });
	const overflow = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
	if (before) await page.setViewportSize(before);
	return { horizontalOverflow: overflow };
}

export const editor = (page: Page) => page.locator('.ProseMirror');
export const notesText = (page: Page) => editor(page).innerText();
export const syncPhase = (page: Page) => page.locator('.sync').getAttribute('data-phase');
export const presenceNames = async (page: Page) =>
	(await page.locator('[data-testid=presence] .presence__name').allInnerTexts()).map((t) => t.replace(/\s+/g, ' ').trim());

/** Places the caret at the very end of the notes and types. */
export async function typeAtEnd(page: Page, text: string) {
	await editor(page).click();
	await page.keyboard.press('Control+End');
	await page.keyboard.type(text);
}
