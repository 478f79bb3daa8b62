// `pnpm cli user create --email E --name N --password-stdin [--admin]`
// Works on either database. On the embedded one the data directory is locked by a running server,
// so the CLI refuses with a clear message instead of corrupting it.
import { parseArgs } from 'node:util';
import { createCore, isDomainError } from '@teixit/core';
import { openDatabase, DataDirLockedError } from '@teixit/db';
import { loadConfig } from './config.ts';

const usage = `Usage:
  pnpm cli user create --email EMAIL --name NAME --password-stdin [--admin]

Reads the password from standard input (first line). Uses DATABASE_URL when set,
otherwise the embedded database in DATA_DIR (default ./data).`;

async function readStdin(): Promise<string> {
	if (process.stdin.isTTY) process.stderr.write('Password: ');
	const chunks: Buffer[] = [];
	for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
	return Buffer.concat(chunks).toString('utf8').split(/\r?\n/)[0] ?? '';
}

async function main(argv: string[]): Promise<number> {
	const [group, command, ...rest] = argv.filter((a) => a !== '--');
	if (group !== 'user' || command !== 'create') {
		console.error(usage);
		return 2;
	}
	const { values } = parseArgs({
		args: rest,
		options: { email: { type: 'string' }, name: { type: 'string' }, 'password-stdin': { type: 'boolean' }, admin: { type: 'boolean' } },
		strict: true
	});
	if (!values.email || !values.name || !values['password-stdin']) {
		console.error(usage);
		return 2;
	}
	const password = await readStdin();
	const config = loadConfig();
	let database;
	try {
		database = await openDatabase(config.databaseUrl ? { url: config.databaseUrl } : { dataDir: config.dataDir });
	} catch (err) {
		if (err instanceof DataDirLockedError) {
			console.error(`Error: ${err.message}`);
			return 3;
		}
		throw err;
	}
	try {
		const core = createCore({ db: database.db, publicOrigin: config.publicOrigin });
		const user = await core.users.create({ email: values.email, name: values.name, password, isAdmin: values.admin ?? false });
		console.log(JSON.stringify({ id: user.id, email: user.email, name: user.name, isAdmin: user.isAdmin }));
		return 0;
	} catch (err) {
		if (isDomainError(err)) {
			console.error(`Error: ${err.message}`);
			return 1;
		}
		throw err;
	} finally {
		await database.close();
	}
}

main(process.argv.slice(2)).then(
	(code) => process.exit(code),
	(err) => {
		console.error(err);
		process.exit(1);
	}
);
