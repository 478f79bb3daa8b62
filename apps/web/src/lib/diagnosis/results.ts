// The team view of one run, from what the server published (never from individual answers): the latest
// revealed round per item, per-dimension figures, and the radar/T0-vs-T1 data.
import {
	aggregateDimensions,
	compareRuns,
	orderForDiscussion,
	orderedDimensions,
	radarSeries,
	type AgreedScore,
	type DiagnosisTemplate,
	type DimensionAggregate,
	type DimensionChange,
	type ItemAggregate,
	type Locale,
	type RadarData
} from '@teixit/model';

export interface ItemView {
	itemKey: string;
	dimensionKey: string;
	aggregate: ItemAggregate;
	/** 1, or 2 when the item was re-rated in a second round (its round-1 aggregate is then `previous`). */
	round: number;
	previous: ItemAggregate | null;
}

export interface RunResults {
	runId: string;
	label: string;
	template: DiagnosisTemplate;
	/** In discussion order: disagreement first, then priority. */
	items: ItemView[];
	dimensions: DimensionAggregate[];
	agreed: Record<string, AgreedScore>;
}

/** Round 2 replaces round 1 for the items that were re-rated (published with at least one valid score). */
export function mergeRounds(template: DiagnosisTemplate, round1: readonly ItemAggregate[], round2: readonly ItemAggregate[] = []): ItemView[] {
	const r1 = new Map(round1.map((a) => [a.itemKey, a]));
	const r2 = new Map(round2.filter((a) => a.nValid > 0).map((a) => [a.itemKey, a]));
	const out: ItemView[] = [];
	for (const d of orderedDimensions(template)) {
		for (const it of d.items) {
			const second = r2.get(it.key);
			const first = r1.get(it.key) ?? null;
			if (second) out.push({ itemKey: it.key, dimensionKey: d.key, aggregate: second, round: 2, previous: first });
			else if (first) out.push({ itemKey: it.key, dimensionKey: d.key, aggregate: first, round: 1, previous: null });
		}
	}
	// Discussion order (disagreement first, then priority). Items whose answers were withheld (fewer than
	// 3) go last in template order: their place in the ranking would tell what the few answers were.
	const shown = out.filter((v) => !v.aggregate.histogramSuppressed);
	const withheld = out.filter((v) => v.aggregate.histogramSuppressed);
	const order = new Map(orderForDiscussion(shown.map((v) => v.aggregate)).map((a, i) => [a.itemKey, i]));
	return [...shown.sort((a, b) => order.get(a.itemKey)! - order.get(b.itemKey)!), ...withheld];
}

export function runResults(opts: {
	runId: string;
	label: string;
	template: DiagnosisTemplate;
	round1: readonly ItemAggregate[];
	round2?: readonly ItemAggregate[];
	agreed?: Record<string, AgreedScore>;
}): RunResults {
	const items = mergeRounds(opts.template, opts.round1, opts.round2);
	const agreed = opts.agreed ?? {};
	const agreedScores = Object.fromEntries(Object.entries(agreed).map(([k, a]) => [k, a.score]));
	return {
		runId: opts.runId,
		label: opts.label,
		template: opts.template,
		items,
		// Items whose answers the server withheld (fewer than 3) stay out of the dimension scores too: a
		// dimension with one such item would otherwise show someone's answer.
		dimensions: aggregateDimensions(
			opts.template,
			items.map((i) => i.aggregate).filter((a) => !a.histogramSuppressed),
			agreedScores
		),
		agreed
	};
}

export interface RadarView {
	data: RadarData;
	/** Which series are agreed scores (drawn dashed). */
	agreedSeries: boolean[];
}

/** One run: its dimension scores, plus its agreed scores where any were recorded. */
export function runRadar(r: RunResults, locale: Locale, labels: { score: string; agreed: string }): RadarView {
	const runs = [{ label: `${r.label} · ${labels.score}`, dimensions: r.dimensions }];
	const base = radarSeries({ template: r.template, runs, locale });
	const agreed = radarSeries({ template: r.template, runs: [{ label: `${r.label} · ${labels.agreed}`, dimensions: r.dimensions }], locale, value: 'agreed' });
	const hasAgreed = agreed.series[0]!.values.some((v) => v !== null);
	return {
		data: { ...base, series: hasAgreed ? [...base.series, agreed.series[0]!] : base.series },
		agreedSeries: hasAgreed ? [false, true] : [false]
	};
}

/** T0 vs T1: computed dimension scores of both runs on the later run's axes, and the change per dimension. */
export function compareView(before: RunResults, after: RunResults, locale: Locale): { radar: RadarView; changes: DimensionChange[] } {
	const data = radarSeries({
		template: after.template,
		runs: [
			{ label: before.label, dimensions: before.dimensions },
			{ label: after.label, dimensions: after.dimensions }
		],
		locale
	});
	return { radar: { data, agreedSeries: [false, false] }, changes: compareRuns(before.dimensions, after.dimensions) };
}
