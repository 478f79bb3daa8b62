// @y/websocket-server 0.1.1 as its own bin/server.js runs it: a plain node http server, ws in noServer
// mode, setupWSConnection per socket, documents in memory (no YPERSISTENCE). Started by servers/ywss.ts.
import http from 'node:http';
import { WebSocketServer } from 'ws';
import { setupWSConnection } from '@y/websocket-server/utils';

const port = Number(process.env.PORT);
const host = process.env.HOST || '127.0.0.1';
const wss = new WebSocketServer({ noServer: true });
const server = http.createServer((_req, res) => {
	res.writeHead(200, { 'Content-Type': 'text/plain' });
	res.end('okay');
});
wss.on('connection', (ws, req) => setupWSConnection(ws, req, { gc: true }));
server.on('upgrade', (req, socket, head) => wss.handleUpgrade(req, socket, head, (ws) => wss.emit('connection', ws, req)));
server.listen(port, host, () => console.log(`READY ${port}`));
process.on('SIGTERM', () => process.exit(0));
