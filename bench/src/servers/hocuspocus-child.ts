// @hocuspocus/server 3.4.4, in memory (no extensions), quiet. Started by servers/hocuspocus.ts.
import { Server } from '@hocuspocus/server';

const port = Number(process.env.PORT);
const host = process.env.HOST || '127.0.0.1';
const server = new Server({ port, address: host, quiet: true, stopOnSignals: true });
await server.listen();
console.log(`READY ${port}`);
