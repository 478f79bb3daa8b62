// Wire constants of the y-websocket protocol (y-protocols PROTOCOL.md) plus Teixit's one extension.
// Plain y-websocket clients never see the extension: it is only sent to connections that asked
// for it with the `acks=1` query parameter.

export const messageSync = 0;
export const messageAwareness = 1;
export const messageAuth = 2;
export const messageQueryAwareness = 3;

/**
 * Durable acknowledgement (server -> client): a Yjs state vector (varUint8Array) of what the server has
 * committed for this document, then a varUint: how many of this connection's update-bearing frames
 * (sync step 2 / update) are committed. A local change is "saved" when the frame that carried it is
 * counted and the state vector covers its clock (deletions do not move the state vector: SPEC [D7]).
 * Sent after every commit, and once right after the initial sync.
 */
export const messageDurableStateVector = 100;

/** Query parameter a client adds to its sync URL to receive durable acknowledgements. */
export const ACKS_PARAM = 'acks';
