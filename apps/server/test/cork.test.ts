// corkedSend: frames of one turn go out in one write at once; a busy event loop holds writes back
// for a few milliseconds so that each carries more frames.
import { PassThrough } from 'node:stream';
import { setImmediate as nextTurn, setTimeout as sleep } from 'node:timers/promises';
import { describe, expect, it } from 'vitest';
import type { WebSocket } from 'ws';
import { corkedSend } from '../src/sync/cork.ts';

/** A stand-in for ws' WebSocket over a real stream: send() writes, and each write call is counted. */
function fakeSocket() {
	const raw = new PassThrough();
	const writes: number[] = [];
	raw._writev = (chunks, cb) => {
		writes.push(chunks.length);
		cb();
	};
	raw._write = (_chunk, _enc, cb) => {
		writes.push(1);
		cb();
	};
	const ws = { _socket: raw, send: (data: Uint8Array) => raw.write(data) } as unknown as WebSocket;
	return { ws, writes };
}

/** Keeps the event loop busy for `ms` (utilisation near 1 over the next sample). */
function block(ms: number): void {
	const end = performance.now() + ms;
	while (performance.now() < end);
}

describe('corkedSend', () => {
	it('an idle loop: the frames of one turn leave in one write, in the next phase, not later', async () => {
		await sleep(150); // the loop's last sample is idle
		const { ws, writes } = fakeSocket();
		for (let i = 0; i < 5; i++) corkedSend(ws, new Uint8Array([i]));
		expect(writes).toEqual([]);
		await nextTurn();
		expect(writes).toEqual([5]);
		corkedSend(ws, new Uint8Array([9]));
		corkedSend(ws, new Uint8Array([9]));
		await nextTurn();
		expect(writes).toEqual([5, 2]);
	});

	it('a busy loop: writes wait up to a few ms after the last one, each carrying what came meanwhile', async () => {
		await sleep(150);
		block(600); // utilisation near 1 over the next sample
		const { ws, writes } = fakeSocket();
		corkedSend(ws, new Uint8Array([0]));
		await nextTurn();
		expect(writes).toEqual([1]); // the first write after a pause is not held
		for (let i = 1; i <= 10; i++) {
			corkedSend(ws, new Uint8Array([i]));
			await nextTurn(); // an idle loop writes once per turn: 10 writes
		}
		await sleep(30);
		expect(writes.reduce((a, b) => a + b)).toBe(11);
		expect(writes.length).toBeLessThanOrEqual(4);
	});
});
