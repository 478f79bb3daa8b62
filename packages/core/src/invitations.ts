// Invitation links: a role in one engagement, valid until expiry or revocation, usable by several people.
// Opening one either signs an existing user in to the engagement or creates a guest for it alone.
import { and, desc, eq, sql } from 'drizzle-orm';
import { engagements, invitations, memberships, type Db } from '@teixit/db';
import type { Audit } from './audit.ts';
import type { Auth, IssuedSession } from './auth.ts';
import { hashSecret, newId, newSecret } from './crypto.ts';
import { DomainError } from './errors.ts';
import type { Engagements } from './engagements.ts';
import type { User, Users } from './users.ts';
import { CreateInvitationInput, parse, type Role } from './validation.ts';

const DAY = 86_400_000;
const rank: Record<Role, number> = { observer: 0, member: 1, facilitator: 2 };

export interface InvitationPreview {
	engagementId: string;
	coopName: string;
	role: Role;
	expiresAt: string;
}

export function createInvitations(db: Db, deps: { audit: Audit; auth: Auth; users: Users; engagements: Engagements; publicOrigin: string; now?: () => number }) {
	const now = deps.now ?? Date.now;
	const urlFor = (token: string) => `${deps.publicOrigin.replace(/\/$/, '')}/invite/${token}`;

	async function findValid(token: unknown) {
		if (typeof token !== 'string' || token.length < 10 || token.length > 128) throw new DomainError('invitation_invalid', 'This invitation link is not valid');
		const [row] = await db
			.select({ i: invitations, coopName: engagements.coopName })
			.from(invitations)
			.innerJoin(engagements, eq(engagements.id, invitations.engagementId))
			.where(eq(invitations.tokenHash, hashSecret(token)));
		if (!row) throw new DomainError('invitation_invalid', 'This invitation link is not valid');
		if (row.i.revokedAt) throw new DomainError('invitation_invalid', 'This invitation link has been revoked', { reason: 'revoked' });
		if (row.i.expiresAt.getTime() <= now()) throw new DomainError('invitation_invalid', 'This invitation link has expired', { reason: 'expired' });
		return row;
	}

	async function join(userId: string, engagementId: string, role: Role, invitationId: string, tx: Db = db) {
		const [existing] = await tx
			.select({ role: memberships.role })
			.from(memberships)
			.where(and(eq(memberships.engagementId, engagementId), eq(memberships.userId, userId)));
		// An invitation never lowers a role someone already has.
		if (!existing) await tx.insert(memberships).values({ engagementId, userId, role });
		else if (rank[role] > rank[existing.role as Role])
			await tx.update(memberships).set({ role }).where(and(eq(memberships.engagementId, engagementId), eq(memberships.userId, userId)));
		await tx.update(invitations).set({ useCount: sql`${invitations.useCount} + 1` }).where(eq(invitations.id, invitationId));
		return existing && rank[existing.role as Role] >= rank[role] ? (existing.role as Role) : role;
	}

	return {
		urlFor,

		async create(actor: User, engagementId: string, input: unknown) {
			const v = parse(CreateInvitationInput, input);
			await deps.engagements.requireRole(actor, engagementId, ['facilitator']);
			const token = newSecret();
			const id = newId();
			const expiresAt = new Date(now() + (v.expiresInDays ?? 7) * DAY);
			await db.insert(invitations).values({ id, engagementId, role: v.role, tokenHash: hashSecret(token), createdBy: actor.id, expiresAt });
			await deps.audit.record({ actorId: actor.id, engagementId, action: 'invitation.create', detail: { invitationId: id, role: v.role } });
			return { id, token, url: urlFor(token), role: v.role, expiresAt: expiresAt.toISOString() };
		},

		async list(actor: User, engagementId: string) {
			await deps.engagements.requireRole(actor, engagementId, ['facilitator']);
			const rows = await db.select().from(invitations).where(eq(invitations.engagementId, engagementId)).orderBy(desc(invitations.createdAt));
			return rows.map((r) => ({
				id: r.id,
				role: r.role as Role,
				expiresAt: r.expiresAt.toISOString(),
				revokedAt: r.revokedAt?.toISOString() ?? null,
				useCount: r.useCount,
				createdAt: r.createdAt.toISOString(),
				active: !r.revokedAt && r.expiresAt.getTime() > now()
			}));
		},

		async revoke(actor: User, engagementId: string, invitationId: string) {
			await deps.engagements.requireRole(actor, engagementId, ['facilitator']);
			const rows = await db
				.update(invitations)
				.set({ revokedAt: new Date(now()) })
				.where(and(eq(invitations.id, invitationId), eq(invitations.engagementId, engagementId)))
				.returning({ id: invitations.id });
			if (rows.length === 0) throw new DomainError('not_found', 'Invitation not found');
			await deps.audit.record({ actorId: actor.id, engagementId, action: 'invitation.revoke', detail: { invitationId } });
		},

		async preview(token: unknown): Promise<InvitationPreview> {
			const row = await findValid(token);
			return { engagementId: row.i.engagementId, coopName: row.coopName, role: row.i.role as Role, expiresAt: row.i.expiresAt.toISOString() };
		},

		/** A signed-in user accepts: joins the engagement with the invited role (or keeps a higher one). */
		async accept(actor: User, token: unknown): Promise<{ engagementId: string; role: Role }> {
			const row = await findValid(token);
			if (actor.isGuest) {
				const current = await deps.engagements.roleOf(actor.id, row.i.engagementId);
				if (!current) throw new DomainError('forbidden', 'Guest accounts belong to one engagement; sign in with an account to join another');
			}
			const role = await db.transaction((tx) => join(actor.id, row.i.engagementId, row.i.role as Role, row.i.id, tx as unknown as Db));
			await deps.audit.record({ actorId: actor.id, engagementId: row.i.engagementId, action: 'invitation.accept', detail: { invitationId: row.i.id, role } });
			return { engagementId: row.i.engagementId, role };
		},

		/** Someone without an account creates one through the link and lands in the engagement. */
		async acceptWithNewAccount(token: unknown, input: unknown): Promise<IssuedSession & { engagementId: string; role: Role }> {
			const row = await findValid(token);
			const user = await deps.users.create(input);
			const role = await join(user.id, row.i.engagementId, row.i.role as Role, row.i.id);
			await deps.audit.record({ actorId: user.id, engagementId: row.i.engagementId, action: 'invitation.accept', detail: { invitationId: row.i.id, role, newAccount: true } });
			return { ...(await deps.auth.issueSession(user)), engagementId: row.i.engagementId, role };
		},

		/** A named guest for this engagement only: no email, no password, signed in by a session cookie. */
		async acceptAsGuest(token: unknown, name: unknown): Promise<IssuedSession & { engagementId: string; role: Role }> {
			const row = await findValid(token);
			if (typeof name !== 'string') throw new DomainError('invalid_input', 'A name is required');
			const user = await deps.users.createGuest(name);
			const role = await join(user.id, row.i.engagementId, row.i.role as Role, row.i.id);
			await deps.audit.record({ actorId: user.id, engagementId: row.i.engagementId, action: 'invitation.accept', detail: { invitationId: row.i.id, role, guest: true } });
			return { ...(await deps.auth.issueSession(user)), engagementId: row.i.engagementId, role };
		}
	};
}
export type Invitations = ReturnType<typeof createInvitations>;
