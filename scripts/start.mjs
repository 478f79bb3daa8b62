#!/usr/bin/env node
// `npm start` / `pnpm start`: install, build what is stale, migrate the database and serve Teixit.
// Embedded PGlite in ./data unless DATABASE_URL is set.
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { buildWebIfStale, install, root } from './lib.mjs';

await install();
await buildWebIfStale();

// `node --import tsx` keeps the server a single process (signals and kill -9 reach the server itself).
const server = spawn(process.execPath, ['--import', 'tsx', join(root, 'apps/server/src/main.ts')], { cwd: root, stdio: 'inherit', env: process.env });
for (const signal of ['SIGINT', 'SIGTERM']) process.on(signal, () => server.kill(signal));
server.on('exit', (code, signal) => process.exit(code ?? (signal ? 0 : 1)));
