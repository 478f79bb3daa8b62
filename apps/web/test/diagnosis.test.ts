// The diagnosis page's pure parts and state classes: team view from published aggregates (withheld items,
// discussion order, second rounds, dimensions), the server-clock offset, the combined sync status, the
// awareness of who is on which item, and the session's reads and writes on real Y.Docs.
import { render, screen, waitFor } from '@testing-library/svelte';
import { DEFAULT_TEMPLATE, aggregateItem, publishAggregates, readResponses, readSession, setReadiness, type AnswerInput, type Score } from '@teixit/model';
import { afterEach, describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { CombinedSyncStatus } from '../src/lib/diagnosis/combined-status.svelte';
import { DiagnosisSession, randomId } from '../src/lib/diagnosis/diagnosis-session.svelte';
import { countdown, delta, num } from '../src/lib/diagnosis/format';
import { peopleFrom } from '../src/lib/diagnosis/live-presence.svelte';
import Readiness from '../src/lib/diagnosis/Readiness.svelte';
import { mergeRounds, runResults } from '../src/lib/diagnosis/results';
import { offsetFromSamples } from '../src/lib/diagnosis/server-clock.svelte';
import { SyncStatus } from '../src/lib/sync/sync-status.svelte';

const scores = (...s: (Score | null)[]): AnswerInput[] => s.map((score) => ({ score }));

describe('team view from published aggregates', () => {
	const published = [
		aggregateItem('D1.1', scores(2, 4, 5)), // polarised: disagreement
		aggregateItem('D1.2', scores(3, 3, 3)), // consensus
		aggregateItem('D1.3', scores(4, 4, null)), // two answers: withheld
		aggregateItem('D2.1', scores(1, 2, 2)), // consensus, high priority
		aggregateItem('D2.4', scores(1)) // one answer: withheld
	];

	it('orders shown items for discussion (disagreement, then priority) and puts withheld ones last', () => {
		const order = mergeRounds(DEFAULT_TEMPLATE, published).map((v) => v.itemKey);
		expect(order).toEqual(['D1.1', 'D2.1', 'D1.2', 'D1.3', 'D2.4']);
	});

	it('keeps withheld items out of the dimension scores (one answer would be that answer)', () => {
		const r = runResults({ runId: 'r1', label: 'T0', template: DEFAULT_TEMPLATE, round1: published, agreed: {} });
		const d1 = r.dimensions.find((d) => d.key === 'D1')!;
		expect(d1.score).toBeCloseTo((11 / 3 + 3) / 2, 10);
		expect(r.dimensions.find((d) => d.key === 'D2')!.score).toBeCloseTo(5 / 3, 10);
		expect(r.dimensions.find((d) => d.key === 'D3')!.score).toBeNull();
	});

	it('uses the second round where an item was re-rated, keeping the first for comparison', () => {
		const round2 = [aggregateItem('D1.1', scores(3, 3, 4)), aggregateItem('D1.2', [])];
		const merged = mergeRounds(DEFAULT_TEMPLATE, published, round2);
		const d11 = merged.find((v) => v.itemKey === 'D1.1')!;
		expect(d11.round).toBe(2);
		expect(d11.aggregate.consensus).toBe('consensus');
		expect(d11.previous?.mean).toBeCloseTo(11 / 3, 10);
		expect(merged.find((v) => v.itemKey === 'D1.2')!.round).toBe(1);
	});

	it('agreed scores feed the dimension agreed score', () => {
		const r = runResults({
			runId: 'r1',
			label: 'T0',
			template: DEFAULT_TEMPLATE,
			round1: published,
			agreed: { 'D1.1': { score: 3, rationale: '', recordedBy: 'f', at: 1 }, 'D1.2': { score: 4, rationale: '', recordedBy: 'f', at: 1 } }
		});
		expect(r.dimensions.find((d) => d.key === 'D1')!.agreedScore).toBe(3.5);
	});
});

describe('server clock offset', () => {
	it('takes the midpoint of the sample with the shortest round trip', () => {
		expect(
			offsetFromSamples([
				{ sent: 1000, received: 1400, server: 5000 }, // slow: midpoint 1200 -> +3800
				{ sent: 2000, received: 2020, server: 6010 } // fast: midpoint 2010 -> +4000
			])
		).toBe(4000);
		expect(offsetFromSamples([])).toBeNull();
	});
});

describe('combined sync status', () => {
	it('is "saved" only when every document is, otherwise the most serious state', () => {
		const a = new SyncStatus(new Y.Doc());
		const b = new SyncStatus(new Y.Doc());
		const both = new CombinedSyncStatus([a, b]);
		expect(both.phase).toBe('connecting');
		for (const s of [a, b]) {
			s.setConnection('connected');
			s.setSynced(true);
		}
		expect(both.phase).toBe('saved');
		b.setConnection('disconnected');
		expect(both.phase).toBe('offline');
		b.stop({ code: 4403, reason: 'forbidden' });
		expect(both.phase).toBe('stopped');
		expect(both.stopped?.code).toBe(4403);
	});
});

describe('who is on which item', () => {
	it('one entry per person, yourself first, the item only when it is a key', () => {
		const states = new Map<number, object>([
			[1, { user: { id: 'me', name: 'Zoe', color: '#123456' }, item: 'D1.1' }],
			[2, { user: { id: 'anna', name: 'Anna', color: '#111111' }, item: null }],
			[3, { user: { id: 'anna', name: 'Anna', color: '#111111' }, item: 'D2.3' }],
			[4, { user: { id: 'bernat', name: 'Bernat', color: '#222222' }, item: 42 }],
			[5, { cursor: {} }]
		]);
		expect(peopleFrom(states, 1, 'me')).toEqual([
			{ id: 'me', name: 'Zoe', color: '#123456', isSelf: true, item: 'D1.1' },
			{ id: 'anna', name: 'Anna', color: '#111111', isSelf: false, item: 'D2.3' },
			{ id: 'bernat', name: 'Bernat', color: '#222222', isSelf: false, item: null }
		]);
	});
});

describe('numbers in the UI language', () => {
	it('formats means, changes and countdowns', () => {
		document.cookie = 'PARAGLIDE_LOCALE=ca; path=/';
		expect(num(11 / 3)).toBe('3,7');
		expect(num(null)).toBe('—');
		expect(delta(0.61)).toBe('+0,6');
		expect(delta(-0.04)).toBe('0');
		expect(countdown(61_001)).toBe('1:02');
		expect(countdown(0)).toBe('0:00');
	});
});

describe('DiagnosisSession on real documents (no server)', () => {
	let sessions: DiagnosisSession[] = [];
	afterEach(() => {
		for (const s of sessions) s.destroy();
		sessions = [];
	});
	const make = (role: 'facilitator' | 'member' | 'observer') => {
		const s = new DiagnosisSession({
			docs: { workspace: 'e1.workspace', facilitation: 'e1.facilitation', results: 'e1.results', private: role === 'member' ? 'e1.private.u2' : null },
			me: { id: role === 'facilitator' ? 'u1' : 'u2', name: role },
			role,
			canWriteWorkspace: role !== 'observer',
			canWriteFacilitation: role === 'facilitator'
		});
		sessions.push(s);
		return s;
	};
	/** Copy one session's documents into another's, as the server would relay them. */
	const relay = (from: DiagnosisSession, to: DiagnosisSession) => {
		Y.applyUpdate(to.workspace.doc, Y.encodeStateAsUpdate(from.workspace.doc));
		Y.applyUpdate(to.facilitation.doc, Y.encodeStateAsUpdate(from.facilitation.doc));
	};

	it('a facilitator creates T0 and moves the steps; a member answers only into their private document', () => {
		const f = make('facilitator');
		const mb = make('member');
		expect(f.newRun()?.label).toBe('T0');
		expect(f.step).toBe('scoring');
		relay(f, mb);
		expect(mb.currentRun?.label).toBe('T0');
		expect(mb.newRun()).toBeNull(); // not a facilitator

		mb.answer('D1.1', { score: 4, importance: 3 });
		mb.answer('D1.2', { dontKnow: true });
		mb.setReady(true);
		expect([...mb.myResponses(mb.currentRun!.id, 1).keys()]).toEqual(['D1.1', 'D1.2']);
		expect(mb.myReady(mb.currentRun!.id, 1)).toBe(true);
		expect(readResponses(mb.mine!.doc)).toHaveLength(2);
		// Nothing of it is in the shared documents.
		for (const doc of [mb.workspace.doc, mb.facilitation.doc]) expect(JSON.stringify(doc.toJSON())).not.toContain('dontKnow');

		f.reveal();
		expect(f.step).toBe('reveal');
		expect(f.revealed(f.currentRun!.id, 1)).toBe(true);
		f.goToStep('discuss');
		f.bringEveryone('D1.1');
		expect(readSession(f.facilitation.doc).focus?.itemKey).toBe('D1.1');
	});

	it('shares the viewed item in awareness only during the discussion steps', () => {
		const f = make('facilitator');
		f.newRun();
		const item = () => (f.workspace.awareness.getLocalState() as { item?: string | null }).item ?? null;
		f.setViewing('D1.1');
		expect(item()).toBeNull(); // scoring: silent
		f.reveal();
		f.goToStep('discuss');
		f.setViewing('D1.1');
		expect(item()).toBe('D1.1');
		f.goToStep('done');
		f.setViewing('D1.1');
		expect(item()).toBeNull();
	});

	it('the second round re-rates the items in disagreement; leaving it unrevealed returns to round 1', () => {
		const f = make('facilitator');
		const run = f.newRun()!;
		f.reveal();
		publishAggregates(f.resultsDoc.doc, { runId: run.id, round: 1, items: [aggregateItem('D1.1', scores(1, 5, 5, 1)), aggregateItem('D1.2', scores(3, 3, 3))] });
		f.goToStep('discuss');
		f.goToStep('rescoring');
		expect(f.round).toBe(2);
		expect(f.control.rescoreItems).toEqual(['D1.1']);
		f.goToStep('agreed');
		expect(f.round).toBe(1);
	});

	it('Readiness says how many, never who', async () => {
		document.cookie = 'PARAGLIDE_LOCALE=ca; path=/';
		const f = make('facilitator');
		const run = f.newRun()!;
		setReadiness(f.resultsDoc.doc, { runId: run.id, round: 1, ready: 7, total: 9 });
		const { default: Host } = await import('./DiagnosisHost.svelte');
		render(Host, { session: f, component: Readiness });
		await waitFor(() => expect(screen.getByRole('status').textContent).toContain('7 de 9 han puntuat'));
		setReadiness(f.resultsDoc.doc, { runId: run.id, round: 1, ready: 1, total: 9 });
		await waitFor(() => expect(screen.getByRole('status').textContent).toContain('1 de 9 ha puntuat'));
	});

	it('the timer counts down in server time and announces the end', async () => {
		document.cookie = 'PARAGLIDE_LOCALE=ca; path=/';
		const f = make('facilitator');
		f.newRun();
		f.facilitation.status.setConnection('connected');
		f.facilitation.status.setSynced(true);
		// This browser's clock is 10 minutes behind the server's: the countdown must not care.
		f.clock.offset = 600_000;
		// The generic timer panel, hosted by the diagnosis session (TimerHost).
		const { default: TimerPanel } = await import('../src/lib/facilitation/TimerPanel.svelte');
		render(TimerPanel, { host: f });
		f.startTimer(0.02); // 1.2 s
		await waitFor(() => expect(screen.getByRole('timer').textContent).toMatch(/0:0[12]/));
		await waitFor(() => expect(screen.getByRole('timer').textContent).toContain('Temps!'), { timeout: 4000 });
		expect(screen.getByText("S'ha acabat el temps.")).toBeTruthy();
	});

	it('makes ids the model accepts', () => {
		expect(randomId()).toMatch(/^[a-z0-9]{20}$/);
	});
});
