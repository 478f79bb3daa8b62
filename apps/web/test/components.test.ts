// Component tests (jsdom): the status line speaks the user's language, and the Notes editor renders the
// shared Y.XmlFragment, editable or read-only.
import { render, screen, waitFor } from '@testing-library/svelte';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import NotesEditor from '../src/lib/components/workspace/NotesEditor.svelte';
import SyncStatusBadge from '../src/lib/components/workspace/SyncStatusBadge.svelte';
import { WorkspaceSession } from '../src/lib/state/workspace-session.svelte';
import { SyncStatus } from '../src/lib/sync/sync-status.svelte';

const setLanguage = (locale: string) => (document.cookie = `PARAGLIDE_LOCALE=${locale}; path=/`);

describe('SyncStatusBadge', () => {
	afterEach(() => setLanguage('ca'));

	it('announces offline with the number of unsaved changes, in Catalan by default', async () => {
		setLanguage('ca');
		const doc = new Y.Doc();
		const status = new SyncStatus(doc);
		status.setConnection('connected');
		status.setSynced(true);
		render(SyncStatusBadge, { status });
		expect(screen.getByRole('status').textContent).toContain('Tots els canvis desats');

		status.setConnection('disconnected');
		doc.getText('t').insert(0, 'a');
		doc.getText('t').insert(1, 'b');
		await waitFor(() => expect(screen.getByRole('status').textContent).toContain('Sense connexió · 2 canvis sense desar'));
	});

	it('speaks English and says when access was revoked', async () => {
		setLanguage('en');
		const status = new SyncStatus(new Y.Doc());
		status.stop({ code: 4403, reason: 'forbidden' });
		render(SyncStatusBadge, { status });
		expect(screen.getByRole('status').textContent).toContain('You no longer have access to this document');
		expect(screen.getByRole('button', { name: 'Reload' })).toBeTruthy();
	});

	it('tells observers they are live rather than "saved"', () => {
		setLanguage('es');
		const status = new SyncStatus(new Y.Doc());
		status.setConnection('connected');
		status.setSynced(true);
		render(SyncStatusBadge, { status, readOnly: true });
		expect(screen.getByRole('status').textContent).toContain('Conectado · en directo');
	});
});

describe('NotesEditor', () => {
	let session: WorkspaceSession;
	beforeEach(() => setLanguage('ca'));
	afterEach(() => session?.destroy());

	it('shows what others wrote into the shared fragment', async () => {
		session = new WorkspaceSession({ docName: 'e1.workspace', user: { id: 'u1', name: 'Anna' }, readOnly: false });
		const { container } = render(NotesEditor, { session, label: 'Notes' });
		await waitFor(() => expect(container.querySelector('.ProseMirror')).toBeTruthy());
		const editable = container.querySelector('.ProseMirror')!;
		expect(editable.getAttribute('contenteditable')).toBe('true');
		expect(editable.getAttribute('aria-label')).toBe('Notes');

		// Someone else's paragraph arrives through the provider.
		const remote = new Y.Doc();
		const p = new Y.XmlElement('paragraph');
		p.insert(0, [new Y.XmlText('Punts forts: equip compromès')]);
		remote.getXmlFragment('notes').insert(0, [p]);
		Y.applyUpdate(session.doc, Y.encodeStateAsUpdate(remote), 'remote');

		await waitFor(() => expect(editable.textContent).toContain('Punts forts: equip compromès'));
		expect(container.querySelector('[role="toolbar"]')).toBeTruthy();
	});

	it('is read-only for observers, with no toolbar', async () => {
		session = new WorkspaceSession({ docName: 'e1.workspace', user: { id: 'u2', name: 'Oriol' }, readOnly: true });
		const { container } = render(NotesEditor, { session, label: 'Notes' });
		await waitFor(() => expect(container.querySelector('.ProseMirror')).toBeTruthy());
		const editable = container.querySelector('.ProseMirror')!;
		expect(editable.getAttribute('contenteditable')).toBe('false');
		expect(editable.getAttribute('aria-readonly')).toBe('true');
		expect(container.querySelector('[role="toolbar"]')).toBeNull();
		// Rendering alone must not write to the shared document.
		expect(session.status.unsaved).toBe(0);
	});
});
