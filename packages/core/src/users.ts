import { count, eq } from 'drizzle-orm';
import { users, type Db } from '@teixit/db';
import { newId } from './crypto.ts';
import { DomainError } from './errors.ts';
import { hashPassword } from './passwords.ts';
import { CreateUserInput, parse, isLocale, type Locale } from './validation.ts';

export interface User {
	id: string;
	email: string | null;
	name: string;
	isAdmin: boolean;
	isGuest: boolean;
	locale: Locale | null;
}

export const toUser = (row: typeof users.$inferSelect): User => ({
	id: row.id,
	email: row.email,
	name: row.name,
	isAdmin: row.isAdmin,
	isGuest: row.isGuest,
	locale: isLocale(row.locale) ? row.locale : null
});

export const normaliseEmail = (email: string) => email.trim().toLowerCase();

export const createUsers = (db: Db) => ({
	async count(): Promise<number> {
		const [row] = await db.select({ n: count() }).from(users);
		return row?.n ?? 0;
	},

	async create(input: unknown, tx: Db = db): Promise<User> {
		const v = parse(CreateUserInput, input);
		const email = normaliseEmail(v.email);
		const existing = await tx.select({ id: users.id }).from(users).where(eq(users.email, email));
		if (existing.length > 0) throw new DomainError('conflict', 'A user with this email already exists');
		const [row] = await tx
			.insert(users)
			.values({ id: newId(), email, name: v.name.trim(), passwordHash: await hashPassword(v.password), isAdmin: v.isAdmin ?? false })
			.returning();
		return toUser(row!);
	},

	async createGuest(name: string, tx: Db = db): Promise<User> {
		const trimmed = name.trim();
		if (trimmed.length < 1 || trimmed.length > 120) throw new DomainError('invalid_input', 'A name of 1 to 120 characters is required');
		const [row] = await tx.insert(users).values({ id: newId(), name: trimmed, isGuest: true }).returning();
		return toUser(row!);
	},

	async get(id: string): Promise<User | null> {
		const [row] = await db.select().from(users).where(eq(users.id, id));
		return row ? toUser(row) : null;
	},

	async setLocale(id: string, locale: unknown): Promise<void> {
		if (!isLocale(locale)) throw new DomainError('invalid_input', 'Unknown language');
		await db.update(users).set({ locale, updatedAt: new Date() }).where(eq(users.id, id));
	}
});
export type Users = ReturnType<typeof createUsers>;
