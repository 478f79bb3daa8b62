// One factory for both databases: real PostgreSQL when a URL is given, else embedded PGlite.
import { mkdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { PgDatabase, PgQueryResultHKT } from 'drizzle-orm/pg-core';
import * as schema from './schema.ts';
import { acquireDataDirLock, type DataDirLock } from './lock.ts';
import { PGliteRemote } from './pglite-remote.ts';

export type Db = PgDatabase<PgQueryResultHKT, typeof schema>;

export interface Database {
	db: Db;
	kind: 'postgres' | 'pglite';
	/** Runs a trivial query; used by /readyz. */
	ping(): Promise<void>;
	close(): Promise<void>;
}

export interface DatabaseOptions {
	/** postgres:// URL. When absent, PGlite is used. */
	url?: string;
	/** PGlite data directory; absent means in-memory (tests). */
	dataDir?: string;
	/** Run the committed migrations (default true). */
	migrate?: boolean;
	/** postgres.js pool size. */
	max?: number;
}

export const migrationsFolder = fileURLToPath(new URL('../drizzle', import.meta.url));

export async function openDatabase(opts: DatabaseOptions = {}): Promise<Database> {
	const database = opts.url ? await openPostgres(opts.url, opts.max) : await openPglite(opts.dataDir);
	if (opts.migrate !== false) {
		try {
			await migrateDatabase(database);
		} catch (err) {
			await database.close();
			throw err;
		}
	}
	return database;
}

async function openPostgres(url: string, max = 10): Promise<Database> {
	const { default: postgres } = await import('postgres');
	const { drizzle } = await import('drizzle-orm/postgres-js');
	const client = postgres(url, { max, onnotice: () => {} });
	const db = drizzle(client, { schema }) as unknown as Db;
	return {
		db,
		kind: 'postgres',
		async ping() {
			await client`select 1`;
		},
		async close() {
			await client.end({ timeout: 5 });
		}
	};
}

async function openPglite(dataDir?: string): Promise<Database> {
	let lock: DataDirLock | undefined;
	if (dataDir) {
		mkdirSync(dataDir, { recursive: true });
		// PGlite is single-process: two processes on one data directory corrupt it.
		lock = acquireDataDirLock(dataDir);
	}
	try {
		// In a worker thread, so the database's work never blocks the server's event loop
		// (pglite-remote.ts); drizzle's PGlite driver only needs query/exec/transaction.
		const { drizzle } = await import('drizzle-orm/pglite');
		const client = await PGliteRemote.open(dataDir ? `${dataDir}/pglite` : undefined);
		const db = drizzle(client as never, { schema }) as unknown as Db;
		return {
			db,
			kind: 'pglite',
			async ping() {
				await client.query('select 1');
			},
			async close() {
				await client.close();
				lock?.release();
			}
		};
	} catch (err) {
		lock?.release();
		throw err;
	}
}

export async function migrateDatabase(database: Database): Promise<void> {
	if (database.kind === 'postgres') {
		const { migrate } = await import('drizzle-orm/postgres-js/migrator');
		await migrate(database.db as any, { migrationsFolder });
	} else {
		const { migrate } = await import('drizzle-orm/pglite/migrator');
		await migrate(database.db as any, { migrationsFolder });
	}
}
