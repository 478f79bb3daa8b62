// Worker thread that owns the embedded PGlite database (see pglite-remote.ts for why and for the
// message protocol). Plain JavaScript on purpose: a worker is started by Node itself, outside tsx and
// vitest's transforms, and Node 20 cannot run TypeScript.
import { parentPort, workerData } from 'node:worker_threads';
import { PGlite, types } from '@electric-sql/pglite';

// The parsers drizzle-orm/pglite passes on every query: date/time values stay strings so drizzle maps
// them itself. Functions cannot cross the thread boundary, so they are fixed here.
const keep = (value) => value;
const parsers = {
	[types.TIMESTAMP]: keep,
	[types.TIMESTAMPTZ]: keep,
	[types.INTERVAL]: keep,
	[types.DATE]: keep,
	1231: keep, // numeric[]
	1115: keep, // timestamp[]
	1185: keep, // timestamptz[]
	1187: keep, // interval[]
	1182: keep, // date[]
	// bytea travels as hex text. PGlite's own JavaScript codec converts it a character at a time: reading
	// an 800 KB document snapshot took 230 ms and writing one 0.7-1.5 s; Node's native hex codec does
	// the same in 10-30 ms and ~100 ms (measured on the bench machine).
	[types.BYTEA]: (value) => {
		const b = Buffer.from(value.slice(2), 'hex');
		// Small Buffers share an 8 KB pool, which structured cloning would copy whole.
		return b.byteLength === b.buffer.byteLength ? b : new Uint8Array(b);
	}
};
const serializers = {
	[types.BYTEA]: (value) =>
		typeof value === 'string' ? value : '\\x' + Buffer.from(value.buffer, value.byteOffset, value.byteLength).toString('hex')
};

/** Only the plain fields of a PostgreSQL error cross (SQLSTATE `code` is what callers test). */
function serializeError(err) {
	const out = { name: err?.name ?? 'Error', message: err?.message ?? String(err) };
	for (const key of ['code', 'detail', 'hint', 'constraint', 'table', 'column', 'schema', 'severity', 'position', 'routine']) {
		if (err && err[key] !== undefined) out[key] = err[key];
	}
	return out;
}

const port = parentPort;
let db;
try {
	db = workerData?.dataDir ? new PGlite(workerData.dataDir) : new PGlite();
	await db.waitReady;
} catch (err) {
	port.postMessage({ ready: false, error: serializeError(err) });
	process.exit(1);
}

port.on('message', async (msg) => {
	try {
		let result;
		if (msg.op === 'query') {
			const r = await db.query(msg.sql, msg.params, { rowMode: msg.rowMode, parsers, serializers });
			result = { rows: r.rows, fields: r.fields, affectedRows: r.affectedRows };
		} else if (msg.op === 'exec') {
			const rs = await db.exec(msg.sql);
			result = rs.map((r) => ({ rows: r.rows, fields: r.fields, affectedRows: r.affectedRows }));
		} else if (msg.op === 'close') {
			await db.close();
			result = null;
		} else {
			throw new Error(`unknown op ${msg.op}`);
		}
		port.postMessage({ id: msg.id, ok: true, result });
	} catch (err) {
		port.postMessage({ id: msg.id, ok: false, error: serializeError(err) });
	}
});
port.postMessage({ ready: true });
