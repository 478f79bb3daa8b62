// The server's V8 inspector (`--inspect=127.0.0.1:port`), used by the connections scenario to force a
// full garbage collection in each server before reading its memory. Without it the RSS delta of 1,000
// idle connections is mostly GC timing: the same run gave -15 to +21 KB per connection. Every target
// is started the same way, so the comparison stays fair; with no session attached the inspector costs
// nothing. Worker threads are separate V8 heaps (Teixit's embedded PGlite runs in one): their garbage
// counts in the process's RSS too, so the collection also runs in every worker, through the
// inspector's NodeWorker domain. Before that, the PGlite worker's uncollected garbage from the
// connections' authentication queries read as ~10 KB "per connection".
import { WebSocket } from 'ws';

export class ServerInspector {
	#ws: WebSocket | null = null;
	#id = 0;
	readonly #pending = new Map<number, { resolve: (v: unknown) => void; reject: (e: Error) => void }>();
	/** Inspector sessions of the server's worker threads, from NodeWorker.attachedToWorker. */
	readonly #workers = new Set<string>();
	readonly #workerPending = new Map<string, { resolve: (v: unknown) => void; reject: (e: Error) => void }>();

	constructor(readonly port: number) {}

	/** The flag to start the server with. */
	get flag(): string {
		return `--inspect=127.0.0.1:${this.port}`;
	}

	async #connect(): Promise<WebSocket> {
		if (this.#ws?.readyState === WebSocket.OPEN) return this.#ws;
		const list = (await (await fetch(`http://127.0.0.1:${this.port}/json/list`)).json()) as { webSocketDebuggerUrl: string }[];
		const url = list[0]?.webSocketDebuggerUrl;
		if (!url) throw new Error(`inspector on ${this.port}: no target`);
		const ws = new WebSocket(url);
		await new Promise<void>((resolve, reject) => {
			ws.once('open', () => resolve());
			ws.once('error', reject);
		});
		ws.on('message', (data) => {
			const msg = JSON.parse(String(data)) as { id?: number; method?: string; params?: Record<string, unknown>; result?: unknown; error?: { message: string } };
			if (msg.method === 'NodeWorker.attachedToWorker') this.#workers.add(msg.params!.sessionId as string);
			if (msg.method === 'NodeWorker.detachedFromWorker') this.#workers.delete(msg.params!.sessionId as string);
			if (msg.method === 'NodeWorker.receivedMessageFromWorker') {
				const inner = JSON.parse(msg.params!.message as string) as { id?: number; error?: { message: string }; result?: unknown };
				const key = `${msg.params!.sessionId as string}:${inner.id}`;
				const p = this.#workerPending.get(key);
				if (!p) return;
				this.#workerPending.delete(key);
				if (inner.error) p.reject(new Error(inner.error.message));
				else p.resolve(inner.result);
				return;
			}
			const p = msg.id !== undefined ? this.#pending.get(msg.id) : undefined;
			if (!p) return;
			this.#pending.delete(msg.id!);
			if (msg.error) p.reject(new Error(msg.error.message));
			else p.resolve(msg.result);
		});
		ws.on('close', () => {
			for (const p of [...this.#pending.values(), ...this.#workerPending.values()]) p.reject(new Error('inspector closed'));
			this.#pending.clear();
			this.#workerPending.clear();
			this.#workers.clear();
		});
		this.#ws = ws;
		// attachedToWorker events for the running workers arrive before this call's reply
		await this.#send(ws, 'NodeWorker.enable', { waitForDebuggerOnStart: false });
		return ws;
	}

	async #call(method: string, params: object = {}): Promise<unknown> {
		return this.#send(await this.#connect(), method, params);
	}

	#send(ws: WebSocket, method: string, params: object = {}): Promise<unknown> {
		const id = ++this.#id;
		return new Promise((resolve, reject) => {
			this.#pending.set(id, { resolve, reject });
			ws.send(JSON.stringify({ id, method, params }));
		});
	}

	async #callWorker(sessionId: string, method: string): Promise<unknown> {
		const ws = await this.#connect();
		const id = ++this.#id;
		const reply = new Promise((resolve, reject) => this.#workerPending.set(`${sessionId}:${id}`, { resolve, reject }));
		await this.#send(ws, 'NodeWorker.sendMessageToWorker', { sessionId, message: JSON.stringify({ id, method }) });
		return reply;
	}

	/** Two full collections (the second frees what the first's finalizers released) in the main thread
	 *  and in every worker thread. Returns how many worker heaps were collected. */
	async collectGarbage(): Promise<number> {
		await this.#connect();
		for (let i = 0; i < 2; i++) {
			await this.#call('HeapProfiler.collectGarbage');
			for (const w of this.#workers) await this.#callWorker(w, 'HeapProfiler.collectGarbage');
		}
		return this.#workers.size;
	}

	/** Evaluates `expression` in the main thread (awaiting a promise) and returns its JSON value. */
	async evaluate<T>(expression: string): Promise<T> {
		const r = (await this.#call('Runtime.evaluate', { expression, awaitPromise: true, returnByValue: true })) as { result: { value: T }; exceptionDetails?: { text: string } };
		if (r.exceptionDetails) throw new Error(`inspector evaluate: ${r.exceptionDetails.text}`);
		return r.result.value;
	}

	/** The main thread's V8 heap in use, MB. */
	async heapUsedMB(): Promise<number> {
		return (await this.evaluate<number>('process.memoryUsage().heapUsed')) / 2 ** 20;
	}

	close(): void {
		this.#ws?.close();
		this.#ws = null;
	}
}
