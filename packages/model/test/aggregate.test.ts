// Aggregation per DOMAIN.md A3.1. Every expected number is worked out by hand in the comments.
import { describe, expect, it } from 'vitest';
import {
	DEFAULT_TEMPLATE,
	aggregateDimensions,
	aggregateItem,
	aggregateRun,
	compareRuns,
	orderForDiscussion,
	quantileSorted,
	radarSeries,
	type AnswerInput,
	type ItemAggregate,
	type Score
} from '../src/index.ts';

const answers = (scores: (number | null)[], importances: (number | undefined)[] = []): AnswerInput[] =>
	scores.map((s, i) => ({ score: s as Score | null, ...(importances[i] !== undefined ? { importance: importances[i] as 1 | 2 | 3 } : {}) }));

describe('quantiles (type 7, linear interpolation)', () => {
	it('matches QUARTILE.INC on small samples', () => {
		// [1,2,3,4]: h = 3p. Q1: h=0.75 -> 1 + 0.75(2-1) = 1.75; median h=1.5 -> 2.5; Q3 h=2.25 -> 3.25
		expect(quantileSorted([1, 2, 3, 4], 0.25)).toBe(1.75);
		expect(quantileSorted([1, 2, 3, 4], 0.5)).toBe(2.5);
		expect(quantileSorted([1, 2, 3, 4], 0.75)).toBe(3.25);
		expect(quantileSorted([7], 0.25)).toBe(7);
		expect(quantileSorted([], 0.5)).toBeNull();
		expect(() => quantileSorted([1], 2)).toThrow(RangeError);
	});
});

