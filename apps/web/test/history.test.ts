// History pages' logic: a version opens in the live rooms through sessions built over frozen states
// (read-only whatever the role, never connected, "saved version" status), which view shows which section,
// and the audit page's filter and wording.
import { render, screen } from '@testing-library/svelte';
import { afterEach, describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { DEFAULT_TEMPLATE, addCard, createRun, listActions, readCards, startRun } from '@teixit/model';
import SyncStatusBadge from '../src/lib/components/workspace/SyncStatusBadge.svelte';
import { DafoSession } from '../src/lib/dafo/dafo-session.svelte';
import { DiagnosisSession } from '../src/lib/diagnosis/diagnosis-session.svelte';
import { actionDetail, filterAudit } from '../src/lib/history/audit';
import { pickView, viewOfSection } from '../src/lib/history/views';
import { PlanSession } from '../src/lib/plan/plan-session.svelte';
import type { VersionStates } from '../src/lib/state/workspace-session.svelte';

function versionStates(): VersionStates {
	const ws = new Y.Doc();
	const fac = new Y.Doc();
	createRun(ws, { id: 'r1', label: 'T0', template: DEFAULT_TEMPLATE, startedAt: 1 });
	startRun(fac, { runId: 'r1', at: 2 });
	addCard(ws, { id: 'c1', quadrant: 'F', text: 'Equip implicat', authorId: 'u1', createdAt: 3 });
	return { workspace: Y.encodeStateAsUpdate(ws), facilitation: Y.encodeStateAsUpdate(fac), results: Y.encodeStateAsUpdate(new Y.Doc()) };
}
const docs = { workspace: 'e1.workspace', facilitation: 'e1.facilitation', results: 'e1.results', private: 'e1.private.u1' };
const me = { id: 'u1', name: 'Marta' };

describe('a version in the live rooms (frozen sessions)', () => {
	const made: { destroy(): void }[] = [];
	afterEach(() => made.splice(0).forEach((s) => s.destroy()));

	it('the diagnosis session shows the version and refuses every change, even to a facilitator', () => {
		const s = new DiagnosisSession({ docs, me, role: 'facilitator', canWriteWorkspace: true, canWriteFacilitation: true, frozen: versionStates() });
		made.push(s);
		s.start(); // never connects (no provider for a version)
		expect(s.currentRun?.label).toBe('T0');
		expect(s.loaded).toBe(true);
		expect(s.canFacilitate).toBe(false);
		expect(s.mine).toBeNull();
		expect(s.newRun()).toBeNull();
		expect(s.runs).toHaveLength(1);
		expect(s.status.frozen).toBe(true);
		expect(s.status.phase).toBe('saved');
	});

	it('the DAFO board and the plan are read-only over the version', () => {
		const d = new DafoSession({ docs, me, role: 'member', canWriteWorkspace: true, canWriteFacilitation: false, memberIds: ['u1'], frozen: versionStates() });
		const p = new PlanSession({ docName: docs.workspace, me, canWrite: true, members: [{ userId: 'u1', name: 'Marta', role: 'facilitator' }], frozen: versionStates().workspace });
		made.push(d, p);
		expect(d.came.map((c) => c.card.text)).toEqual(['Equip implicat']);
		expect(d.canEdit).toBe(false);
		expect(d.addCard('D', 'nova')).toBeNull();
		expect(d.mine).toBeNull();
		expect(readCards(d.workspace.doc)).toHaveLength(1);
		expect(p.readOnly).toBe(true);
		expect(p.loaded).toBe(true);
		expect(p.write(() => {})).toBeNull();
		expect(listActions(p.doc)).toEqual([]);
	});

	it('the status line says it is a saved version, not a live connection', () => {
		document.cookie = 'PARAGLIDE_LOCALE=ca; path=/';
		const p = new PlanSession({ docName: docs.workspace, me, canWrite: false, members: [], frozen: versionStates().workspace });
		made.push(p);
		render(SyncStatusBadge, { status: p.status, readOnly: true });
		expect(screen.getByRole('status').textContent).toContain('Versió desada · només lectura');
	});
});

describe('which view shows which section', () => {
	it('known roots go to their room; the first view with content opens; unknown roots stay on the sections view', () => {
		expect(viewOfSection('dafoCards')).toBe('dafo');
		expect(viewOfSection('plan:hypotheses')).toBe('hypotheses');
		expect(viewOfSection('notes:r1:D1.1')).toBe('diagnosis');
		expect(viewOfSection('notes')).toBeNull();
		expect(viewOfSection('somethingNew')).toBeNull();
		expect(pickView(null, 'workspace', ['notes', 'plan:actions', 'dafoCards'])).toBe('dafo');
		expect(pickView(null, 'workspace', ['notes'])).toBe('sections');
		expect(pickView('plan', 'workspace', ['notes'])).toBe('plan');
		expect(pickView('plan', 'facilitation', ['control'])).toBe('diagnosis'); // no plan view there
	});
});

describe('audit filter and wording', () => {
	const entries = [
		{ at: '2026-03-01T10:00:00Z', actorId: 'u1', action: 'history.restore', detail: { docName: 'e1.workspace', versionId: 'v1', versionLabel: null, versionKind: 'auto', versionAt: '2026-02-27T09:00:00Z', sections: ['notes'] } },
		{ at: '2026-03-02T10:00:00Z', actorId: 'u2', action: 'history.name', detail: { docName: 'e1.workspace', label: 'T0 tancada' } },
		{ at: '2026-03-05T10:00:00Z', actorId: 'u1', action: 'session.start', detail: {} },
		{ at: '2026-03-06T10:00:00Z', actorId: null, action: 'invitation.accept', detail: {} }
	];
	it('filters by person, the server, kind of action and day range', () => {
		expect(filterAudit(entries, { person: 'u1', group: '', from: '', to: '' }).map((e) => e.action)).toEqual(['history.restore', 'session.start']);
		expect(filterAudit(entries, { person: '-', group: '', from: '', to: '' }).map((e) => e.action)).toEqual(['invitation.accept']);
		expect(filterAudit(entries, { person: '', group: 'history', from: '', to: '' })).toHaveLength(2);
		expect(filterAudit(entries, { person: '', group: '', from: '2026-03-02', to: '2026-03-05' }).map((e) => e.action)).toEqual(['history.name', 'session.start']);
	});
	it('names a restored automatic checkpoint by its kind and time, and the sections', () => {
		const text = actionDetail(entries[0]!);
		expect(text).toContain('Espai de treball');
		expect(text).toContain('Punt automàtic · ');
		expect(text).toContain('seccions: notes');
		expect(actionDetail(entries[1]!)).toContain('«T0 tancada»');
	});
});
