// Lucia-style sessions (random token in an httpOnly cookie, only its SHA-256 stored, sliding expiry),
// password login with Argon2id and guessing throttle, and personal API tokens.
import { and, eq, isNull } from 'drizzle-orm';
import { apiTokens, sessions, users, type Db } from '@teixit/db';
import { hashSecret, newId, newSecret } from './crypto.ts';
import { DomainError } from './errors.ts';
import type { CoreEventBus } from './events.ts';
import { decoyHash, hashPassword, verifyPassword } from './passwords.ts';
import { FailureThrottle } from './throttle.ts';
import { normaliseEmail, toUser, type User } from './users.ts';
import { LoginInput, PasswordSchema, parse } from './validation.ts';
import { Type } from 'typebox';

const DAY = 86_400_000;
export const SESSION_TTL_MS = 30 * DAY;
const RENEW_WHEN_LEFT_MS = 15 * DAY;

export interface Session {
	id: string;
	userId: string;
	expiresAt: Date;
}

export interface IssuedSession {
	token: string;
	session: Session;
	user: User;
}

export interface ValidatedSession {
	session: Session;
	user: User;
	/** True when the expiry moved forward: the cookie should be re-sent. */
	renewed: boolean;
}

export interface AuthOptions {
	now?: () => number;
	/** Failed logins allowed per email+IP and per IP within the window. */
	loginMaxFailures?: number;
	loginWindowMs?: number;
}

export function createAuth(db: Db, events: CoreEventBus, opts: AuthOptions = {}) {
	const now = opts.now ?? Date.now;
	const windowMs = opts.loginWindowMs ?? 15 * 60_000;
	const max = opts.loginMaxFailures ?? 5;
	const perAccount = new FailureThrottle({ max, windowMs }, now);
	const perIp = new FailureThrottle({ max: max * 6, windowMs }, now);

	async function issueSession(user: User, tx: Db = db): Promise<IssuedSession> {
		const token = newSecret();
		const session: Session = { id: hashSecret(token), userId: user.id, expiresAt: new Date(now() + SESSION_TTL_MS) };
		await tx.insert(sessions).values(session);
		return { token, session, user };
	}

	return {
		issueSession,

		async login(input: unknown, ip = 'unknown'): Promise<IssuedSession> {
			const { email, password } = parse(LoginInput, input);
			const key = `${normaliseEmail(email)}|${ip}`;
			const wait = Math.max(perAccount.retryAfter(key), perIp.retryAfter(ip));
			if (wait > 0) {
				throw new DomainError('throttled', 'Too many failed sign-in attempts. Try again later.', { retryAfterSeconds: Math.ceil(wait / 1000) });
			}
			const [row] = await db.select().from(users).where(eq(users.email, normaliseEmail(email)));
			// Verify against a decoy when the account does not exist, so timing reveals nothing.
			const ok = await verifyPassword(row?.passwordHash ?? (await decoyHash()), password);
			if (!row || !row.passwordHash || !ok) {
				perAccount.fail(key);
				perIp.fail(ip);
				throw new DomainError('invalid_credentials', 'Email or password is incorrect');
			}
			perAccount.reset(key);
			return issueSession(toUser(row));
		},

		async validateSession(token: string | undefined | null): Promise<ValidatedSession | null> {
			if (!token || token.length > 128) return null;
			const id = hashSecret(token);
			const [row] = await db.select({ s: sessions, u: users }).from(sessions).innerJoin(users, eq(users.id, sessions.userId)).where(eq(sessions.id, id));
			if (!row) return null;
			const t = now();
			if (row.s.expiresAt.getTime() <= t) {
				await db.delete(sessions).where(eq(sessions.id, id));
				return null;
			}
			let renewed = false;
			if (row.s.expiresAt.getTime() - t < RENEW_WHEN_LEFT_MS) {
				row.s.expiresAt = new Date(t + SESSION_TTL_MS);
				await db.update(sessions).set({ expiresAt: row.s.expiresAt }).where(eq(sessions.id, id));
				renewed = true;
			}
			return { session: { id, userId: row.s.userId, expiresAt: row.s.expiresAt }, user: toUser(row.u), renewed };
		},

		async logout(token: string) {
			const id = hashSecret(token);
			const [row] = await db.delete(sessions).where(eq(sessions.id, id)).returning();
			if (row) events.emit('session-revoked', { sessionId: id, userId: row.userId });
		},

		/** Changes the password, ends every session of the user, and returns a fresh one for the caller. */
		async changePassword(userId: string, current: string, next: unknown): Promise<IssuedSession> {
			const password = parse(PasswordSchema, next);
			const [row] = await db.select().from(users).where(eq(users.id, userId));
			if (!row || !row.passwordHash || !(await verifyPassword(row.passwordHash, current))) {
				throw new DomainError('invalid_credentials', 'The current password is incorrect');
			}
			await db.update(users).set({ passwordHash: await hashPassword(password), updatedAt: new Date() }).where(eq(users.id, userId));
			await db.delete(sessions).where(eq(sessions.userId, userId));
			events.emit('sessions-revoked', { userId });
			return issueSession(toUser(row));
		},

		async createApiToken(userId: string, name: unknown) {
			const label = parse(Type.String({ minLength: 1, maxLength: 100 }), name ?? 'API token');
			const token = `tx_${newSecret()}`;
			const id = newId();
			await db.insert(apiTokens).values({ id, userId, name: label, tokenHash: hashSecret(token) });
			return { id, name: label, token };
		},

		async listApiTokens(userId: string) {
			return db
				.select({ id: apiTokens.id, name: apiTokens.name, createdAt: apiTokens.createdAt, lastUsedAt: apiTokens.lastUsedAt })
				.from(apiTokens)
				.where(and(eq(apiTokens.userId, userId), isNull(apiTokens.revokedAt)));
		},

		async revokeApiToken(userId: string, id: string) {
			const rows = await db
				.update(apiTokens)
				.set({ revokedAt: new Date() })
				.where(and(eq(apiTokens.id, id), eq(apiTokens.userId, userId), isNull(apiTokens.revokedAt)))
				.returning({ id: apiTokens.id });
			if (rows.length === 0) throw new DomainError('not_found', 'No such token');
			events.emit('api-token-revoked', { tokenId: id, userId });
		},

		async validateApiToken(token: string | undefined | null): Promise<{ user: User; tokenId: string } | null> {
			if (!token || !token.startsWith('tx_') || token.length > 128) return null;
			const [row] = await db
				.select({ t: apiTokens, u: users })
				.from(apiTokens)
				.innerJoin(users, eq(users.id, apiTokens.userId))
				.where(and(eq(apiTokens.tokenHash, hashSecret(token)), isNull(apiTokens.revokedAt)));
			if (!row) return null;
			// "Last used" at minute precision: no write on every request and every sync upgrade.
			const t = now();
			if (!row.t.lastUsedAt || t - row.t.lastUsedAt.getTime() >= 60_000)
				await db.update(apiTokens).set({ lastUsedAt: new Date(t) }).where(eq(apiTokens.id, row.t.id));
			return { user: toUser(row.u), tokenId: row.t.id };
		}
	};
}
export type Auth = ReturnType<typeof createAuth>;
