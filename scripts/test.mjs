#!/usr/bin/env node
// `npm test` / `pnpm test`: install, build, type-check, lint, then the whole vitest suite on the
// embedded database, and again on PostgreSQL when TEST_DATABASE_URL is set. Ends with "N passed, N failed".
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildWebIfStale, install, pnpmCommand, root, run } from './lib.mjs';

const only = process.argv.slice(2); // optional vitest filters, e.g. `pnpm test tests/integration`
await install();
await buildWebIfStale();

let passed = 0;
let failed = 0;
const failures = [];
const [pnpmCmd, ...pnpmPre] = pnpmCommand();

async function check(name, cmd, args) {
	console.log(`\n━━ ${name}`);
	const code = await run(cmd, args);
	if (code === 0) passed++;
	else {
		failed++;
		failures.push(name);
	}
}

async function vitest(label, env) {
	console.log(`\n━━ vitest (${label})`);
	const out = join(mkdtempSync(join(tmpdir(), 'teixit-vitest-')), 'results.json');
	const bin = join(root, 'node_modules/.bin/vitest');
	const code = await run(bin, ['run', '--reporter=default', '--reporter=json', `--outputFile.json=${out}`, ...only], { env: { ...process.env, ...env } });
	let report;
	try {
		report = JSON.parse(readFileSync(out, 'utf8'));
	} catch {
		failed++;
		failures.push(`vitest (${label}) produced no report (exit ${code})`);
		return;
	}
	passed += report.numPassedTests;
	failed += report.numFailedTests;
	for (const file of report.testResults) {
		for (const a of file.assertionResults) if (a.status === 'failed') failures.push(`[${label}] ${a.fullName}`);
		if (file.status === 'failed' && file.assertionResults.length === 0) {
			failed++;
			failures.push(`[${label}] ${file.name}: ${file.message?.split('\n')[0]}`);
		}
	}
	if (code !== 0 && report.numFailedTests === 0 && !report.testResults.some((f) => f.status === 'failed')) {
		failed++;
		failures.push(`vitest (${label}) exited with ${code}`);
	}
}

if (only.length === 0) {
	await check('type check (tsc + svelte-check)', pnpmCmd, [...pnpmPre, '-r', '--workspace-concurrency=1', 'typecheck']);
	await check('lint (eslint)', join(root, 'node_modules/.bin/eslint'), ['.']);
}
const pg = process.env.TEST_DATABASE_URL;
await vitest('embedded PGlite', { TEST_DATABASE_URL: '' });
if (pg) await vitest('PostgreSQL', { TEST_DATABASE_URL: pg });
else console.log('\n(TEST_DATABASE_URL not set: the PostgreSQL pass was not run)');

if (failures.length) console.log(`\nFailures:\n${failures.map((f) => `  ✖ ${f}`).join('\n')}`);
console.log(`\n${passed} passed, ${failed} failed`);
process.exit(failed === 0 ? 0 : 1);
