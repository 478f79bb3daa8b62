// Which live page shows which section of a version. A version opens in the same views as the live
// workspace (the rooms, read-only over the version's state); a section no view knows is shown as plain
// keys and values on the sections view, so a root added by a later feature still opens.
import { parseItemNotesName } from '@teixit/model';
import type { HistoryDoc } from './api';

export type VersionView = 'diagnosis' | 'dafo' | 'plan' | 'hypotheses' | 'sections';

/** The views a version of `doc` opens in, in page order (the sections view is always last). */
export function viewsFor(doc: HistoryDoc): VersionView[] {
	return doc === 'workspace' ? ['diagnosis', 'dafo', 'plan', 'hypotheses', 'sections'] : ['diagnosis', 'dafo', 'sections'];
}

const BY_ROOT: Record<string, VersionView> = {
	runs: 'diagnosis',
	// facilitation: the step, round, reveal flags and agreed scores of the diagnosis and the DAFO workshop
	control: 'diagnosis',
	history: 'diagnosis',
	published: 'diagnosis',
	dafoCards: 'dafo',
	dafoClusters: 'dafo',
	'plan:objectives': 'plan',
	'plan:actions': 'plan',
	'plan:followups': 'plan',
	'plan:comments': 'plan',
	'plan:hypotheses': 'hypotheses'
};

/** The room that renders a section (null: the sections view itself shows it). */
export function viewOfSection(name: string): Exclude<VersionView, 'sections'> | null {
	if (parseItemNotesName(name)) return 'diagnosis';
	return (BY_ROOT[name] as Exclude<VersionView, 'sections'> | undefined) ?? null;
}

/** The view asked for in the URL, else the first one that shows something of this version (a version with
 *  only notes opens on the sections view). */
export function pickView(value: string | null, doc: HistoryDoc, sectionNames: readonly string[]): VersionView {
	const views = viewsFor(doc);
	if (views.includes(value as VersionView)) return value as VersionView;
	const shown = new Set(sectionNames.map(viewOfSection));
	return views.find((v) => shown.has(v as Exclude<VersionView, 'sections'>)) ?? 'sections';
}

/** base64 (the API's encoding of Yjs updates) to bytes. */
export function fromBase64(b64: string): Uint8Array {
	const bin = atob(b64);
	const out = new Uint8Array(bin.length);
	for (let i = 0; i < bin.length; i++) out[i] = bin.charCodeAt(i);
	return out;
}
