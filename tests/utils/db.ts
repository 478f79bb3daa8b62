// One database per test file: an in-memory PGlite by default, or a fresh PostgreSQL database
// (created from TEST_DATABASE_URL, dropped afterwards) when that variable is set.
import { randomBytes } from 'node:crypto';
import postgres from 'postgres';
import { openDatabase, type Database } from '@teixit/db';

export interface TestDatabase extends Database {
	/** Connection URL when on PostgreSQL (for spawning a server on the same data). */
	url?: string;
	/** Close and remove the database. */
	dispose(): Promise<void>;
}

export const usingPostgres = () => Boolean(process.env.TEST_DATABASE_URL);

export async function createTestDatabaseUrl(): Promise<{ url: string; drop(): Promise<void> }> {
	const admin = process.env.TEST_DATABASE_URL!;
	const name = `teixit_t_${randomBytes(6).toString('hex')}`;
	const sql = postgres(admin, { max: 1, onnotice: () => {} });
	await sql.unsafe(`create database ${name}`);
	await sql.end();
	const url = new URL(admin);
	url.pathname = `/${name}`;
	return {
		url: url.toString(),
		async drop() {
			const s = postgres(admin, { max: 1, onnotice: () => {} });
			await s.unsafe(`drop database if exists ${name} with (force)`);
			await s.end();
		}
	};
}

export async function testDatabase(): Promise<TestDatabase> {
	if (!usingPostgres()) {
		const db = await openDatabase();
		return Object.assign(db, { dispose: () => db.close() });
	}
	const { url, drop } = await createTestDatabaseUrl();
	const db = await openDatabase({ url, max: 5 });
	return Object.assign(db, {
		url,
		async dispose() {
			await db.close();
			await drop();
		}
	});
}
