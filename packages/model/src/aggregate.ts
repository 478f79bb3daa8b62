// From individual diagnosis answers to the team view (DOMAIN.md A3.1). Pure functions: no Yjs, no I/O.
// Inputs carry no respondent identity and outputs never contain any: callers pass bare answers.
import { SCALE_MAX, SCORES, localize, type ConsensusClass, type Importance, type Locale, type Score } from './labels.ts';
import { compareKeys } from './keys.ts';
import { ascending, mean, quantileSorted, sampleSd } from './stats.ts';
import { orderedDimensions, type DiagnosisTemplate } from './template.ts';

/** One person's answer to one item, without who gave it. `score: null` (or `dontKnow: true`) is
 *  "don't know": counted in nDontKnow, excluded from every statistic. */
export interface AnswerInput {
	score: Score | null;
	dontKnow?: boolean;
	importance?: Importance | null;
}

export interface AggregationThresholds {
	/** Consensus needs IQR <= this ... */
	consensusMaxIqr: number;
	/** ... and agreementShare >= this. */
	consensusMinAgreement: number;
	/** Disagreement when IQR >= this ... */
	disagreementMinIqr: number;
	/** ... or when polarised: >= this share answered <= polarisedLowMax AND >= this share answered >= polarisedHighMin. */
	polarisedMinShare: number;
	polarisedLowMax: number;
	polarisedHighMin: number;
	/** smallSample when nValid < this. */
	smallSampleBelow: number;
	/** Histogram, min and max withheld (null) when nValid < this (privacy). */
	suppressBelow: number;
	/** Importance used for priority when nobody rated the item's importance (Mitjana). */
	defaultImportance: number;
}

export const DEFAULT_THRESHOLDS: Readonly<AggregationThresholds> = Object.freeze({
	consensusMaxIqr: 1,
	consensusMinAgreement: 0.75,
	disagreementMinIqr: 2,
	polarisedMinShare: 0.25,
	polarisedLowMax: 2,
	polarisedHighMin: 4,
	smallSampleBelow: 5,
	suppressBelow: 3,
	defaultImportance: 2
});

export type Histogram = Record<Score, number>;

export interface ItemAggregate {
	itemKey: string;
	/** Answers with a 1..5 score. */
	nValid: number;
	nDontKnow: number;
	/** Answers (scored or not) that rated importance. */
	nImportance: number;
	/** Count per score; null when nValid < suppressBelow. */
	histogram: Histogram | null;
	mean: number | null;
	median: number | null;
	/** Sample SD (n - 1); null when nValid < 2. */
	sd: number | null;
	/** Quartiles by linear interpolation (type 7, see stats.ts). */
	q1: number | null;
	q3: number | null;
	iqr: number | null;
	/** null when nValid < suppressBelow (with min/max two answers are fully disclosed). */
	min: number | null;
	max: number | null;
	/** Share of valid answers within +/-1 of the median. */
	agreementShare: number | null;
	polarised: boolean;
	/** Mean of given importance ratings; null when none given. */
	importanceMean: number | null;
	/** null when nValid = 0. */
	consensus: ConsensusClass | null;
	/** (importanceMean ?? defaultImportance) x (5 - mean); null when nValid = 0. */
	priority: number | null;
	smallSample: boolean;
	histogramSuppressed: boolean;
}

const isScore = (s: unknown): s is Score => Number.isInteger(s) && (s as number) >= 1 && (s as number) <= SCALE_MAX;
const isImportance = (s: unknown): s is Importance => s === 1 || s === 2 || s === 3;

/** Aggregate one item. Throws RangeError on a score outside 1..5 or an importance outside 1..3:
 *  readers of documents (doc accessors) drop such values before they get here. */
