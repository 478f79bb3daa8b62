// Engagements (one cooperative accompanied over ~12 months), their members and roles.
import { and, asc, eq, inArray } from 'drizzle-orm';
import { engagements, memberships, organisationMembers, organisations, users, type Db } from '@teixit/db';
import type { Audit } from './audit.ts';
import { newId } from './crypto.ts';
import { documentsFor, parseDocName, accessFor, workspaceDocName, type Access } from './documents.ts';
import { DomainError } from './errors.ts';
import type { CoreEventBus } from './events.ts';
import type { User } from './users.ts';
import { CreateEngagementInput, RoleSchema, parse, type Role } from './validation.ts';

export interface Engagement {
	id: string;
	organisationId: string;
	coopName: string;
	startDate: string;
	endDate: string;
	hourBudget: number;
	defaultLocale: string;
	phase: string;
	createdAt: string;
	docName: string;
}

export interface EngagementForUser extends Engagement {
	role: Role;
	documents: { name: string; kind: string; access: Access }[];
}

const today = () => new Date().toISOString().slice(0, 10);

/** Same day one year later (29 Feb -> 28 Feb). */
export function plusTwelveMonths(isoDate: string): string {
	const [y, m, d] = isoDate.split('-').map(Number) as [number, number, number];
	const target = new Date(Date.UTC(y + 1, m - 1, 1));
	const lastDay = new Date(Date.UTC(y + 1, m, 0)).getUTCDate();
	target.setUTCDate(Math.min(d, lastDay));
	return target.toISOString().slice(0, 10);
}

const validDate = (s: string) => !Number.isNaN(Date.parse(`${s}T00:00:00Z`)) && new Date(`${s}T00:00:00Z`).toISOString().startsWith(s);

const toEngagement = (row: typeof engagements.$inferSelect): Engagement => ({
	id: row.id,
	organisationId: row.organisationId,
	coopName: row.coopName,
	startDate: row.startDate,
	endDate: row.endDate,
	hourBudget: row.hourBudget,
	defaultLocale: row.defaultLocale,
	phase: row.phase,
	createdAt: row.createdAt.toISOString(),
	docName: workspaceDocName(row.id)
});

