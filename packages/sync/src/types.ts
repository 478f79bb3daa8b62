// Public types shared by the server, rooms and connections. No runtime code here.
import type { CloseCode } from '@teixit/protocol';

/** The transport, implemented by the adapter (e.g. Fastify over `ws`). */
export interface SyncSocket {
	send(data: Uint8Array): void;
	close(code: number, reason: string): void;
	/** Bytes queued but not yet written, for back-pressure. */
	readonly bufferedAmount: number;
}

export interface ConnectParams {
	docName: string;
	socket: SyncSocket;
	userId: string;
	connectionId: string;
	/** `read`: no write path; updates from the connection are refused and never applied (SPEC [A1]). */
	access: 'write' | 'read';
	/** The client asked for messageDurableStateVector (SPEC [D1]). */
	acks: boolean;
	ip?: string;
}

/** What the adapter calls for one socket. Neither method throws. */
export interface SyncConnectionHandle {
	/** One binary WebSocket frame from the client. */
	receive(data: Uint8Array): void;
	/** The socket closed (by the peer, the network, or after our own close). Idempotent. */
	closed(): void;
}

/** pino-compatible subset. */
export interface SyncLogger {
	info(obj: object, msg: string): void;
	warn(obj: object, msg: string): void;
	error(obj: object, msg: string): void;
}

export interface ConnectionInfo {
	userId: string;
	docName: string;
	connectionId: string;
}

export type { CloseCode };