describe('aggregateItem', () => {
	it('scores [1,2,2,3,5] with importances [3,3,2,-,1]', () => {
		const a = aggregateItem('D1.1', answers([1, 2, 2, 3, 5], [3, 3, 2, undefined, 1]));
		// n = 5; mean = 13/5 = 2.6; sorted [1,2,2,3,5]; median = x[2] = 2
		// SD: deviations -1.6 -0.6 -0.6 0.4 2.4 -> squares 2.56 0.36 0.36 0.16 5.76 = 9.2; 9.2/4 = 2.3; sqrt = 1.516575
		// Q1: h = 4 x 0.25 = 1 -> x[1] = 2; Q3: h = 3 -> x[3] = 3; IQR = 1
		// agreement: |s - 2| <= 1 -> 1,2,2,3 -> 4/5 = 0.8
		// polarised? <= 2: 3/5 = 0.6; >= 4: 1/5 = 0.2 < 0.25 -> no. IQR 1 <= 1 and 0.8 >= 0.75 -> consensus
		// importanceMean = (3+3+2+1)/4 = 2.25; priority = 2.25 x (5 - 2.6) = 5.4
		expect(a.nValid).toBe(5);
		expect(a.nDontKnow).toBe(0);
		expect(a.nImportance).toBe(4);
		expect(a.mean).toBeCloseTo(2.6, 12);
		expect(a.median).toBe(2);
		expect(a.sd).toBeCloseTo(1.516575089, 8);
		expect(a.q1).toBe(2);
		expect(a.q3).toBe(3);
		expect(a.iqr).toBe(1);
		expect(a.min).toBe(1);
		expect(a.max).toBe(5);
		expect(a.agreementShare).toBeCloseTo(0.8, 12);
		expect(a.polarised).toBe(false);
		expect(a.consensus).toBe('consensus');
		expect(a.importanceMean).toBe(2.25);
		expect(a.priority).toBeCloseTo(5.4, 12);
		expect(a.histogram).toEqual({ 1: 1, 2: 2, 3: 1, 4: 0, 5: 1 });
		expect(a.smallSample).toBe(false);
		expect(a.histogramSuppressed).toBe(false);
	});

	it('interpolates quartiles: [4,1,3,2] (unsorted input), n=4 is a small sample and polarised', () => {
		const a = aggregateItem('D1.2', answers([4, 1, 3, 2]));
		// sorted [1,2,3,4]; mean 2.5; median 2.5; Q1 1.75; Q3 3.25; IQR 1.5
		// SD: deviations -1.5 -0.5 0.5 1.5 -> 2.25+0.25+0.25+2.25 = 5; 5/3; sqrt = 1.290994
		// agreement: within [1.5, 3.5] -> 2,3 -> 0.5
		// polarised: <= 2: 2/4 = 0.5; >= 4: 1/4 = 0.25 -> yes -> disagreement although IQR < 2
		expect(a.mean).toBe(2.5);
		expect(a.median).toBe(2.5);
		expect(a.q1).toBe(1.75);
		expect(a.q3).toBe(3.25);
		expect(a.iqr).toBe(1.5);
		expect(a.sd).toBeCloseTo(1.290994449, 8);
		expect(a.agreementShare).toBe(0.5);
		expect(a.polarised).toBe(true);
		expect(a.consensus).toBe('disagreement');
		expect(a.smallSample).toBe(true);
		expect(a.histogram).toEqual({ 1: 1, 2: 1, 3: 1, 4: 1, 5: 0 });
		// no importance given: priority uses the default importance 2 -> 2 x (5 - 2.5) = 5
		expect(a.importanceMean).toBeNull();
		expect(a.priority).toBe(5);
	});

	it('polarised split with a small IQR: [1,1,3,3,3,3,5,5] is disagreement', () => {
		const a = aggregateItem('D2.1', answers([1, 1, 3, 3, 3, 3, 5, 5]));
		// n = 8, h = 7p. Q1: h = 1.75 -> x1 + 0.75(x2 - x1) = 1 + 0.75 x 2 = 2.5; Q3: h = 5.25 -> 3 + 0.25 x 2 = 3.5; IQR 1
		// median: h = 3.5 -> 3; agreement within [2,4]: four 3s -> 0.5 (would be "partial")
		// <= 2: 2/8 = 0.25; >= 4: 2/8 = 0.25 -> polarised -> disagreement
		// mean 24/8 = 3; SD: deviations -2 -2 0 0 0 0 2 2 -> 16/7; sqrt = 1.511858
		expect([a.q1, a.q3, a.iqr, a.median, a.mean]).toEqual([2.5, 3.5, 1, 3, 3]);
		expect(a.sd).toBeCloseTo(1.511857892, 8);
		expect(a.agreementShare).toBe(0.5);
		expect(a.polarised).toBe(true);
		expect(a.consensus).toBe('disagreement');
		// without the polarisation rule it would be partial
		expect(aggregateItem('D2.1', answers([1, 1, 3, 3, 3, 3, 5, 5]), { thresholds: { polarisedMinShare: 0.3 } }).consensus).toBe('partial');
	});

	it('disagreement wins over consensus when both rules hold: [2,2,3,3,3,3,4,4]', () => {
		const a = aggregateItem('D2.2', answers([2, 2, 3, 3, 3, 3, 4, 4]));
		// Q1: 2 + 0.75 x 1 = 2.75; Q3: 3 + 0.25 x 1 = 3.25; IQR 0.5; everyone within [2,4] -> agreement 1
		// but <= 2: 25 % and >= 4: 25 % -> polarised
		expect(a.iqr).toBe(0.5);
		expect(a.agreementShare).toBe(1);
		expect(a.polarised).toBe(true);
		expect(a.consensus).toBe('disagreement');
	});

	it('IQR >= 2 is disagreement: [1,1,5,5,5]', () => {
		const a = aggregateItem('D2.3', answers([1, 1, 5, 5, 5]));
		// Q1: h = 1 -> 1; Q3: h = 3 -> 5; IQR 4; median 5; mean 17/5 = 3.4
		expect([a.q1, a.q3, a.iqr, a.median]).toEqual([1, 5, 4, 5]);
		expect(a.mean).toBeCloseTo(3.4, 12);
		expect(a.consensus).toBe('disagreement');
	});

	it('partial: [1,3,3,4,5]', () => {
		const a = aggregateItem('D2.4', answers([1, 3, 3, 4, 5]));
		// Q1 = x[1] = 3; Q3 = x[3] = 4; IQR 1; median 3; within [2,4]: 3,3,4 -> 0.6 < 0.75; <= 2: 1/5 -> not polarised
		// mean 16/5 = 3.2; SD: -2.2 -0.2 -0.2 0.8 1.8 -> 4.84+0.04+0.04+0.64+3.24 = 8.8; /4 = 2.2; sqrt = 1.483240
		expect(a.iqr).toBe(1);
		expect(a.agreementShare).toBeCloseTo(0.6, 12);
		expect(a.consensus).toBe('partial');
		expect(a.mean).toBeCloseTo(3.2, 12);
		expect(a.sd).toBeCloseTo(1.483239697, 8);
	});

	it("all don't know: counted, no statistics", () => {
		const a = aggregateItem('D3.1', [{ score: null }, { score: null, importance: 3 }, { score: 4, dontKnow: true }]);
		expect(a.nValid).toBe(0);
		expect(a.nDontKnow).toBe(3);
		for (const f of ['mean', 'median', 'sd', 'q1', 'q3', 'iqr', 'min', 'max', 'agreementShare', 'consensus', 'priority', 'histogram'] as const) expect(a[f], f).toBeNull();
		// importance is a separate rating: it counts even when the score is "don't know"
		expect(a.importanceMean).toBe(3);
		expect(a.smallSample).toBe(true);
		expect(a.histogramSuppressed).toBe(true);
		expect(a.polarised).toBe(false);
	});

	it('n < 3: histogram, min and max withheld; the rest still computed', () => {
		const a = aggregateItem('D3.2', [...answers([5, 4]), { score: null }]);
		// [4,5]: mean 4.5; median 4.5; SD sqrt(0.5) = 0.707107; Q1 = 4 + 0.25 = 4.25; Q3 = 4.75; IQR 0.5; agreement 1
		expect(a.nValid).toBe(2);
		expect(a.nDontKnow).toBe(1);
		expect(a.histogram).toBeNull();
		expect(a.min).toBeNull();
		expect(a.max).toBeNull();
		expect(a.histogramSuppressed).toBe(true);
		expect(a.smallSample).toBe(true);
		expect([a.mean, a.median, a.q1, a.q3, a.iqr]).toEqual([4.5, 4.5, 4.25, 4.75, 0.5]);
		expect(a.sd).toBeCloseTo(Math.SQRT1_2, 12);
		expect(a.consensus).toBe('consensus');
	});

	it('n = 3 shows the histogram, still a small sample; n = 1 has no SD', () => {
		const a = aggregateItem('D3.3', answers([3, 4, 3]));
		expect(a.histogram).toEqual({ 1: 0, 2: 0, 3: 2, 4: 1, 5: 0 });
		expect([a.min, a.max]).toEqual([3, 4]);
		expect(a.smallSample).toBe(true);
		const one = aggregateItem('D3.4', answers([2]));
		expect(one.sd).toBeNull();
		expect(one.iqr).toBe(0);
		expect(one.consensus).toBe('consensus');
		expect(one.histogram).toBeNull();
	});

	it('n = 5 is not a small sample; thresholds are configurable', () => {
		expect(aggregateItem('x', answers([3, 3, 3, 3, 3])).smallSample).toBe(false);
		const a = aggregateItem('x', answers([1, 2, 2, 3, 5]), { thresholds: { consensusMinAgreement: 0.9, smallSampleBelow: 6, suppressBelow: 6 } });
		expect(a.consensus).toBe('partial'); // agreement 0.8 < 0.9
		expect(a.smallSample).toBe(true);
		expect(a.histogram).toBeNull();
	});

	it('default importance when nobody rated it, configurable', () => {
		// [3,3,3]: mean 3, gap 2; default importance 2 -> 4; with 3 -> 6
		expect(aggregateItem('x', answers([3, 3, 3])).priority).toBe(4);
		expect(aggregateItem('x', answers([3, 3, 3]), { thresholds: { defaultImportance: 3 } }).priority).toBe(6);
		// only given ratings are averaged: [3, -, 1] -> 2
		expect(aggregateItem('x', answers([3, 3, 3], [3, undefined, 1])).importanceMean).toBe(2);
	});

	it('reversed items are mirrored (6 - s) before any statistic', () => {
		const a = aggregateItem('x', answers([1, 2, 2]), { reversed: true });
		// [5,4,4]: mean 13/3, median 4
		expect(a.mean).toBeCloseTo(13 / 3, 12);
		expect(a.median).toBe(4);
		expect(a.histogram).toEqual({ 1: 0, 2: 0, 3: 0, 4: 2, 5: 1 });
	});

	it('rejects out-of-range input', () => {
		for (const bad of [0, 6, 2.5, '3', NaN]) expect(() => aggregateItem('x', [{ score: bad as unknown as Score }]), String(bad)).toThrow(RangeError);
		expect(() => aggregateItem('x', [{ score: 3, importance: 4 as unknown as 1 }])).toThrow(RangeError);
	});
});

