// The timeline of one document: activity from the attributed log, cut into bursts (a pause longer than
// `gapMs` starts a new one) and grouped by workshop session, with the versions taken along the way.
// People are named by id; rows the server wrote (published anonymous results, migrations) have no author
// and are reported as system activity, never attributed to a person.

/** Log rows aggregated per minute and author (the server's query does this in SQL). */
export interface ActivityBucket {
	at: Date;
	userId: string | null;
	count: number;
	firstSeq: number;
	lastSeq: number;
}

export interface TimelineVersion {
	id: string;
	seq: number;
	kind: string;
	label: string | null;
	authorId: string | null;
	createdAt: Date;
}

export interface TimelineSession {
	id: string;
	startedAt: Date;
	endedAt: Date | null;
}

export interface Burst {
	start: Date;
	end: Date;
	firstSeq: number;
	lastSeq: number;
	/** Updates per author, most active first; `userId: null` is the system. */
	people: { userId: string | null; updates: number }[];
}

export interface TimelineGroup {
	session: TimelineSession | null;
	start: Date;
	end: Date;
	bursts: Burst[];
	versions: TimelineVersion[];
}

const inSession = (s: TimelineSession, at: Date, now: Date) => at >= s.startedAt && at <= (s.endedAt ?? now);

export function buildBursts(buckets: readonly ActivityBucket[], gapMs: number): Burst[] {
	const sorted = [...buckets].sort((a, b) => a.at.getTime() - b.at.getTime() || a.firstSeq - b.firstSeq);
	const bursts: (Burst & { by: Map<string | null, number> })[] = [];
	let cur: (Burst & { by: Map<string | null, number> }) | null = null;
	for (const b of sorted) {
		if (!cur || b.at.getTime() - cur.end.getTime() > gapMs) {
			cur = { start: b.at, end: b.at, firstSeq: b.firstSeq, lastSeq: b.lastSeq, people: [], by: new Map() };
			bursts.push(cur);
		}
		cur.end = b.at;
		cur.firstSeq = Math.min(cur.firstSeq, b.firstSeq);
		cur.lastSeq = Math.max(cur.lastSeq, b.lastSeq);
		cur.by.set(b.userId, (cur.by.get(b.userId) ?? 0) + b.count);
	}
	return bursts.map(({ by, ...rest }) => ({
		...rest,
		people: [...by].map(([userId, updates]) => ({ userId, updates })).sort((x, y) => y.updates - x.updates || String(x.userId).localeCompare(String(y.userId)))
	}));
}

/** Groups newest first; inside a group, bursts and versions oldest first. */
export function buildTimeline(input: {
	activity: readonly ActivityBucket[];
	versions: readonly TimelineVersion[];
	sessions: readonly TimelineSession[];
	gapMs?: number;
	now?: Date;
}): TimelineGroup[] {
	const now = input.now ?? new Date();
	const bursts = buildBursts(input.activity, input.gapMs ?? 30 * 60_000);
	const groups = new Map<string, TimelineGroup>();
	const groupFor = (at: Date): TimelineGroup => {
		const session = input.sessions.find((s) => inSession(s, at, now)) ?? null;
		const key = session ? `s:${session.id}` : `d:${at.toISOString().slice(0, 10)}`;
		let g = groups.get(key);
		if (!g) groups.set(key, (g = { session, start: at, end: at, bursts: [], versions: [] }));
		if (at < g.start) g.start = at;
		if (at > g.end) g.end = at;
		return g;
	};
	for (const b of bursts) {
		const g = groupFor(b.start);
		g.bursts.push(b);
		if (b.end > g.end) g.end = b.end;
	}
	for (const v of [...input.versions].sort((a, b) => a.createdAt.getTime() - b.createdAt.getTime())) groupFor(v.createdAt).versions.push(v);
	return [...groups.values()].sort((a, b) => b.end.getTime() - a.end.getTime());
}
