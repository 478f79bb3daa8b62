// Web (DESIGN §7: "the workspace page's JavaScript under 250 KB gzipped; first edit possible under 1 s
// on localhost"). Teixit only, serving its SvelteKit build, in Debian's Chromium through playwright-core.
// Every run is a fresh browser context (cold cache) signed in with the bench user's session cookie:
// - JavaScript: every script response of the page load (entry, chunks, modulepreloads, lazy imports
//   until the page is editable and the network is idle), its size as served and gzipped here (zlib
//   level 6, what a reverse proxy would send), for the workspace page and each phase page.
// - First edit: navigation start -> the notes editor accepts input and the sync badge says "saved"
//   (the document is loaded from the server); then one typed character -> "saved" again (acknowledged
//   durable by the server).
// The build is made first when it is missing (scripts/pnpm.mjs --filter @teixit/web build).
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import { chromium, type Browser, type BrowserContext } from 'playwright-core';
import { median, round } from '../loadgen/stats.ts';
import type { TeixitTarget } from '../servers/teixit.ts';

const repoRoot = fileURLToPath(new URL('../../../', import.meta.url));
const CHROMIUM = process.env.CHROMIUM_PATH || '/usr/bin/chromium';

export interface WebParams {
	/** Fresh-context loads of the workspace page measured (after one unmeasured warm-up). */
	runs: number;
	/** Phase pages whose JavaScript is measured too, relative to /e/:id. */
	pages: string[];
}

export interface PageJs {
	path: string;
	files: number;
	rawKB: number;
	gzipKB: number;
	/** Whether the server sent the scripts compressed itself. */
	servedCompressed: boolean;
}

export interface WebResult {
	params: WebParams;
	pages: PageJs[];
	workspaceGzipKB: number;
	editableMs: number[];
	firstSaveMs: number[];
	editableMedianMs: number;
	editableMaxMs: number;
	firstSaveMedianMs: number;
}

export function ensureWebBuild(log: (m: string) => void): void {
	if (existsSync(join(repoRoot, 'apps/web/build/handler.js'))) return;
	log('web: building apps/web (missing build)');
	const r = spawnSync(process.execPath, [join(repoRoot, 'scripts/pnpm.mjs'), '--filter', '@teixit/web', 'build'], { cwd: repoRoot, stdio: 'inherit' });
	if (r.status !== 0) throw new Error('web: the web build failed');
}

async function signedInContext(browser: Browser, target: TeixitTarget): Promise<BrowserContext> {
	const context = await browser.newContext({ viewport: { width: 1280, height: 900 }, locale: 'ca-ES' });
	const [name, value] = target.sessionCookie.split('=') as [string, string];
	await context.addCookies([{ name, value, url: target.baseUrl }]);
	return context;
}

/** Loads `url` in a fresh context and sums the JavaScript it fetched. */
async function measureJs(browser: Browser, target: TeixitTarget, url: string, path: string): Promise<PageJs> {
	const context = await signedInContext(browser, target);
	const page = await context.newPage();
	const scripts: Promise<{ raw: number; gzip: number; compressed: boolean }>[] = [];
	page.on('response', (res) => {
		const type = res.headers()['content-type'] ?? '';
		if (!/javascript/.test(type) || res.request().method() !== 'GET') return;
		scripts.push(
			res.body().then((body) => ({ raw: body.byteLength, gzip: gzipSync(body, { level: 6 }).byteLength, compressed: !!res.headers()['content-encoding'] }))
		);
	});
	const nav = await page.goto(url, { waitUntil: 'networkidle' });
	if (!nav || nav.status() !== 200) throw new Error(`web: ${path || '/'} answered HTTP ${nav?.status()}`);
	const all = await Promise.all(scripts);
	await context.close();
	return {
		path: path || '/',
		files: all.length,
		rawKB: round(all.reduce((t, s) => t + s.raw, 0) / 1024, 1),
		gzipKB: round(all.reduce((t, s) => t + s.gzip, 0) / 1024, 1),
		servedCompressed: all.some((s) => s.compressed)
	};
}