export function createEngagements(db: Db, audit: Audit, events: CoreEventBus) {
	async function roleOf(userId: string, engagementId: string): Promise<Role | null> {
		const [row] = await db
			.select({ role: memberships.role })
			.from(memberships)
			.where(and(eq(memberships.userId, userId), eq(memberships.engagementId, engagementId)));
		return (row?.role as Role | undefined) ?? null;
	}

	/** Members see their engagements; everyone else gets not_found, never forbidden (no existence leak). */
	async function requireRole(actor: User, engagementId: string, allowed: readonly Role[] = ['facilitator', 'member', 'observer']) {
		const role = await roleOf(actor.id, engagementId);
		if (!role) throw new DomainError('not_found', 'Engagement not found');
		if (!allowed.includes(role)) throw new DomainError('forbidden', 'Your role in this engagement does not allow this');
		return role;
	}

	async function organisationFor(actor: User, requested?: string): Promise<string> {
		if (requested) {
			const [org] = await db.select().from(organisations).where(eq(organisations.id, requested));
			if (!org) throw new DomainError('not_found', 'Organisation not found');
			if (!actor.isAdmin) {
				const [m] = await db
					.select()
					.from(organisationMembers)
					.where(and(eq(organisationMembers.organisationId, requested), eq(organisationMembers.userId, actor.id), eq(organisationMembers.role, 'facilitator')));
				if (!m) throw new DomainError('forbidden', 'Only the organisation’s facilitators can create engagements');
			}
			return requested;
		}
		const [m] = await db
			.select({ id: organisationMembers.organisationId })
			.from(organisationMembers)
			.where(and(eq(organisationMembers.userId, actor.id), eq(organisationMembers.role, 'facilitator')))
			.orderBy(asc(organisationMembers.createdAt))
			.limit(1);
		if (m) return m.id;
		if (actor.isAdmin) {
			const [org] = await db.select({ id: organisations.id }).from(organisations).orderBy(asc(organisations.createdAt)).limit(1);
			if (org) return org.id;
			const id = newId();
			await db.insert(organisations).values({ id, name: 'Teixit' });
			return id;
		}
		throw new DomainError('forbidden', 'Only administrators and organisation facilitators can create engagements');
	}

	const withAccess = (e: Engagement, role: Role, userId: string): EngagementForUser => ({ ...e, role, documents: documentsFor(e.id, role, userId) });

	return {
		roleOf,
		requireRole,

		async canCreate(actor: User): Promise<boolean> {
			if (actor.isAdmin) return true;
			const rows = await db
				.select({ id: organisationMembers.organisationId })
				.from(organisationMembers)
				.where(and(eq(organisationMembers.userId, actor.id), eq(organisationMembers.role, 'facilitator')))
				.limit(1);
			return rows.length > 0;
		},

		async create(actor: User, input: unknown): Promise<EngagementForUser> {
			const v = parse(CreateEngagementInput, input);
			const startDate = v.startDate ?? today();
			if (!validDate(startDate)) throw new DomainError('invalid_input', 'startDate is not a real date');
			const endDate = v.endDate ?? plusTwelveMonths(startDate);
			if (!validDate(endDate) || endDate <= startDate) throw new DomainError('invalid_input', 'endDate must be a real date after startDate');
			const coopName = v.coopName.trim();
			if (!coopName) throw new DomainError('invalid_input', 'coopName must not be blank');
			const organisationId = await organisationFor(actor, v.organisationId);
			const id = newId();
			const row = await db.transaction(async (tx) => {
				const [row] = await tx
					.insert(engagements)
					.values({ id, organisationId, coopName, startDate, endDate, hourBudget: v.hourBudget ?? 90, defaultLocale: v.locale ?? 'ca', createdBy: actor.id })
					.returning();
				await tx.insert(memberships).values({ engagementId: id, userId: actor.id, role: 'facilitator' });
				return row!;
			});
			await audit.record({ actorId: actor.id, engagementId: id, action: 'engagement.create', detail: { coopName } });
			return withAccess(toEngagement(row), 'facilitator', actor.id);
		},

		async listFor(actor: User): Promise<EngagementForUser[]> {
			const rows = await db
				.select({ e: engagements, role: memberships.role })
				.from(memberships)
				.innerJoin(engagements, eq(engagements.id, memberships.engagementId))
				.where(eq(memberships.userId, actor.id))
				.orderBy(asc(engagements.coopName));
			return rows.map((r) => withAccess(toEngagement(r.e), r.role as Role, actor.id));
		},

		async get(actor: User, id: string): Promise<EngagementForUser> {
			const role = await requireRole(actor, id);
			const [row] = await db.select().from(engagements).where(eq(engagements.id, id));
			if (!row) throw new DomainError('not_found', 'Engagement not found');
			return withAccess(toEngagement(row), role, actor.id);
		},

		async listMembers(actor: User, engagementId: string) {
			await requireRole(actor, engagementId);
			return db
				.select({ userId: users.id, name: users.name, email: users.email, isGuest: users.isGuest, role: memberships.role, joinedAt: memberships.createdAt })
				.from(memberships)
				.innerJoin(users, eq(users.id, memberships.userId))
				.where(eq(memberships.engagementId, engagementId))
				.orderBy(asc(users.name));
		},

		async setRole(actor: User, engagementId: string, userId: string, role: unknown) {
			const next = parse(RoleSchema, role);
			await requireRole(actor, engagementId, ['facilitator']);
			const current = await roleOf(userId, engagementId);
			if (!current) throw new DomainError('not_found', 'Member not found');
			if (current === 'facilitator' && next !== 'facilitator') await assertNotLastFacilitator(engagementId);
			await db.update(memberships).set({ role: next }).where(and(eq(memberships.engagementId, engagementId), eq(memberships.userId, userId)));
			await audit.record({ actorId: actor.id, engagementId, action: 'member.role', detail: { userId, from: current, to: next } });
			events.emit('access-changed', { engagementId, userId });
		},

		async removeMember(actor: User, engagementId: string, userId: string) {
			await requireRole(actor, engagementId, ['facilitator']);
			const current = await roleOf(userId, engagementId);
			if (!current) throw new DomainError('not_found', 'Member not found');
			if (current === 'facilitator') await assertNotLastFacilitator(engagementId);
			await db.delete(memberships).where(and(eq(memberships.engagementId, engagementId), eq(memberships.userId, userId)));
			await audit.record({ actorId: actor.id, engagementId, action: 'member.remove', detail: { userId } });
			events.emit('access-changed', { engagementId, userId });
		},

		/** What a user may do with a Yjs document: 'write', 'read' or null (refuse). */
		async documentAccess(userId: string, docName: string): Promise<Access | null> {
			const ref = parseDocName(docName);
			if (!ref) return null;
			const role = await roleOf(userId, ref.engagementId);
			return role ? accessFor(role, userId, ref) : null;
		},

		/** Every member with a role, for server-side processes (no actor: never expose to a request). */
		async rolesOf(engagementId: string): Promise<{ userId: string; role: Role }[]> {
			const rows = await db.select({ userId: memberships.userId, role: memberships.role }).from(memberships).where(eq(memberships.engagementId, engagementId));
			return rows.map((r) => ({ userId: r.userId, role: r.role as Role }));
		},

		async byIds(ids: string[]) {
			if (ids.length === 0) return [];
			return (await db.select().from(engagements).where(inArray(engagements.id, ids))).map(toEngagement);
		}
	};

	async function assertNotLastFacilitator(engagementId: string) {
		const rows = await db
			.select({ userId: memberships.userId })
			.from(memberships)
			.where(and(eq(memberships.engagementId, engagementId), eq(memberships.role, 'facilitator')));
		if (rows.length <= 1) throw new DomainError('conflict', 'An engagement needs at least one facilitator');
	}
}
export type Engagements = ReturnType<typeof createEngagements>;
