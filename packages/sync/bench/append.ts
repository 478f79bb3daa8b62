// Microbenchmark of DrizzleStorage's coalesced append: CPU (every thread of the process, so the
// PGlite worker too) and wall time per statement for R documents x N rows each, the shape the
// fan-out scenario produces at its crossing (20 rooms, ~10-15 rows per room per 25 ms flush).
// Usage (in packages/sync): npx tsx bench/append.ts [rounds=300] [docs=20] [rows=15]   (DATABASE_URL: PostgreSQL)
import { randomBytes, randomUUID } from 'node:crypto';
import { openDatabase } from '@teixit/db';
import { DrizzleStorage } from '../src/storage/drizzle.ts';

const [rounds = 300, docs = 20, rows = 15] = process.argv.slice(2).map(Number);
const database = await openDatabase({ url: process.env.DATABASE_URL });
const storage = new DrizzleStorage(database.db, { minFlushIntervalMs: 0, maxFlushIntervalMs: 0 });
const names = Array.from({ length: docs }, () => `${randomUUID()}.workspace`);
const users = Array.from({ length: 10 }, () => randomBytes(10).toString('base64url'));
const conns = Array.from({ length: 10 }, () => randomBytes(16).toString('base64url'));
const seqs = new Map(names.map((n) => [n, 1]));
const update = () => randomBytes(40);

async function round(): Promise<void> {
	await Promise.all(
		names.map((name) => {
			const first = seqs.get(name)!;
			const entries = Array.from({ length: rows }, (_, i) => ({ update: update(), userId: users[i % 10]!, connectionId: conns[i % 10]! }));
			seqs.set(name, first + rows);
			return storage.append(name, first, entries);
		})
	);
}

for (let i = 0; i < 50; i++) await round(); // warm-up (JIT, planner)
const cpu0 = process.cpuUsage();
const t0 = performance.now();
for (let i = 0; i < rounds; i++) await round();
const wall = (performance.now() - t0) / rounds;
const cpu = process.cpuUsage(cpu0);
console.log(
	`${database.kind}: ${docs} docs x ${rows} rows, ${rounds} statements: ${((cpu.user + cpu.system) / 1000 / rounds).toFixed(2)} ms CPU, ${wall.toFixed(2)} ms wall per statement`
);
await database.close();
