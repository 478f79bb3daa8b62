// Workshop sessions: the facilitator starts and ends one; attendance comes from live presence; the
// hours feed the engagement's budget (90 h by default) and, at the end, mark the version history.
import { and, asc, eq, isNull } from 'drizzle-orm';
import { engagements, workshopSessions, type Db } from '@teixit/db';
import { Type } from 'typebox';
import type { Audit } from './audit.ts';
import { newId } from './crypto.ts';
import { DomainError } from './errors.ts';
import type { Engagements } from './engagements.ts';
import type { User } from './users.ts';
import { parse } from './validation.ts';

export const sessionTypes = ['diagnosis', 'planning', 'coaching', 'followup', 'review', 'presentation', 'prep'] as const;
export const modalities = ['presencial', 'online', 'hibrida'] as const;

export const StartSessionInput = Type.Object(
	{
		type: Type.Union(sessionTypes.map((t) => Type.Literal(t))),
		modality: Type.Optional(Type.Union(modalities.map((m) => Type.Literal(m))))
	},
	{ additionalProperties: false }
);
export const EndSessionInput = Type.Object(
	{
		chargedH: Type.Optional(Type.Number({ minimum: 0, maximum: 24, multipleOf: 0.25 })),
		notes: Type.Optional(Type.String({ maxLength: 10_000 })),
		chargeable: Type.Optional(Type.Boolean())
	},
	{ additionalProperties: false }
);

export interface WorkshopSession {
	id: string;
	engagementId: string;
	type: string;
	modality: string;
	startedAt: string;
	endedAt: string | null;
	startedBy: string;
	attendeeIds: string[];
	attendeeCount: number;
	durationH: number | null;
	chargedH: number | null;
	chargeable: boolean;
	notes: string;
}

export interface HourBudget {
	budgetH: number;
	usedH: number;
	remainingH: number;
	pctUsed: number;
	pctElapsed: number;
	/** pctUsed / pctElapsed; above 1.2 the budget is being used ahead of time. */
	burn: number | null;
	alerts: (75 | 90 | 100)[];
}

const toSession = (r: typeof workshopSessions.$inferSelect): WorkshopSession => ({
	id: r.id,
	engagementId: r.engagementId,
	type: r.type,
	modality: r.modality,
	startedAt: r.startedAt.toISOString(),
	endedAt: r.endedAt?.toISOString() ?? null,
	startedBy: r.startedBy,
	attendeeIds: r.attendeeIds,
	attendeeCount: r.attendeeIds.length,
	durationH: r.durationH,
	chargedH: r.chargedH,
	chargeable: r.chargeable,
	notes: r.notes
});

/** Duration rounded up to quarter hours (DOMAIN A3.5: 0.25 h steps). */
export const quarterHours = (ms: number) => Math.max(0.25, Math.ceil(ms / (15 * 60_000)) / 4);

export function hourBudget(budgetH: number, sessions: WorkshopSession[], start: string, end: string, now: number): HourBudget {
	const usedH = sessions.filter((s) => s.chargeable && s.chargedH !== null).reduce((n, s) => n + s.chargedH!, 0);
	const startMs = Date.parse(`${start}T00:00:00Z`);
	const endMs = Date.parse(`${end}T00:00:00Z`);
	const pctElapsed = Math.min(100, Math.max(0, ((now - startMs) / (endMs - startMs)) * 100));
	const pctUsed = (usedH / budgetH) * 100;
	return {
		budgetH,
		usedH,
		remainingH: budgetH - usedH,
		pctUsed,
		pctElapsed,
		burn: pctElapsed > 0 ? pctUsed / pctElapsed : null,
		alerts: ([75, 90, 100] as const).filter((a) => pctUsed >= a)
	};
}

export function createWorkshopSessions(db: Db, deps: { audit: Audit; engagements: Engagements; now?: () => number }) {
	const now = deps.now ?? Date.now;

	async function open(engagementId: string) {
		const [row] = await db
			.select()
			.from(workshopSessions)
			.where(and(eq(workshopSessions.engagementId, engagementId), isNull(workshopSessions.endedAt)));
		return row ?? null;
	}

	return {
		async current(engagementId: string): Promise<WorkshopSession | null> {
			const row = await open(engagementId);
			return row ? toSession(row) : null;
		},

		async start(actor: User, engagementId: string, input: unknown): Promise<WorkshopSession> {
			const v = parse(StartSessionInput, input);
			await deps.engagements.requireRole(actor, engagementId, ['facilitator']);
			if (await open(engagementId)) throw new DomainError('conflict', 'A session is already running; end it first');
			const [row] = await db
				.insert(workshopSessions)
				.values({ id: newId(), engagementId, type: v.type, modality: v.modality ?? 'presencial', startedAt: new Date(now()), startedBy: actor.id })
				.returning();
			await deps.audit.record({ actorId: actor.id, engagementId, action: 'session.start', detail: { sessionId: row!.id, type: v.type } });
			return toSession(row!);
		},

		/** Ends the running session. `attendeeIds` come from the server's presence record, not the client. */
		async end(actor: User, engagementId: string, sessionId: string, input: unknown, attendeeIds: string[]): Promise<WorkshopSession> {
			const v = parse(EndSessionInput, input ?? {});
			await deps.engagements.requireRole(actor, engagementId, ['facilitator']);
			const row = await open(engagementId);
			if (!row || row.id !== sessionId) throw new DomainError('not_found', 'No running session with this id');
			const members = new Set((await deps.engagements.rolesOf(engagementId)).map((m) => m.userId));
			const attendees = [...new Set(attendeeIds)].filter((id) => members.has(id)).sort();
			const endedAt = new Date(Math.max(now(), row.startedAt.getTime()));
			const durationH = quarterHours(endedAt.getTime() - row.startedAt.getTime());
			const [updated] = await db
				.update(workshopSessions)
				.set({ endedAt, durationH, chargedH: v.chargedH ?? durationH, chargeable: v.chargeable ?? true, notes: v.notes ?? row.notes, attendeeIds: attendees })
				.where(eq(workshopSessions.id, sessionId))
				.returning();
			await deps.audit.record({ actorId: actor.id, engagementId, action: 'session.end', detail: { sessionId, durationH, attendees: attendees.length } });
			return toSession(updated!);
		},

		async list(actor: User, engagementId: string): Promise<{ sessions: WorkshopSession[]; budget: HourBudget }> {
			await deps.engagements.requireRole(actor, engagementId);
			const [eng] = await db.select().from(engagements).where(eq(engagements.id, engagementId));
			const rows = await db.select().from(workshopSessions).where(eq(workshopSessions.engagementId, engagementId)).orderBy(asc(workshopSessions.startedAt));
			const sessions = rows.map(toSession);
			return { sessions, budget: hourBudget(eng!.hourBudget, sessions, eng!.startDate, eng!.endDate, now()) };
		}
	};
}
export type WorkshopSessions = ReturnType<typeof createWorkshopSessions>;