describe('discussion order', () => {
	const base = aggregateItem('x', answers([3, 3, 3]));
	const item = (itemKey: string, consensus: ItemAggregate['consensus'], priority: number | null): ItemAggregate => ({ ...base, itemKey, consensus, priority });

	it('disagreement first, then priority descending, then key in natural order', () => {
		const items = [
			item('D1.1', 'consensus', 9),
			item('D10.1', 'partial', 4),
			item('D9.9', null, null),
			item('D5.1', 'disagreement', 1),
			item('D2.1', 'consensus', 4),
			item('D4.1', 'disagreement', 3),
			item('D1.2', 'partial', null)
		];
		expect(orderForDiscussion(items).map((i) => i.itemKey)).toEqual(['D4.1', 'D5.1', 'D1.1', 'D2.1', 'D10.1', 'D1.2', 'D9.9']);
	});

	it('priorities equal up to floating-point noise are a tie', () => {
		const items = [item('D10.1', 'partial', 4 + 4e-15), item('D2.1', 'partial', 4)];
		expect(orderForDiscussion(items).map((i) => i.itemKey)).toEqual(['D2.1', 'D10.1']);
	});

	it('ties from real answers: [3,3,4,4,3] with importance 2.5 and [3,3,3] both have priority 4', () => {
		const a = aggregateItem('D10.1', answers([3, 3, 4, 4, 3], [3, 2, 3, 2]));
		const b = aggregateItem('D2.1', answers([3, 3, 3]));
		// a: mean 17/5 = 3.4, importance 10/4 = 2.5 -> 2.5 x 1.6 = 4; b: 2 x 2 = 4; both consensus
		expect(a.priority).toBeCloseTo(4, 12);
		expect(b.priority).toBe(4);
		expect(orderForDiscussion([a, b]).map((i) => i.itemKey)).toEqual(['D2.1', 'D10.1']);
	});
});

