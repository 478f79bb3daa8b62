// Coalesces the frames sent to one socket into one write system call: within an event-loop turn
// always, and over a few milliseconds more when the event loop is busy.
//
// Why: `ws` writes every frame with its own writev. Under fan-out every incoming edit is sent to each
// other client of the room, and a profile of the server showed writev as the largest single cost of
// the event loop. Corking the TCP socket on the first send of a turn and uncorking in setImmediate
// (after the poll phase has read every socket that had data) turns N frames to one client into one
// writev, with no delay: setImmediate runs right after the current poll phase.
//
// Near saturation writev was still a third of the busy time (about five frames per call). So when the
// event loop is busy, the next uncork (of every corked socket) waits until up to MAX_WINDOW_MS after
// the previous one, and each call carries more frames. A frame then waits at most that long, at a load
// where queueing already costs more; an idle or lightly loaded server (a workshop) sends at once.
import { performance, type EventLoopUtilization } from 'node:perf_hooks';
import type { Duplex } from 'node:stream';
import type { WebSocket } from 'ws';

const MAX_WINDOW_MS = 8;
/** Event-loop utilisation from which writes are held back, and at which the window is full. */
const BUSY_FROM = 0.5;
const BUSY_FULL = 0.8;
const SAMPLE_MS = 100;

const corked = new Set<Duplex>();
let scheduled = false;
let lastUncorkAt = -Infinity;
let windowMs = 0;
let sample: EventLoopUtilization = performance.eventLoopUtilization();
let sampledAt = performance.now();

function uncorkAll(): void {
	scheduled = false;
	lastUncorkAt = performance.now();
	for (const raw of corked) raw.uncork();
	corked.clear();
}

/** Re-reads the event loop's utilisation at most every SAMPLE_MS; the window follows it. */
function updateWindow(now: number): void {
	if (now - sampledAt < SAMPLE_MS) return;
	const next = performance.eventLoopUtilization();
	const { utilization } = performance.eventLoopUtilization(next, sample);
	sample = next;
	sampledAt = now;
	windowMs = MAX_WINDOW_MS * Math.min(1, Math.max(0, (utilization - BUSY_FROM) / (BUSY_FULL - BUSY_FROM)));
}

/** The TCP socket under a `ws` WebSocket (`_socket` is internal to ws 8 but stable). */
function rawSocket(ws: WebSocket): Duplex | undefined {
	const raw = (ws as unknown as { _socket?: Duplex })._socket;
	return raw && typeof raw.cork === 'function' ? raw : undefined;
}

/** Sends `data` on `ws`, batched with the socket's other frames of this event-loop turn (or window). */
export function corkedSend(ws: WebSocket, data: Uint8Array): void {
	const raw = rawSocket(ws);
	if (raw && !raw.destroyed && !corked.has(raw)) {
		raw.cork();
		corked.add(raw);
		if (!scheduled) {
			scheduled = true;
			const now = performance.now();
			updateWindow(now);
			const wait = lastUncorkAt + windowMs - now;
			if (wait >= 1) setTimeout(uncorkAll, wait);
			else setImmediate(uncorkAll);
		}
	}
	ws.send(data);
}
