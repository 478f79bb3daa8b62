// Scenario parameters: the default run (about 10 minutes on 2 cores) and --quick (about 1 minute, a
// smoke run: same code paths, smaller numbers, one round). Command-line flags override a few.
import type { TargetName } from './servers/types.ts';
import { TARGET_NAMES } from './servers/types.ts';
import type { FanoutParams } from './scenarios/fanout.ts';
import type { PresenceParams } from './scenarios/presence.ts';
import type { JoinStormParams } from './scenarios/joinstorm.ts';
import type { ConnectionsParams } from './scenarios/connections.ts';
import type { ColdLoadParams } from './scenarios/coldload.ts';
import type { HistoryParams } from './scenarios/history.ts';
import type { IdleHourParams } from './scenarios/idlehour.ts';
import type { WebParams } from './scenarios/web.ts';

export const SCENARIOS = ['connections', 'presence', 'presence-cpu', 'fanout', 'workshop', 'join-storm', 'cold-load', 'history', 'web', 'idle-hour'] as const;
export type ScenarioName = (typeof SCENARIOS)[number];
/** What runs without --scenarios: all but idle-hour, which takes an hour per target. */
export const DEFAULT_SCENARIOS: ScenarioName[] = SCENARIOS.filter((s) => s !== 'idle-hour');

export interface BenchConfig {
	quick: boolean;
	rounds: number;
	targets: TargetName[];
	scenarios: ScenarioName[];
	/** Client source addresses 127.0.0.1..n (per-IP connection limits see many users, as in production). */
	addressSpread: number;
	outDir: string;
	/** How Teixit's sync clients authenticate the upgrade: session cookie (browsers) or API token. */
	teixitAuth: 'cookie' | 'token';
	/** Before each scenario, wait up to this long for other processes to stop using the CPU. */
	quietWaitMs: number;
	fanout: FanoutParams;
	workshop: FanoutParams;
	presence: PresenceParams;
	presenceCpu: PresenceParams;
	joinStorm: JoinStormParams;
	connections: ConnectionsParams;
	coldLoad: ColdLoadParams;
	/** Runs on the cold-load document, after it. */
	history: HistoryParams;
	idleHour: IdleHourParams;
	/** Teixit only: the web build in Chromium. */
	web: WebParams;
}

export function defaultConfig(quick: boolean): Omit<BenchConfig, 'outDir'> {
	return {
		quick,
		rounds: quick ? 1 : 3,
		targets: [...TARGET_NAMES],
		scenarios: [...DEFAULT_SCENARIOS],
		addressSpread: 16,
		teixitAuth: 'cookie',
		quietWaitMs: quick ? 0 : 3_000,
		fanout: quick
			? { label: 'fanout', rooms: 5, clientsPerRoom: 10, rates: [5, 20], stepSeconds: 1.5, p99LimitMs: 100, stopAfterFail: false, drainMaxMs: 3000 }
			: { label: 'fanout', rooms: 20, clientsPerRoom: 10, rates: [10, 15, 20, 25, 30, 35, 40, 50, 60, 70, 80, 90], stepSeconds: 10, warmupSeconds: 5, p99LimitMs: 100, stopAfterFail: true, drainMaxMs: 5000 },
		workshop: quick
			? { label: 'workshop', rooms: 1, clientsPerRoom: 21, rates: [1], stepSeconds: 2, p99LimitMs: 20, stopAfterFail: false, drainMaxMs: 3000 }
			: { label: 'workshop', rooms: 1, clientsPerRoom: 51, rates: [1], stepSeconds: 6, p99LimitMs: 20, stopAfterFail: false, drainMaxMs: 5000 },
		presence: quick ? { label: 'presence', rooms: 3, clientsPerRoom: 30, hz: 10, seconds: 1.5 } : { label: 'presence', rooms: 10, clientsPerRoom: 30, hz: 10, seconds: 3 },
		presenceCpu: quick ? { label: 'presence-cpu', rooms: 1, clientsPerRoom: 50, hz: 10, seconds: 1.5 } : { label: 'presence-cpu', rooms: 1, clientsPerRoom: 50, hz: 10, seconds: 3 },
		joinStorm: quick ? { docBytes: 250_000, clients: 30 } : { docBytes: 1_000_000, clients: 100 },
		connections: quick ? { connections: 150, rooms: 3, settleMs: 1000 } : { connections: 1000, rooms: 10, settleMs: 2000 },
		coldLoad: quick ? { updates: 3_000, writers: 4, perConnection: 900, restarts: 1 } : { updates: 100_000, writers: 4, perConnection: 900, restarts: 3 },
		history: quick ? { randomPoints: 10 } : { randomPoints: 40 },
		web: quick ? { runs: 2, pages: ['/diagnosi'] } : { runs: 7, pages: ['/diagnosi', '/dafo', '/pla', '/hipotesis', '/historial'] },
		idleHour: quick
			? { connections: 150, rooms: 3, minutes: 1, sampleEveryMinutes: 0.25, awarenessEverySeconds: 15 }
			: { connections: 1000, rooms: 10, minutes: 60, sampleEveryMinutes: 5, awarenessEverySeconds: 15 }
	};
}

export const USAGE = `Usage: pnpm bench [--quick] [--rounds N] [--targets ${TARGET_NAMES.join(',')}] [--scenarios ${SCENARIOS.join(',')}] [--out DIR] [--teixit-auth cookie|token]

  --quick       about one minute: smaller scenarios, one round (a smoke run)
  --rounds N    rounds per target (default 3; target order rotates each round; medians are reported)
  --targets     comma-separated subset of servers
  --scenarios   comma-separated subset of scenarios (default: all but idle-hour)
  --idle-minutes M
                how long idle-hour keeps its connections open (default 60)
  --fanout-rates R1,R2,...
                the fan-out ramp's edits/s per client (default 10,15,20,...,90); one rate with
                BENCH_TEIXIT_NODE_ARGS=--cpu-prof profiles the server at that load
  --fanout-seconds S
                seconds per fan-out step (default 10)
  --out DIR     where the JSON goes (default bench/results)
  --teixit-auth cookie|token
                how Teixit's sync clients authenticate the upgrade (default cookie, as browsers do)

Environment: DATABASE_URL (optional) runs Teixit on a fresh PostgreSQL database created from it (and
dropped afterwards) instead of embedded PGlite.`;
