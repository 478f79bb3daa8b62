// GET /sync/:docName — the y-websocket protocol. A thin adapter: authenticate and authorize before
// the upgrade, attach the message listener synchronously, hand the socket to the framework-free engine.
import { randomBytes } from 'node:crypto';
import { ServerResponse, type IncomingMessage } from 'node:http';
import type { FastifyInstance } from 'fastify';
import type { WebSocket } from 'ws';
import { parseDocName } from '@teixit/core';
import { ACKS_PARAM, CloseCodes } from '@teixit/protocol';
import type { SyncConnectionHandle, SyncServer, SyncSocket } from '@teixit/sync';
import { corkedSend } from '../sync/cork.ts';
import { IpConnectionRate } from '../sync/ip-rate.ts';
import type { PresenceLog } from '../sync/presence.ts';
import { apiError } from '../plugins/errors.ts';

/** What the route keeps for a live connection: who it is (for revocations) and the engine's handle. */
interface LiveConnection {
	connectionId: string;
	userId: string;
	credentialId: string;
	docName: string;
	engagementId: string;
	handle: SyncConnectionHandle;
}

/** The socket carries its LiveConnection, so one set of listener functions serves every socket. */
const kLive = Symbol('teixit.sync.live');
type LiveSocket = WebSocket & { [kLive]: LiveConnection };
const liveOf = (ws: WebSocket) => (ws as LiveSocket)[kLive];

/** A connection id: random, and a flat string (crypto.randomUUID() returns a rope of ~13 pieces,
 *  ~0.4 KB held for the connection's life). */
const newConnectionId = () => randomBytes(16).toString('base64url');

/**
 * @fastify/websocket routes the upgrade through a ServerResponse assigned to the TCP socket; that
 * response never finishes, so the socket kept it, its IncomingMessage and Fastify's Request/Reply
 * (about 1.5 KB with their listeners) for the connection's whole life. Once the WebSocket owns the
 * socket nothing reads them: detaching lets them go. (Fastify's onResponse never fires for a sync
 * connection anyway; the socket is closed by ws.)
 */
function releaseUpgradeResponse(req: IncomingMessage): void {
	const tcp = req.socket as (typeof req.socket & { _httpMessage?: unknown }) | null;
	const res = tcp?._httpMessage;
	if (tcp && res instanceof ServerResponse) res.detachSocket(tcp);
}

/** The engine's view of a `ws` socket: one small object per connection, methods on the prototype. */
class WsSyncSocket implements SyncSocket {
	constructor(private readonly ws: WebSocket) {}
	send(data: Uint8Array): void {
		if (this.ws.readyState === this.ws.OPEN) corkedSend(this.ws, data);
	}
	close(code: number, reason: string): void {
		this.ws.close(code, reason);
	}
	get bufferedAmount(): number {
		return this.ws.bufferedAmount;
	}
}

export interface SyncRouteOptions {
	sync: SyncServer;
	presence: PresenceLog;
	connectionsPerSecondPerIp?: number;
	connectionBurstPerIp?: number;
}

