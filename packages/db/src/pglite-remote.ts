// Embedded PGlite in a worker thread, seen from the main thread as the small part of PGlite's client
// API that drizzle-orm/pglite uses (query, exec, transaction).
//
// Why: PGlite is PostgreSQL compiled to WebAssembly and runs synchronously on whatever thread owns
// it. In the server's event loop every commit blocked broadcasting for its whole duration, and under
// fan-out about 40 % of the busy CPU was the database. In a worker the event loop only posts and
// receives messages; the OS interleaves the two threads. PGlite's own `@electric-sql/pglite/worker`
// is built for browser Web Workers (navigator.locks, BroadcastChannel), so it does not fit Node.
//
// Protocol (structured clone over the worker's port): {id, op: 'query', sql, params, rowMode} |
// {id, op: 'exec', sql} | {id, op: 'close'} -> {id, ok, result | error}. PGlite is one connection, so
// a transaction must own it: every top-level call and every transaction runs under one FIFO lock
// here, and a transaction's queries go out while it holds the lock.
import { Worker } from 'node:worker_threads';

export interface RemoteResults<T = unknown> {
	rows: T[];
	fields: { name: string; dataTypeID: number }[];
	affectedRows?: number;
}

interface QueryOptions {
	rowMode?: 'array' | 'object';
}

/** The client handed to a transaction callback: its queries run inside the open transaction. */
export interface RemoteTransaction {
	query<T>(sql: string, params?: unknown[], opts?: QueryOptions): Promise<RemoteResults<T>>;
	exec(sql: string): Promise<RemoteResults[]>;
	rollback(): Promise<void>;
	readonly closed: boolean;
}

interface Reply {
	id?: number;
	ready?: boolean;
	ok?: boolean;
	result?: unknown;
	error?: Record<string, unknown> & { message: string };
}

/** A PostgreSQL error from the worker, with its SQLSTATE `code` and details kept. */
function toError(e: Reply['error']): Error {
	const err = new Error(e?.message ?? 'PGlite worker error');
	if (e) Object.assign(err, e);
	return err;
}

class Rollback extends Error {}

export class PGliteRemote {
	#worker: Worker;
	#nextId = 1;
	#pending = new Map<number, { resolve: (v: unknown) => void; reject: (e: unknown) => void }>();
	#lock: Promise<unknown> = Promise.resolve();
	#dead: Error | null = null;

	private constructor(worker: Worker) {
		this.#worker = worker;
		worker.on('message', (msg: Reply) => {
			if (msg.id === undefined) return;
			const p = this.#pending.get(msg.id);
			if (!p) return;
			this.#pending.delete(msg.id);
			if (this.#pending.size === 0) worker.unref();
			if (msg.ok) p.resolve(msg.result);
			else p.reject(toError(msg.error));
		});
		const fail = (err: Error) => {
			this.#dead ??= err;
			for (const p of this.#pending.values()) p.reject(err);
			this.#pending.clear();
		};
		worker.on('error', fail);
		worker.on('exit', (code) => fail(new Error(`PGlite worker exited (code ${code})`)));
	}

	/** Starts the worker and waits until PGlite is open (in memory when `dataDir` is absent). */
	static async open(dataDir?: string): Promise<PGliteRemote> {
		// A small young generation: the worker's garbage is short-lived (messages, result rows; big bytea
		// strings go to V8's large-object space anyway), and the default lets it grow by tens of MB under
		// many small queries. The 1000 upgrades of the bench's idle-connection scenario (each runs its
		// authentication queries here) grew the server's RSS by 34 KB per connection on PGlite vs 14 KB on
		// PostgreSQL; with this limit PGlite measured 14 KB too.
		const worker = new Worker(new URL('./pglite-worker.mjs', import.meta.url), { workerData: { dataDir }, resourceLimits: { maxYoungGenerationSizeMb: 4 } });
		await new Promise<void>((resolve, reject) => {
			const onMessage = (msg: Reply) => {
				if (msg.ready === undefined) return;
				cleanup();
				if (msg.ready) resolve();
				else reject(toError(msg.error));
			};
			const onError = (err: Error) => {
				cleanup();
				reject(err);
			};
			const onExit = (code: number) => {
				cleanup();
				reject(new Error(`PGlite worker exited while opening (code ${code})`));
			};
			const cleanup = () => {
				worker.off('message', onMessage);
				worker.off('error', onError);
				worker.off('exit', onExit);
			};
			worker.on('message', onMessage);
			worker.on('error', onError);
			worker.on('exit', onExit);
		});
		// Only pending calls keep the process alive (a CLI command must not hang on an idle worker).
		worker.unref();
		return new PGliteRemote(worker);
	}

	query<T>(sql: string, params: unknown[] = [], opts: QueryOptions = {}): Promise<RemoteResults<T>> {
		return this.#exclusive(() => this.#call({ op: 'query', sql, params, rowMode: opts.rowMode ?? 'object' }));
	}

	exec(sql: string): Promise<RemoteResults[]> {
		return this.#exclusive(() => this.#call({ op: 'exec', sql }));
	}

	/** BEGIN ... COMMIT holding the connection; ROLLBACK when `fn` throws or calls `tx.rollback()`. */
	transaction<T>(fn: (tx: RemoteTransaction) => Promise<T>): Promise<T> {
		return this.#exclusive(async () => {
			let closed = false;
			const tx: RemoteTransaction = {
				query: <R>(sql: string, params: unknown[] = [], opts: QueryOptions = {}) => {
					if (closed) return Promise.reject(new Error('transaction is closed'));
					return this.#call<RemoteResults<R>>({ op: 'query', sql, params, rowMode: opts.rowMode ?? 'object' });
				},
				exec: (sql: string) => {
					if (closed) return Promise.reject(new Error('transaction is closed'));
					return this.#call<RemoteResults[]>({ op: 'exec', sql });
				},
				rollback: () => Promise.reject(new Rollback('rollback')),
				get closed() {
					return closed;
				}
			};
			await this.#call({ op: 'exec', sql: 'BEGIN' });
			try {
				const result = await fn(tx);
				closed = true;
				await this.#call({ op: 'exec', sql: 'COMMIT' });
				return result;
			} catch (err) {
				closed = true;
				await this.#call({ op: 'exec', sql: 'ROLLBACK' }).catch(() => {});
				if (err instanceof Rollback) return undefined as T;
				throw err;
			}
		});
	}

	async close(): Promise<void> {
		if (this.#dead) return;
		await this.#exclusive(() => this.#call({ op: 'close' }));
		this.#dead = new Error('database is closed');
		await this.#worker.terminate();
	}

	#exclusive<T>(fn: () => Promise<T>): Promise<T> {
		const run = this.#lock.then(fn, fn);
		this.#lock = run.catch(() => {});
		return run;
	}

	#call<T>(msg: { op: string; sql?: string; params?: unknown[]; rowMode?: string }): Promise<T> {
		if (this.#dead) return Promise.reject(this.#dead);
		const id = this.#nextId++;
		return new Promise<T>((resolve, reject) => {
			if (this.#pending.size === 0) this.#worker.ref();
			this.#pending.set(id, { resolve: resolve as (v: unknown) => void, reject });
			this.#worker.postMessage({ id, ...msg });
		});
	}
}