/** One cold load of the workspace page: ms from navigation start to editable + saved, then to the first edit saved. */
async function firstEdit(browser: Browser, target: TeixitTarget, url: string): Promise<{ editableMs: number; firstSaveMs: number }> {
	const context = await signedInContext(browser, target);
	const page = await context.newPage();
	try {
		await page.goto(url, { waitUntil: 'commit' });
		const editable = await page.waitForFunction(
			() => {
				const editor = document.querySelector('.ws-notes .ProseMirror[contenteditable="true"]');
				const sync = document.querySelector<HTMLElement>('.ws-head .sync[data-phase]');
				return editor && sync?.dataset.phase === 'saved' ? performance.now() : false;
			},
			undefined,
			{ polling: 'raf', timeout: 30_000 }
		);
		const editableMs = (await editable.jsonValue()) as number;
		// Watch the badge from before the keystroke: "saving" must show, then "saved" with nothing unsaved.
		await page.evaluate(() => {
			const sync = document.querySelector<HTMLElement>('.ws-head .sync[data-phase]')!;
			const w = window as unknown as { __firstSave?: number; __sawSaving?: boolean; __typedAt?: number };
			new MutationObserver(() => {
				if (sync.dataset.phase === 'saving' || sync.dataset.unsaved !== '0') w.__sawSaving = true;
				else if (w.__sawSaving && sync.dataset.phase === 'saved' && w.__firstSave === undefined) w.__firstSave = performance.now();
			}).observe(sync, { attributes: true });
		});
		await page.locator('.ws-notes .ProseMirror').click();
		const typedAt = (await page.evaluate(() => performance.now())) as number;
		await page.keyboard.type('x');
		const saved = await page.waitForFunction(() => (window as unknown as { __firstSave?: number }).__firstSave ?? false, undefined, { polling: 'raf', timeout: 30_000 });
		return { editableMs, firstSaveMs: ((await saved.jsonValue()) as number) - typedAt };
	} finally {
		await context.close();
	}
}

export async function web(target: TeixitTarget, p: WebParams, log: (m: string) => void): Promise<WebResult> {
	if (!existsSync(CHROMIUM)) throw new Error(`web: Chromium not found at ${CHROMIUM} (apt-get install -y chromium, or set CHROMIUM_PATH)`);
	const res = await fetch(`${target.baseUrl}/api/v1/engagements`, { method: 'POST', headers: target.apiHeaders(), body: JSON.stringify({ coopName: 'Bench web' }) });
	if (res.status !== 201) throw new Error(`web: create engagement: HTTP ${res.status} ${await res.text()}`);
	const { id } = (await res.json()) as { id: string };
	const workspace = `${target.baseUrl}/e/${id}`;
	const browser = await chromium.launch({
		executablePath: CHROMIUM,
		args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run']
	});
	try {
		await firstEdit(browser, target, workspace); // warm-up: the server's first page render and JIT
		const editableMs: number[] = [];
		const firstSaveMs: number[] = [];
		for (let i = 0; i < p.runs; i++) {
			const r = await firstEdit(browser, target, workspace);
			editableMs.push(round(r.editableMs, 0));
			firstSaveMs.push(round(r.firstSaveMs, 0));
		}
		log(`web: editable after ${editableMs.join(', ')} ms; first edit saved after ${firstSaveMs.join(', ')} ms`);
		const pages: PageJs[] = [];
		for (const path of ['', ...p.pages]) {
			const js = await measureJs(browser, target, workspace + path, path);
			pages.push(js);
			log(`web: /e/:id${path}: ${js.files} scripts, ${js.rawKB} KB, ${js.gzipKB} KB gzipped`);
		}
		return {
			params: p,
			pages,
			workspaceGzipKB: pages[0]!.gzipKB,
			editableMs,
			firstSaveMs,
			editableMedianMs: median(editableMs),
			editableMaxMs: Math.max(...editableMs),
			firstSaveMedianMs: median(firstSaveMs)
		};
	} finally {
		await browser.close();
	}
}
