// Human labels of sections, in ca/es/en. Known roots of the model are named; item notes name their run and
// item; unknown roots (added by newer features) fall back to their root name until they are listed here.
import * as Y from 'yjs';
import { kvRead, parseItemNotesName, type Locale } from '@teixit/model';

const L = (ca: string, es: string, en: string) => ({ ca, es, en });

/** Add an entry here when a feature adds a root to a document. */
export const SECTION_LABELS: Record<string, Record<Locale, string>> = {
	notes: L("Notes de l'acompanyament", 'Notas del acompañamiento', 'Engagement notes'),
	runs: L('Autodiagnosis', 'Autodiagnósticos', 'Self-diagnoses'),
	control: L('Control de la sessió i puntuacions acordades', 'Control de la sesión y puntuaciones acordadas', 'Session control and agreed scores'),
	history: L('Passos de la sessió', 'Pasos de la sesión', 'Session steps'),
	published: L('Resultats publicats (anònims)', 'Resultados publicados (anónimos)', 'Published results (anonymous)'),
	dafoCards: L('Tauler DAFO: targetes', 'Tablero DAFO: tarjetas', 'SWOT board: cards'),
	dafoClusters: L('Tauler DAFO: grups', 'Tablero DAFO: grupos', 'SWOT board: clusters'),
	dafoStrategies: L('Tauler DAFO: estratègies creuades', 'Tablero DAFO: estrategias cruzadas', 'SWOT board: cross strategies'),
	'plan:objectives': L('Objectius comercials', 'Objetivos comerciales', 'Commercial objectives'),
	'plan:actions': L("Pla d'acció: accions", 'Plan de acción: acciones', 'Action plan: actions'),
	'plan:followups': L('Seguiment de les accions', 'Seguimiento de las acciones', 'Action follow-ups'),
	'plan:comments': L("Comentaris del pla", 'Comentarios del plan', 'Plan comments'),
	'plan:hypotheses': L('Hipòtesis de partida', 'Hipótesis de partida', 'Starting hypotheses'),
	// The co-written texts of those records (workspace/004): a section of their own in the document.
	'plan:objectives:text': L('Objectius comercials: textos', 'Objetivos comerciales: textos', 'Commercial objectives: texts'),
	'plan:actions:text': L("Pla d'acció: textos de les accions", 'Plan de acción: textos de las acciones', 'Action plan: action texts'),
	'plan:hypotheses:text': L('Hipòtesis de partida: textos', 'Hipótesis de partida: textos', 'Starting hypotheses: texts')
};

const ITEM_NOTES = L('Notes', 'Notas', 'Notes');

function runLabel(doc: Y.Doc | null, runId: string): string {
	if (!doc) return runId;
	const runs = doc.share.get('runs');
	if (!(runs instanceof Y.Array)) return runId;
	const run = kvRead(runs).get(runId) as { label?: unknown } | undefined;
	return typeof run?.label === 'string' ? run.label : runId;
}

export function sectionLabel(name: string, locale: Locale, doc: Y.Doc | null = null): string {
	const known = SECTION_LABELS[name];
	if (known) return known[locale];
	const item = parseItemNotesName(name);
	if (item) return `${ITEM_NOTES[locale]} · ${runLabel(doc, item.runId)} · ${item.itemKey}`;
	return name;
}
