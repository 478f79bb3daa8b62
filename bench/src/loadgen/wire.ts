// Wire encoding for the two framings the load generator speaks:
//  - 'y':          y-websocket protocol (y-protocols PROTOCOL.md): [varUint type][payload]
//                  Teixit and @y/websocket-server; Teixit adds type 100 (durable state vector).
//  - 'hocuspocus': the same messages prefixed by the document name: [varString doc][varUint type][payload],
//                  plus an Auth handshake (type 2) before anything else and SyncReply (type 4).
// Encoders return ready-to-send bytes so hot paths can pre-build messages.
import * as encoding from 'lib0/encoding';

export type Framing = 'y' | 'hocuspocus';

export const MSG_SYNC = 0;
export const MSG_AWARENESS = 1;
export const MSG_AUTH = 2;
export const MSG_QUERY_AWARENESS = 3;
export const MSG_HP_SYNC_REPLY = 4; // Hocuspocus: sync message that must not trigger another step 1
export const MSG_HP_SYNC_STATUS = 8; // Hocuspocus: "update applied" notice to the sender
export const MSG_DURABLE_SV = 100; // Teixit: state vector of committed state (packages/protocol)

export const SYNC_STEP1 = 0;
export const SYNC_STEP2 = 1;
export const SYNC_UPDATE = 2;

/** An empty Yjs update (no structs, empty delete set): the step 2 of a client that has nothing. */
export const EMPTY_UPDATE = new Uint8Array([0, 0]);
/** An empty state vector: "send me everything". */
export const EMPTY_STATE_VECTOR = new Uint8Array([0]);

function frame(framing: Framing, doc: string, write: (enc: encoding.Encoder) => void): Uint8Array {
	const enc = encoding.createEncoder();
	if (framing === 'hocuspocus') encoding.writeVarString(enc, doc);
	write(enc);
	return encoding.toUint8Array(enc);
}

export const encodeSync = (framing: Framing, doc: string, sub: number, payload: Uint8Array) =>
	frame(framing, doc, (enc) => {
		encoding.writeVarUint(enc, MSG_SYNC);
		encoding.writeVarUint(enc, sub);
		encoding.writeVarUint8Array(enc, payload);
	});

export const encodeUpdateMessage = (framing: Framing, doc: string, update: Uint8Array) => encodeSync(framing, doc, SYNC_UPDATE, update);

export const encodeAwarenessMessage = (framing: Framing, doc: string, awarenessUpdate: Uint8Array) =>
	frame(framing, doc, (enc) => {
		encoding.writeVarUint(enc, MSG_AWARENESS);
		encoding.writeVarUint8Array(enc, awarenessUpdate);
	});

/** Hocuspocus: the first message for a document on a socket must be Auth/Token (empty token when no hook). */
export const encodeHocuspocusAuth = (doc: string, token = '') =>
	frame('hocuspocus', doc, (enc) => {
		encoding.writeVarUint(enc, MSG_AUTH);
		encoding.writeVarUint(enc, 0); // AuthMessageType.Token
		encoding.writeVarString(enc, token);
	});

/**
 * One client's awareness update, encoded by hand exactly like y-protocols' encodeAwarenessUpdate
 * (count, then clientID, clock, JSON state), so no Awareness instance is needed per client.
 */
export function encodeAwarenessUpdate(clientId: number, clock: number, json: string): Uint8Array {
	const enc = encoding.createEncoder();
	encoding.writeVarUint(enc, 1);
	encoding.writeVarUint(enc, clientId);
	encoding.writeVarUint(enc, clock);
	encoding.writeVarString(enc, json);
	return encoding.toUint8Array(enc);
}
