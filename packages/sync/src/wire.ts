// Pure encoders for the frames the server sends (y-protocols PROTOCOL.md + messageDurableStateVector).
import * as encoding from 'lib0/encoding';
import { messageAwareness, messageDurableStateVector, messageSync } from '@teixit/protocol';

// y-protocols/sync sub-types
export const syncStep1 = 0;
export const syncStep2 = 1;
export const syncUpdate = 2;

const frame = (type: number, sub: number | null, payload: Uint8Array) =>
	encoding.encode((enc) => {
		encoding.writeVarUint(enc, type);
		if (sub !== null) encoding.writeVarUint(enc, sub);
		encoding.writeVarUint8Array(enc, payload);
	});

export const encodeSyncStep1 = (stateVector: Uint8Array) => frame(messageSync, syncStep1, stateVector);
export const encodeSyncStep2 = (update: Uint8Array) => frame(messageSync, syncStep2, update);
export const encodeUpdate = (update: Uint8Array) => frame(messageSync, syncUpdate, update);
export const encodeAwareness = (awarenessUpdate: Uint8Array) => frame(messageAwareness, null, awarenessUpdate);
/** [D1]/[D7]: the committed state vector, then how many of this connection's update frames are committed. */
export const encodeDurableStateVector = (stateVector: Uint8Array, committedFrames: number) =>
	encoding.encode((enc) => {
		encoding.writeVarUint(enc, messageDurableStateVector);
		encoding.writeVarUint8Array(enc, stateVector);
		encoding.writeVarUint(enc, committedFrames);
	});
