// The two in-memory reference servers, each run as its own pinned child process from a small entry
// file (ywss-child.ts, hocuspocus-child.ts). Rooms are just fresh names.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type * as Y from 'yjs';
import { ServerInspector } from './inspector.ts';
import { freePort, spawnServer, stopServer, waitReady, type Spawned } from './process.ts';
import { openHocuspocusReplica, openYWebsocketReplica } from './replica.ts';
import type { Replica, Target, TargetName } from './types.ts';

const benchDir = fileURLToPath(new URL('../../', import.meta.url));

class ReferenceTarget implements Target {
	readonly durable = false;
	readonly acks = false;
	#sp: Spawned | null = null;
	#port = 0;
	#dir = '';
	#rooms = 0;
	readonly #nonce = Math.random().toString(36).slice(2, 8);

	constructor(
		readonly name: TargetName,
		readonly framing: 'y' | 'hocuspocus',
		private readonly entry: string
	) {}

	async setup() {
		this.#dir = mkdtempSync(join(tmpdir(), `teixit-bench-${this.name}-`));
	}

	async start(): Promise<number> {
		this.#port = await freePort();
		const t0 = Date.now();
		this.inspector = new ServerInspector(await freePort());
		this.#sp = spawnServer(process.execPath, [this.inspector.flag, '--import', 'tsx', join(benchDir, 'src/servers', this.entry)], {
			cwd: benchDir,
			env: { ...process.env, PORT: String(this.#port), HOST: '127.0.0.1', NODE_ENV: 'production' },
			logFile: join(this.#dir, 'server.log')
		});
		await waitReady(this.#sp, this.#port, 30_000);
		return Date.now() - t0;
	}

	async stop() {
		this.inspector?.close();
		this.inspector = null;
		if (this.#sp) await stopServer(this.#sp);
		this.#sp = null;
	}

	inspector: ServerInspector | null = null;

	pid() {
		return this.#sp?.pid ?? null;
	}

	async rooms(n: number, label: string) {
		return Array.from({ length: n }, () => `bench-${label}-${this.#nonce}-${this.#rooms++}`);
	}

	wsUrl(room: string) {
		return this.framing === 'hocuspocus' ? `ws://127.0.0.1:${this.#port}/` : `ws://127.0.0.1:${this.#port}/${encodeURIComponent(room)}`;
	}

	headers() {
		return undefined;
	}

	openReplica(room: string, doc: Y.Doc, timeoutMs?: number): Promise<Replica> {
		return this.framing === 'hocuspocus'
			? openHocuspocusReplica(`ws://127.0.0.1:${this.#port}/`, room, doc, timeoutMs)
			: openYWebsocketReplica(`ws://127.0.0.1:${this.#port}`, room, doc, { timeoutMs });
	}

	async teardown() {
		await this.stop();
		if (this.#dir) rmSync(this.#dir, { recursive: true, force: true });
	}
}

export const yWebsocketServer = () => new ReferenceTarget('y-websocket-server', 'y', 'ywss-child.ts');
export const hocuspocus = () => new ReferenceTarget('hocuspocus', 'hocuspocus', 'hocuspocus-child.ts');
