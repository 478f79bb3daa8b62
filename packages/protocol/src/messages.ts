// Wire constants of the y-websocket protocol (y-protocols PROTOCOL.md) plus Teixit's one extension.
// Plain y-websocket clients never see the extension: it is only sent to connections that asked
// for it with the `acks=1` query parameter.

export const messageSync = 0;
export const messageAwareness = 1;
export const messageAuth = 2;
export const messageQueryAwareness = 3;

/**
 * Durable acknowledgement (server -> client): payload is a Yjs state vector (varUint8Array) of what
 * the server has committed to the database for this document. A client's change is "saved" when the
 * durable state vector covers the clock of its own client id. Sent after every commit that changed
 * the durable state, and once right after the initial sync.
 */
export const messageDurableStateVector = 100;

/** Query parameter a client adds to its sync URL to receive durable acknowledgements. */
export const ACKS_PARAM = 'acks';
