import type { BudgetInfo, WorkshopSessionInfo } from '$lib/diagnosis/types';
import type { Role } from '$lib/i18n';

export interface PlanMember {
	userId: string;
	name: string;
	role: Role;
}

export interface PlanSessionInfo {
	id: string;
	type: string;
	startedAt: string;
	endedAt: string | null;
}

export interface PlanPageData {
	engagement: { id: string; coopName: string; role: Role };
	docName: string;
	canWrite: boolean;
	me: { id: string; name: string };
	members: PlanMember[];
	sessions: PlanSessionInfo[];
	/** For the facilitators' session panel (start/end a workshop session from the plan). */
	currentSession: WorkshopSessionInfo | null;
	budget: BudgetInfo | null;
	/** A stored version's workspace state (history): the room shows it read-only and never connects. */
	frozen?: Uint8Array | null;
}
