// Named WebSocket close codes. `retry` tells the client whether reconnecting can help.
// Numbering follows the stock y-websocket client's rule (3.1: 4400-4499 = do not reconnect), so a
// plain client stops on permanent refusals and retries transient ones without any configuration.
export interface CloseCode {
	code: number;
	reason: string;
	retry: boolean;
}

export const CloseCodes = {
	/** A message could not be decoded or broke the protocol. */
	BadMessage: { code: 4400, reason: 'bad-message', retry: false },
	/** No valid session cookie or API token at upgrade. */
	Unauthenticated: { code: 4401, reason: 'unauthenticated', retry: false },
	/** No access to this document, or access was revoked while connected. */
	Forbidden: { code: 4403, reason: 'forbidden', retry: false },
	/** The document name is not a Teixit document. */
	NotFound: { code: 4404, reason: 'not-found', retry: false },
	/** A single message exceeded the maximum size. */
	MessageTooBig: { code: 4413, reason: 'message-too-big', retry: false },
	/** Too many messages or bytes per second, or too many connections from one address. */
	RateLimited: { code: 4529, reason: 'rate-limited', retry: true },
	/** The document could not be loaded from storage; nothing was sent or persisted. */
	LoadFailed: { code: 4500, reason: 'load-failed', retry: true },
	/** The server could not persist an update; the client keeps it and re-sends after reconnecting. */
	PersistFailed: { code: 4501, reason: 'persist-failed', retry: true },
	/** The client did not read fast enough (back-pressure). */
	SlowConsumer: { code: 4508, reason: 'slow-consumer', retry: true },
	/** The server is shutting down or restarting. */
	ServerRestart: { code: 4503, reason: 'server-restart', retry: true }
} as const satisfies Record<string, CloseCode>;

export type CloseCodeName = keyof typeof CloseCodes;

const byCode = new Map<number, CloseCode>(Object.values(CloseCodes).map((c) => [c.code, c]));

/** Whether a client should reconnect after this close code (unknown codes: yes, like network drops). */
export const shouldRetry = (code: number) => byCode.get(code)?.retry ?? true;
export const closeCodeInfo = (code: number) => byCode.get(code);