export default async function syncRoutes(app: FastifyInstance, opts: SyncRouteOptions) {
	const { sync } = opts;
	const ipRate = new IpConnectionRate(opts.connectionsPerSecondPerIp ?? 50, opts.connectionBurstPerIp ?? 300);
	const live = new Map<string, LiveConnection>();

	// Revocations close live connections with a permanent code.
	const closeMatching = (match: (c: LiveConnection) => boolean) =>
		sync.closeWhere((c) => {
			const l = live.get(c.connectionId);
			return l !== undefined && match(l);
		}, CloseCodes.Forbidden);
	const onAccess = ({ engagementId, userId }: { engagementId: string; userId: string }) =>
		closeMatching((c) => c.userId === userId && parseDocName(c.docName)?.engagementId === engagementId);
	const onSessions = ({ userId }: { userId: string }) => closeMatching((c) => c.userId === userId && !c.credentialId.startsWith('tok:'));
	const onSession = ({ sessionId }: { sessionId: string }) => closeMatching((c) => c.credentialId === sessionId);
	const onToken = ({ tokenId }: { tokenId: string }) => closeMatching((c) => c.credentialId === `tok:${tokenId}`);
	app.core.events.on('access-changed', onAccess);
	app.core.events.on('sessions-revoked', onSessions);
	app.core.events.on('session-revoked', onSession);
	app.core.events.on('api-token-revoked', onToken);
	app.addHook('onClose', async () => {
		app.core.events.off('access-changed', onAccess);
		app.core.events.off('sessions-revoked', onSessions);
		app.core.events.off('session-revoked', onSession);
		app.core.events.off('api-token-revoked', onToken);
	});

	const log = app.log;
	// Shared by every socket (`this` is the socket): per-connection closures cost ~0.5 KB each.
	function onMessage(this: WebSocket, data: ArrayBuffer | Buffer) {
		liveOf(this).handle.receive(data instanceof ArrayBuffer ? new Uint8Array(data) : new Uint8Array(data.buffer, data.byteOffset, data.byteLength));
	}
	function onClose(this: WebSocket) {
		const l = liveOf(this);
		live.delete(l.connectionId);
		opts.presence.disconnected(l.engagementId, l.userId);
		l.handle.closed();
	}
	function onError(this: WebSocket, err: Error) {
		log.warn({ err, docName: liveOf(this).docName }, 'sync socket error');
		this.terminate();
	}

	function attach(ws: WebSocket, c: { docName: string; userId: string; credentialId: string; access: 'read' | 'write'; acks: boolean; ip: string }) {
		const connectionId = newConnectionId();
		const { docName, userId } = c;
		const socket = ws as LiveSocket;
		socket.binaryType = 'arraybuffer';
		const engagementId = parseDocName(docName)!.engagementId;
		opts.presence.connected(engagementId, userId);
		const handle = sync.connect({
			docName,
			userId,
			connectionId,
			access: c.access,
			acks: c.acks,
			ip: c.ip,
			socket: new WsSyncSocket(socket)
		});
		const l: LiveConnection = { connectionId, userId, credentialId: c.credentialId, docName, engagementId, handle };
		socket[kLive] = l;
		live.set(connectionId, l);
		// Attached synchronously: messages arriving while the document loads are queued by the engine.
		socket.on('message', onMessage);
		socket.on('close', onClose);
		socket.on('error', onError);
	}

	app.get<{ Params: { docName: string }; Querystring: Record<string, string> }>(
		'/sync/:docName',
		{
			websocket: true,
			schema: { hide: true },
			// Refusals happen here, before the upgrade, as plain HTTP errors.
			preValidation: async (request, reply) => {
				if (!ipRate.take(request.ip)) {
					app.metrics.closes.inc({ reason: CloseCodes.RateLimited.reason });
					return reply.status(429).send(apiError('throttled', 'Too many connections from this address'));
				}
				if (!request.caller) return reply.status(401).send(apiError('unauthenticated', 'Sign in first'));
				if (!parseDocName(request.params.docName)) return reply.status(404).send(apiError('not_found', 'No such document'));
				const access = await app.core.engagements.documentAccess(request.caller.user.id, request.params.docName);
				if (!access) return reply.status(404).send(apiError('not_found', 'No such document'));
				(request as unknown as { syncAccess: 'read' | 'write' }).syncAccess = access;
			}
		},
		(socket: WebSocket, request) => {
			const caller = request.caller!;
			releaseUpgradeResponse(request.raw);
			// @fastify/websocket's own 'error' listener closes over the request and reply, keeping them
			// alive with the socket; attach() installs an equivalent one (log, terminate) that does not.
			socket.removeAllListeners('error');
			// Only plain values go on: closures that captured the request would keep it (and its reply)
			// alive as long as the socket, several KB per idle connection.
			attach(socket, {
				docName: request.params.docName,
				userId: caller.user.id,
				credentialId: caller.kind === 'token' ? `tok:${caller.credentialId}` : caller.credentialId,
				access: (request as unknown as { syncAccess: 'read' | 'write' }).syncAccess,
				acks: request.query[ACKS_PARAM] === '1',
				ip: request.ip
			});
		}
	);
}