export function aggregateItem(
	itemKey: string,
	answers: readonly AnswerInput[],
	opts: { thresholds?: Partial<AggregationThresholds>; reversed?: boolean } = {}
): ItemAggregate {
	const th = { ...DEFAULT_THRESHOLDS, ...opts.thresholds };
	const scores: number[] = [];
	const importances: number[] = [];
	let nDontKnow = 0;
	for (const a of answers) {
		if (a.dontKnow === true || a.score === null || a.score === undefined) nDontKnow++;
		else if (isScore(a.score)) scores.push(opts.reversed ? SCALE_MAX + 1 - a.score : a.score);
		else throw new RangeError(`${itemKey}: score must be an integer 1..${SCALE_MAX} or null (got ${JSON.stringify(a.score)})`);
		if (a.importance !== undefined && a.importance !== null) {
			if (!isImportance(a.importance)) throw new RangeError(`${itemKey}: importance must be 1..3 (got ${JSON.stringify(a.importance)})`);
			importances.push(a.importance);
		}
	}
	const n = scores.length;
	const sorted = ascending(scores);
	const m = mean(sorted);
	const median = quantileSorted(sorted, 0.5);
	const q1 = quantileSorted(sorted, 0.25);
	const q3 = quantileSorted(sorted, 0.75);
	const iqr = q1 === null || q3 === null ? null : q3 - q1;
	const agreementShare = median === null ? null : sorted.filter((s) => Math.abs(s - median) <= 1).length / n;
	const low = sorted.filter((s) => s <= th.polarisedLowMax).length;
	const high = sorted.filter((s) => s >= th.polarisedHighMin).length;
	const polarised = n > 0 && low / n >= th.polarisedMinShare && high / n >= th.polarisedMinShare;

	let consensus: ConsensusClass | null = null;
	if (n > 0) {
		// Disagreement is checked first: a distribution can meet the consensus rule and still be polarised
		// (e.g. 2,2,3,3,3,3,4,4 has IQR 0.5 and everyone within one point, yet a quarter says "Emerging"
		// and a quarter "Established"); we prefer to put it on the discussion list.
		if (iqr! >= th.disagreementMinIqr || polarised) consensus = 'disagreement';
		else if (iqr! <= th.consensusMaxIqr && agreementShare! >= th.consensusMinAgreement) consensus = 'consensus';
		else consensus = 'partial';
	}

	const importanceMean = mean(importances);
	const priority = m === null ? null : (importanceMean ?? th.defaultImportance) * (SCALE_MAX - m);
	const suppressed = n < th.suppressBelow;
	let histogram: Histogram | null = null;
	if (!suppressed) {
		histogram = { 1: 0, 2: 0, 3: 0, 4: 0, 5: 0 };
		for (const s of sorted) histogram[s as Score]++;
	}
	return {
		itemKey,
		nValid: n,
		nDontKnow,
		nImportance: importances.length,
		histogram,
		mean: m,
		median,
		sd: sampleSd(sorted),
		q1,
		q3,
		iqr,
		min: suppressed || n === 0 ? null : sorted[0]!,
		max: suppressed || n === 0 ? null : sorted[n - 1]!,
		agreementShare,
		polarised,
		importanceMean,
		consensus,
		priority,
		smallSample: n < th.smallSampleBelow,
		histogramSuppressed: suppressed
	};
}

/** Priorities closer than this are a tie (they differ only by floating-point noise). */
const PRIORITY_EPSILON = 1e-9;

/** Discussion order: disagreement first, then priority (gap) descending (no priority last), then key
 *  in natural order (D2.1 before D10.1). */
export function compareForDiscussion(a: ItemAggregate, b: ItemAggregate): number {
	const da = a.consensus === 'disagreement' ? 0 : 1;
	const db = b.consensus === 'disagreement' ? 0 : 1;
	if (da !== db) return da - db;
	if (a.priority !== null && b.priority !== null) {
		if (Math.abs(a.priority - b.priority) > PRIORITY_EPSILON) return b.priority - a.priority;
	} else if (a.priority !== null || b.priority !== null) return a.priority === null ? 1 : -1;
	return compareKeys(a.itemKey, b.itemKey);
}

export function orderForDiscussion(items: readonly ItemAggregate[]): ItemAggregate[] {
	return [...items].sort(compareForDiscussion);
}

export interface DimensionAggregate {
	key: string;
	nItems: number;
	/** Items with at least one valid score. */
	nItemsScored: number;
	/** Mean of item means (not of raw answers), over scored items. */
	score: number | null;
	/** Mean of item SDs, over items with an SD. */
	spread: number | null;
	/** Share of classified items in consensus. */
	consensusRate: number | null;
	/** Mean of the team-agreed scores recorded for this dimension's items; null when none. */
	agreedScore: number | null;
}

export type AnswersByItem = Readonly<Record<string, readonly AnswerInput[]>>;

export interface RunAggregate {
	templateId: string;
	templateVersion: number;
	/** In template order; every template item appears (with nValid 0 if nobody answered). */
	items: ItemAggregate[];
	dimensions: DimensionAggregate[];
}

/** Per-dimension figures from item aggregates (e.g. the published ones). Items missing from `items`
 *  count in nItems but not in the means. */
