// Coalesces the frames sent to one socket within an event-loop turn into one write system call.
//
// Why: `ws` writes every frame with its own writev. Under fan-out every incoming edit is sent to each
// other client of the room, and a profile of the server showed writev as the largest single cost of
// the event loop. Corking the TCP socket on the first send of a turn and uncorking in setImmediate
// (after the poll phase has read every socket that had data) turns N frames to one client into one
// writev. It adds no delay: setImmediate runs right after the current poll phase.
import type { Duplex } from 'node:stream';
import type { WebSocket } from 'ws';

const corked = new Set<Duplex>();
let scheduled = false;

function uncorkAll(): void {
	scheduled = false;
	for (const raw of corked) raw.uncork();
	corked.clear();
}

/** The TCP socket under a `ws` WebSocket (`_socket` is internal to ws 8 but stable). */
function rawSocket(ws: WebSocket): Duplex | undefined {
	const raw = (ws as unknown as { _socket?: Duplex })._socket;
	return raw && typeof raw.cork === 'function' ? raw : undefined;
}

/** Sends `data` on `ws`, batched with the socket's other frames of this event-loop turn. */
export function corkedSend(ws: WebSocket, data: Uint8Array): void {
	const raw = rawSocket(ws);
	if (raw && !raw.destroyed && !corked.has(raw)) {
		raw.cork();
		corked.add(raw);
		if (!scheduled) {
			scheduled = true;
			setImmediate(uncorkAll);
		}
	}
	ws.send(data);
}
