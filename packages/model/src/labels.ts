// Fixed, user-facing enumerations of the diagnosis, each with a stable key and labels in the three
// locales of the product (Catalan first: it is the users' home language). Source: DOMAIN.md A3.1.

export const LOCALES = ['ca', 'es', 'en'] as const;
export type Locale = (typeof LOCALES)[number];

/** A text in every supported locale. */
export type Localized = Record<Locale, string>;

/** The text of `l` in `locale`, falling back to Catalan, then to any non-empty locale. */
export function localize(l: Partial<Localized>, locale: Locale): string {
	return l[locale] || l.ca || l.es || l.en || '';
}

/** Maturity scale, 1..5. "Don't know" is a separate answer, not a point on the scale. */
export type Score = 1 | 2 | 3 | 4 | 5;
export const SCORES: readonly Score[] = [1, 2, 3, 4, 5];
export const SCALE_MAX = 5;

export const SCALE_LABELS: Readonly<Record<Score, Localized>> = {
	1: { ca: 'Inexistent', es: 'Inexistente', en: 'Absent' },
	2: { ca: 'Incipient', es: 'Incipiente', en: 'Emerging' },
	3: { ca: 'En desenvolupament', es: 'En desarrollo', en: 'Developing' },
	4: { ca: 'Consolidat', es: 'Consolidado', en: 'Established' },
	5: { ca: 'Exemplar', es: 'Ejemplar', en: 'Exemplary' }
};

/** Counted, excluded from statistics. */
export const DONT_KNOW_LABEL: Localized = { ca: 'No ho sé', es: 'No lo sé', en: "Don't know" };

export const MATURITY_LABEL: Localized = { ca: 'Maduresa', es: 'Madurez', en: 'Maturity' };

/** Optional second rating per item. */
export type Importance = 1 | 2 | 3;
export const IMPORTANCES: readonly Importance[] = [1, 2, 3];

export const IMPORTANCE_LABEL: Localized = { ca: 'Importància', es: 'Importancia', en: 'Importance' };
export const IMPORTANCE_LABELS: Readonly<Record<Importance, Localized>> = {
	1: { ca: 'Baixa', es: 'Baja', en: 'Low' },
	2: { ca: 'Mitjana', es: 'Media', en: 'Medium' },
	3: { ca: 'Alta', es: 'Alta', en: 'High' }
};

export type ConsensusClass = 'consensus' | 'partial' | 'disagreement';
export const CONSENSUS_CLASSES: readonly ConsensusClass[] = ['consensus', 'partial', 'disagreement'];
export const CONSENSUS_LABELS: Readonly<Record<ConsensusClass, Localized>> = {
	consensus: { ca: 'Consens', es: 'Consenso', en: 'Consensus' },
	partial: { ca: 'Parcial', es: 'Parcial', en: 'Partial' },
	disagreement: { ca: 'Dissens', es: 'Disenso', en: 'Disagreement' }
};

export const SMALL_SAMPLE_LABEL: Localized = { ca: 'Mostra petita', es: 'Muestra pequeña', en: 'Small sample' };

/** Shown where a histogram is withheld because too few people answered (privacy). */
export const SUPPRESSED_LABEL: Localized = {
	ca: 'Massa poques respostes per mostrar la distribució',
	es: 'Demasiadas pocas respuestas para mostrar la distribución',
	en: 'Too few answers to show the distribution'
};

export const AGREED_SCORE_LABEL: Localized = { ca: 'Puntuació acordada', es: 'Puntuación acordada', en: 'Agreed score' };
export const PRIORITY_LABEL: Localized = { ca: 'Prioritat', es: 'Prioridad', en: 'Priority' };
export const RUN_LABEL: Localized = { ca: 'Passada', es: 'Pasada', en: 'Run' };

/** Steps of a facilitated diagnosis session, in their usual order. */
export const STEPS = ['scoring', 'reveal', 'discuss', 'rescoring', 'agreed', 'done'] as const;
export type Step = (typeof STEPS)[number];

export const STEP_LABELS: Readonly<Record<Step, Localized>> = {
	scoring: { ca: 'Puntuació individual', es: 'Puntuación individual', en: 'Individual scoring' },
	reveal: { ca: 'Revelació', es: 'Revelación', en: 'Reveal' },
	discuss: { ca: 'Debat', es: 'Debate', en: 'Discussion' },
	rescoring: { ca: 'Segona ronda', es: 'Segunda ronda', en: 'Second round' },
	agreed: { ca: 'Puntuació acordada', es: 'Puntuación acordada', en: 'Agreed scores' },
	done: { ca: 'Tancada', es: 'Cerrada', en: 'Done' }
};
