// Process entry: open the database (PGlite by default, PostgreSQL with DATABASE_URL), migrate,
// serve, and drain gracefully on SIGTERM/SIGINT.
import { openDatabase, DataDirLockedError } from '@teixit/db';
import { buildApp } from './app.ts';
import { loadConfig } from './config.ts';

async function main() {
	const config = loadConfig();
	let database;
	try {
		database = await openDatabase(config.databaseUrl ? { url: config.databaseUrl } : { dataDir: config.dataDir });
	} catch (err) {
		if (err instanceof DataDirLockedError) {
			console.error(err.message);
			process.exit(1);
		}
		throw err;
	}
	const app = await buildApp({ config, database });
	app.addHook('onClose', async () => database.close());

	let closing = false;
	const shutdown = async (signal: string) => {
		if (closing) return;
		closing = true;
		app.log.info({ signal }, 'shutting down: draining sync, closing sockets');
		const force = setTimeout(() => {
			app.log.error('shutdown took too long; exiting');
			process.exit(1);
		}, 15_000);
		force.unref();
		try {
			await app.close();
			process.exit(0);
		} catch (err) {
			app.log.error({ err }, 'error during shutdown');
			process.exit(1);
		}
	};
	process.on('SIGTERM', () => void shutdown('SIGTERM'));
	process.on('SIGINT', () => void shutdown('SIGINT'));

	await app.listen({ port: config.port, host: config.host });
	app.log.info(
		{ database: database.kind === 'pglite' ? `embedded (${config.dataDir})` : 'postgresql', origin: config.publicOrigin },
		`Teixit is ready on ${config.publicOrigin}`
	);
}

main().catch((err) => {
	console.error(err);
	process.exit(1);
});