export function aggregateDimensions(
	template: DiagnosisTemplate,
	items: readonly ItemAggregate[],
	agreed: Readonly<Record<string, number>> = {}
): DimensionAggregate[] {
	const byKey = new Map(items.map((i) => [i.itemKey, i]));
	return orderedDimensions(template).map((d) => {
		const its = d.items.map((it) => byKey.get(it.key)).filter((x): x is ItemAggregate => x !== undefined);
		const means = its.map((i) => i.mean).filter((x): x is number => x !== null);
		const sds = its.map((i) => i.sd).filter((x): x is number => x !== null);
		const classified = its.filter((i) => i.consensus !== null);
		const agreedScores = d.items.map((it) => agreed[it.key]).filter((x): x is number => typeof x === 'number');
		return {
			key: d.key,
			nItems: d.items.length,
			nItemsScored: means.length,
			score: mean(means),
			spread: mean(sds),
			consensusRate: classified.length ? classified.filter((i) => i.consensus === 'consensus').length / classified.length : null,
			agreedScore: mean(agreedScores)
		};
	});
}

/** Aggregate a whole run: every item of the template (answers for unknown keys are ignored), then the
 *  dimensions. `agreed` maps item keys to team-agreed scores. */
export function aggregateRun(opts: {
	template: DiagnosisTemplate;
	answers: AnswersByItem;
	agreed?: Readonly<Record<string, number>>;
	thresholds?: Partial<AggregationThresholds>;
}): RunAggregate {
	const { template } = opts;
	const items = orderedDimensions(template).flatMap((d) =>
		d.items.map((it) => aggregateItem(it.key, opts.answers[it.key] ?? [], { thresholds: opts.thresholds, reversed: it.reversed === true }))
	);
	return {
		templateId: template.id,
		templateVersion: template.version,
		items,
		dimensions: aggregateDimensions(template, items, opts.agreed)
	};
}

export interface RadarSeries {
	label: string;
	/** One value per axis (same order), null where the dimension has no data. */
	values: (number | null)[];
}

export interface RadarData {
	axes: { key: string; label: string }[];
	/** Scale bounds for the chart. */
	min: number;
	max: number;
	series: RadarSeries[];
}

/** Radar chart data: one axis per dimension of `template`, one series per run (e.g. T0 and T1).
 *  `value: 'agreed'` plots team-agreed scores instead of computed means. */
export function radarSeries(opts: {
	template: DiagnosisTemplate;
	runs: readonly { label: string; dimensions: readonly DimensionAggregate[] }[];
	locale: Locale;
	value?: 'score' | 'agreed';
}): RadarData {
	const dims = orderedDimensions(opts.template);
	const pick = opts.value === 'agreed' ? (d: DimensionAggregate) => d.agreedScore : (d: DimensionAggregate) => d.score;
	return {
		axes: dims.map((d) => ({ key: d.key, label: localize(d.label, opts.locale) })),
		min: SCORES[0]!,
		max: SCALE_MAX,
		series: opts.runs.map((r) => {
			const byKey = new Map(r.dimensions.map((d) => [d.key, d]));
			return { label: r.label, values: dims.map((d) => { const x = byKey.get(d.key); return x ? pick(x) : null; }) };
		})
	};
}

export interface DimensionChange {
	key: string;
	before: number | null;
	after: number | null;
	/** after - before; null unless both exist. */
	delta: number | null;
	spreadDelta: number | null;
	consensusRateDelta: number | null;
}

/** T0 vs T1 per dimension, matched by key (runs may freeze different template versions). Order: the
 *  dimensions of `after`, then those only in `before`. */
export function compareRuns(before: readonly DimensionAggregate[], after: readonly DimensionAggregate[]): DimensionChange[] {
	const b = new Map(before.map((d) => [d.key, d]));
	const keys = [...after.map((d) => d.key), ...before.map((d) => d.key).filter((k) => !after.some((a) => a.key === k))];
	const a = new Map(after.map((d) => [d.key, d]));
	const diff = (x: number | null | undefined, y: number | null | undefined) => (x == null || y == null ? null : y - x);
	return keys.map((key) => {
		const x = b.get(key);
		const y = a.get(key);
		return {
			key,
			before: x?.score ?? null,
			after: y?.score ?? null,
			delta: diff(x?.score, y?.score),
			spreadDelta: diff(x?.spread, y?.spread),
			consensusRateDelta: diff(x?.consensusRate, y?.consensusRate)
		};
	});
}
