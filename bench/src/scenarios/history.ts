// History (Teixit only): on the cold-load document (U logged updates, written while the server took its
// automatic checkpoints), time the history API: open the newest version, a named version, every
// automatic checkpoint, and random points of the log (`seq:N`, the worst case: the nearest stored state
// plus up to one checkpoint interval of rows replayed), plus the timeline and one compare.
// Budget (issue 6): opening any version < 500 ms.
import { round, median } from '../loadgen/stats.ts';

export interface HistoryParams {
	/** Random log points opened by sequence number. */
	randomPoints: number;
}

export interface HistoryResult {
	params: HistoryParams;
	lastSeq: number;
	versions: number;
	openNamedMs: number;
	openCheckpointMs: { median: number; max: number; n: number };
	openSeqMs: { median: number; max: number; n: number };
	openMaxMs: number;
	timelineMs: number;
	compareMs: number;
	nameMs: number;
}

interface Api {
	base: string;
	headers: Record<string, string>;
}

let trace: ((m: string) => void) | null = null;

async function timed<T>(api: Api, method: string, path: string, body?: unknown): Promise<{ ms: number; json: T }> {
	const t0 = performance.now();
	trace?.(`history: ${method} ${path.replace(/^.*\/history\/workspace/, '…')}`);
	const res = await fetch(api.base + path, {
		method,
		headers: { ...api.headers, origin: api.base, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
		body: body === undefined ? undefined : JSON.stringify(body)
	});
	const json = (await res.json()) as T;
	const ms = performance.now() - t0;
	if (!res.ok) throw new Error(`history ${method} ${path}: HTTP ${res.status} ${JSON.stringify(json)}`);
	return { ms: round(ms, 1), json };
}

const stats = (xs: number[]) => ({ median: median(xs), max: xs.length ? Math.max(...xs) : NaN, n: xs.length });

export async function history(api: Api, docName: string, p: HistoryParams, log: (m: string) => void): Promise<HistoryResult> {
	const engagementId = docName.split('.')[0]!;
	if (process.env.BENCH_TRACE) trace = log;
	const H = `/api/v1/engagements/${engagementId}/history/workspace`;
	const named = await timed<{ id: string }>(api, 'POST', `${H}/versions`, { label: 'Bench: named at the end' });
	const tl = await timed<{ lastSeq: number; versions: { id: string; kind: string; seq: number }[] }>(api, 'GET', H);
	const lastSeq = tl.json.lastSeq;
	const openNamed = await timed(api, 'GET', `${H}/open?ref=${named.json.id}`);
	const checkpoints: number[] = [];
	for (const v of tl.json.versions.filter((x) => x.kind === 'auto')) checkpoints.push((await timed(api, 'GET', `${H}/open?ref=${v.id}`)).ms);
	const seqs: number[] = [];
	for (let i = 0; i < p.randomPoints; i++) {
		const seq = 1 + Math.floor(Math.random() * lastSeq);
		seqs.push((await timed(api, 'GET', `${H}/open?ref=seq:${seq}`)).ms);
	}
	const mid = tl.json.versions.find((v) => v.kind === 'auto' && v.seq > lastSeq / 2);
	const compare = await timed(api, 'GET', `${H}/compare?from=${mid?.id ?? 'seq:1'}&to=${named.json.id}`);
	const r: HistoryResult = {
		params: p,
		lastSeq,
		versions: tl.json.versions.length,
		openNamedMs: openNamed.ms,
		openCheckpointMs: stats(checkpoints),
		openSeqMs: stats(seqs),
		openMaxMs: Math.max(openNamed.ms, ...checkpoints, ...seqs),
		timelineMs: tl.ms,
		compareMs: compare.ms,
		nameMs: named.ms
	};
	log(
		`history: ${lastSeq} updates, ${r.versions} versions; open named ${r.openNamedMs} ms, checkpoints median ${r.openCheckpointMs.median} / max ${r.openCheckpointMs.max} ms, ` +
			`random seq median ${r.openSeqMs.median} / max ${r.openSeqMs.max} ms; timeline ${r.timelineMs} ms, compare ${r.compareMs} ms`
	);
	return r;
}
