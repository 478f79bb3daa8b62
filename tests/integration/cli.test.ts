// `pnpm cli user create …` on the test database, and its refusal while another process holds PGlite.
import { spawnSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { openDatabase, users } from '@teixit/db';
import { createTestDatabaseUrl, usingPostgres } from '../utils/db.ts';

const root = resolve(import.meta.dirname, '../..');
const tsx = join(root, 'apps/server/node_modules/.bin/tsx');
const cleanups: (() => Promise<void>)[] = [];
afterAll(async () => {
	for (const c of cleanups) await c();
});

function cli(args: string[], env: Record<string, string>, input: string) {
	const r = spawnSync(tsx, [join(root, 'apps/server/src/cli.ts'), ...args], { cwd: root, env: { ...process.env, DATABASE_URL: '', ...env }, input, encoding: 'utf8', timeout: 60_000 });
	return { code: r.status, out: r.stdout, err: r.stderr };
}

async function target(): Promise<{ env: Record<string, string>; open: () => ReturnType<typeof openDatabase> }> {
	if (usingPostgres()) {
		const { url, drop } = await createTestDatabaseUrl();
		cleanups.push(drop);
		return { env: { DATABASE_URL: url }, open: () => openDatabase({ url }) };
	}
	const dir = mkdtempSync(join(tmpdir(), 'teixit-cli-'));
	return { env: { DATA_DIR: dir }, open: () => openDatabase({ dataDir: dir }) };
}

describe('CLI user create', () => {
	it('creates an admin from a password on stdin, then refuses a duplicate', async () => {
		const t = await target();
		const ok = cli(['user', 'create', '--email', 'Root@Example.org', '--name', 'Root', '--password-stdin', '--admin'], t.env, 'a-strong-password\n');
		expect(ok.err).toBe('');
		expect(ok.code).toBe(0);
		expect(JSON.parse(ok.out)).toMatchObject({ email: 'root@example.org', name: 'Root', isAdmin: true });
		const dup = cli(['user', 'create', '--email', 'root@example.org', '--name', 'Again', '--password-stdin'], t.env, 'another-password\n');
		expect(dup.code).toBe(1);
		expect(dup.err).toMatch(/already exists/);
		const db = await t.open();
		const rows = await db.db.select().from(users);
		expect(rows.map((r) => [r.email, r.isAdmin])).toEqual([['root@example.org', true]]);
		expect(rows[0]!.passwordHash).toMatch(/^\$argon2id\$/);
		await db.close();
	});

	it('rejects a short password and bad usage with clear messages', async () => {
		const t = await target();
		const short = cli(['user', 'create', '--email', 'a@example.org', '--name', 'A', '--password-stdin'], t.env, 'short\n');
		expect(short.code).toBe(1);
		expect(short.err).toMatch(/password/);
		const usage = cli(['user', 'create', '--email', 'a@example.org'], t.env, '');
		expect(usage.code).toBe(2);
		expect(usage.err).toMatch(/Usage/);
	});

	it.skipIf(usingPostgres())('refuses, without touching the data, while another process holds the embedded database', async () => {
		const dir = mkdtempSync(join(tmpdir(), 'teixit-cli-locked-'));
		const held = await openDatabase({ dataDir: dir });
		try {
			const r = cli(['user', 'create', '--email', 'b@example.org', '--name', 'B', '--password-stdin'], { DATA_DIR: dir }, 'a-strong-password\n');
			expect(r.code).toBe(3);
			expect(r.err).toMatch(/in use by another Teixit process/);
			expect(await held.db.select().from(users)).toEqual([]);
		} finally {
			await held.close();
		}
	});
});
