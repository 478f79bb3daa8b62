// Open-loop pacing: every sender fires at its own fixed rate, with a random phase, from one 1 ms timer
// loop (no timer per client). Late sends are not skipped (no coordinated omission): they go out late,
// and how late is recorded as send lag, one of the load generator saturation signals.
import { performance } from 'node:perf_hooks';
import type { Samples } from './stats.ts';

export interface Paced {
	/** Milliseconds between two fires. */
	intervalMs: number;
	fire(now: number): void;
}

export function pace(senders: Paced[], durationMs: number, lag?: Samples): Promise<number> {
	const start = performance.now();
	const end = start + durationMs;
	const due = new Float64Array(senders.length);
	for (let i = 0; i < senders.length; i++) due[i] = start + Math.random() * senders[i]!.intervalMs;
	let fired = 0;
	return new Promise((resolve) => {
		const tick = () => {
			const now = performance.now();
			for (let i = 0; i < senders.length; i++) {
				const s = senders[i]!;
				while (due[i]! <= now && due[i]! < end) {
					lag?.add(now - due[i]!);
					s.fire(now);
					fired++;
					due[i] = due[i]! + s.intervalMs;
				}
			}
			if (now >= end) resolve(fired);
			else setTimeout(tick, 1);
		};
		tick();
	});
}
