import { auditLog, type Db } from '@teixit/db';

export interface AuditEntry {
	actorId: string | null;
	engagementId?: string | null;
	action: string;
	detail?: Record<string, unknown>;
}

export const createAudit = (db: Db) => ({
	async record(e: AuditEntry) {
		await db.insert(auditLog).values({
			actorId: e.actorId,
			engagementId: e.engagementId ?? null,
			action: e.action,
			detail: e.detail ?? {}
		});
	}
});
export type Audit = ReturnType<typeof createAudit>;