describe('runs and dimensions', () => {
	const runAnswers = {
		'D1.1': answers([1, 2, 2, 3, 5]),
		'D1.2': answers([1, 3, 3, 4, 5]),
		'D1.4': answers([4, 4, 4]),
		'NOT.IN.TEMPLATE': answers([1])
	};

	it('dimension score is the mean of item means, spread the mean of item SDs', () => {
		const run = aggregateRun({ template: DEFAULT_TEMPLATE, answers: runAnswers, agreed: { 'D1.1': 3, 'D1.2': 4 } });
		expect(run.items).toHaveLength(40);
		expect(run.items.map((i) => i.itemKey).slice(0, 5)).toEqual(['D1.1', 'D1.2', 'D1.3', 'D1.4', 'D2.1']);
		expect(run.items.find((i) => i.itemKey === 'NOT.IN.TEMPLATE')).toBeUndefined();
		const d1 = run.dimensions[0]!;
		// item means 2.6, 3.2, (none), 4 -> 9.8/3 = 3.266667 (the mean of all 13 raw answers would be 41/13 = 3.1538)
		expect(d1.key).toBe('D1');
		expect(d1.nItems).toBe(4);
		expect(d1.nItemsScored).toBe(3);
		expect(d1.score).toBeCloseTo(9.8 / 3, 12);
		// SDs 1.516575, 1.483240, 0 -> 2.999815/3 = 0.999938
		expect(d1.spread).toBeCloseTo((Math.sqrt(2.3) + Math.sqrt(2.2) + 0) / 3, 12);
		expect(d1.spread).toBeCloseTo(0.999938, 6);
		// consensus, partial, consensus (D1.3 unclassified) -> 2/3
		expect(d1.consensusRate).toBeCloseTo(2 / 3, 12);
		expect(d1.agreedScore).toBe(3.5);
		const d2 = run.dimensions[1]!;
		expect([d2.score, d2.spread, d2.consensusRate, d2.agreedScore, d2.nItemsScored]).toEqual([null, null, null, null, 0]);
		// the same figures from the published item aggregates
		expect(aggregateDimensions(DEFAULT_TEMPLATE, run.items, { 'D1.1': 3, 'D1.2': 4 })).toEqual(run.dimensions);
	});

	it('never carries respondent identity', () => {
		const withIds = Object.fromEntries(
			Object.entries(runAnswers).map(([k, list]) => [k, list.map((a, i) => ({ ...a, respondentId: `secret-user-${i}`, userName: 'Anna Puig' }))])
		);
		const json = JSON.stringify(aggregateRun({ template: DEFAULT_TEMPLATE, answers: withIds }));
		expect(json).not.toContain('secret-user');
		expect(json).not.toContain('Anna');
		expect(json).not.toContain('respondent');
	});

	it('radar series and T0 vs T1', () => {
		const t0 = aggregateRun({ template: DEFAULT_TEMPLATE, answers: runAnswers });
		const t1 = aggregateRun({
			template: DEFAULT_TEMPLATE,
			answers: { 'D1.1': answers([3, 4, 4]), 'D2.1': answers([2, 2, 3]) },
			agreed: { 'D1.1': 4 }
		});
		const radar = radarSeries({ template: DEFAULT_TEMPLATE, runs: [{ label: 'T0', dimensions: t0.dimensions }, { label: 'T1', dimensions: t1.dimensions }], locale: 'ca' });
		expect(radar.axes).toHaveLength(10);
		expect(radar.axes[0]).toEqual({ key: 'D1', label: 'Propòsit i proposta de valor' });
		expect(radar.axes[9]!.key).toBe('D10');
		expect([radar.min, radar.max]).toEqual([1, 5]);
		expect(radar.series[0]!.values[0]).toBeCloseTo(9.8 / 3, 12);
		expect(radar.series[0]!.values[1]).toBeNull();
		// T1: D1.1 mean 11/3 -> D1 = 11/3; D2.1 mean 7/3
		expect(radar.series[1]!.values[0]).toBeCloseTo(11 / 3, 12);
		expect(radar.series[1]!.values[1]).toBeCloseTo(7 / 3, 12);
		const agreed = radarSeries({ template: DEFAULT_TEMPLATE, runs: [{ label: 'T1', dimensions: t1.dimensions }], locale: 'es', value: 'agreed' });
		expect(agreed.axes[0]!.label).toBe('Propósito y propuesta de valor');
		expect(agreed.series[0]!.values.slice(0, 2)).toEqual([4, null]);

		const cmp = compareRuns(t0.dimensions, t1.dimensions);
		expect(cmp.map((c) => c.key)).toEqual(DEFAULT_TEMPLATE.dimensions.map((d) => d.key));
		// D1: 11/3 - 9.8/3 = 1.2/3 = 0.4
		expect(cmp[0]!.delta).toBeCloseTo(0.4, 12);
		expect(cmp[1]).toMatchObject({ key: 'D2', before: null, delta: null });
		expect(cmp[1]!.after).toBeCloseTo(7 / 3, 12);
		// only-before dimensions are listed after
		const partial = compareRuns(t0.dimensions, t1.dimensions.slice(1));
		expect(partial.at(-1)).toMatchObject({ key: 'D1', after: null, delta: null });
	});
});
