// What a page gives the generic TimerPanel: the shared timer (facilitation document), the server clock,
// and the facilitator's controls (the server refuses anyone else's writes anyway).
import type { Timer } from '@teixit/model';
import type { ServerClock } from '$lib/diagnosis/server-clock.svelte';

export interface TimerHost {
	readonly timer: Timer | null;
	readonly clock: ServerClock;
	/** The facilitation document has synced once (no announcements before that). */
	readonly synced: boolean;
	readonly canFacilitate: boolean;
	startTimer(minutes: number): void;
	extendTimer(minutes?: number): void;
	pauseTimer(): void;
	resumeTimer(): void;
	clearTimer(): void;
}
