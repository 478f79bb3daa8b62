// Shapes the diagnosis page receives from its server load and the sessions API.
export interface WorkshopSessionInfo {
	id: string;
	startedAt: string;
	endedAt: string | null;
	durationH: number | null;
	chargedH: number | null;
	attendeeCount: number;
	type: string;
}
export interface BudgetInfo {
	budgetH: number;
	usedH: number;
	remainingH: number;
	pctUsed: number;
	alerts: number[];
}

export interface MemberInfo {
	userId: string;
	name: string;
	role: 'facilitator' | 'member' | 'observer';
}

/** A template a run can start on (organisation templates and the built-in default). */
export interface TemplateChoice {
	id: string;
	builtIn: boolean;
	name: { ca: string; es: string; en: string };
	latestVersion: number;
	versions: { version: number }[];
}
