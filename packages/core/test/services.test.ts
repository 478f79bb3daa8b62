// Domain services against a real (embedded) database.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDatabase, sessions, type Database } from '@teixit/db';
import { eq } from 'drizzle-orm';
import { createCore, type Core } from '../src/index.ts';
import { SESSION_TTL_MS } from '../src/auth.ts';

let database: Database;
let core: Core;
let now = Date.parse('2026-03-01T10:00:00Z');

beforeAll(async () => {
	database = await openDatabase();
	core = createCore({ db: database.db, publicOrigin: 'https://teixit.example', now: () => now });
});
afterAll(async () => database?.close());

describe('sessions', () => {
	it('slides the expiry forward when less than half is left, and expires after 30 days idle', async () => {
		const user = await core.users.create({ email: 'S@Example.org', name: 'S', password: 'password-1' });
		expect(user.email).toBe('s@example.org');
		const issued = await core.auth.login({ email: 's@example.org', password: 'password-1' }, '1.2.3.4');
		expect(issued.token).not.toBe(issued.session.id);
		now += 10 * 86_400_000;
		expect((await core.auth.validateSession(issued.token))?.renewed).toBe(false);
		now += 6 * 86_400_000;
		const renewed = await core.auth.validateSession(issued.token);
		expect(renewed?.renewed).toBe(true);
		expect(renewed?.session.expiresAt.getTime()).toBe(now + SESSION_TTL_MS);
		now += SESSION_TTL_MS + 1;
		expect(await core.auth.validateSession(issued.token)).toBeNull();
		expect(await database.db.select().from(sessions).where(eq(sessions.id, issued.session.id))).toEqual([]);
	});

	it('stores Argon2id hashes, never passwords', async () => {
		const { users } = await import('@teixit/db');
		const [row] = await database.db.select().from(users).where(eq(users.email, 's@example.org'));
		expect(row!.passwordHash).toMatch(/^\$argon2id\$/);
	});

	it('rejects duplicate emails case-insensitively', async () => {
		await expect(core.users.create({ email: 's@EXAMPLE.org', name: 'dup', password: 'password-1' })).rejects.toMatchObject({ code: 'conflict' });
	});
});

describe('memberships and invitations', () => {
	it('never lowers a role through an invitation, and keeps one facilitator at least', async () => {
		const fac = await core.users.create({ email: 'fac@example.org', name: 'Fac', password: 'password-1', isAdmin: true });
		const eng = await core.engagements.create(fac, { coopName: 'Coop' });
		const inv = await core.invitations.create(fac, eng.id, { role: 'observer' });
		const joined = await core.invitations.accept(fac, inv.token);
		expect(joined.role).toBe('facilitator');
		await expect(core.engagements.removeMember(fac, eng.id, fac.id)).rejects.toMatchObject({ code: 'conflict' });
		await expect(core.engagements.setRole(fac, eng.id, fac.id, 'member')).rejects.toMatchObject({ code: 'conflict' });
	});

	it('emits access-changed when a member is removed', async () => {
		const fac = (await core.users.get((await core.auth.login({ email: 'fac@example.org', password: 'password-1' })).user.id))!;
		const [eng] = await core.engagements.listFor(fac);
		const guest = await core.invitations.acceptAsGuest((await core.invitations.create(fac, eng!.id, { role: 'member' })).token, '  Pau  ');
		expect(guest.user).toMatchObject({ name: 'Pau', isGuest: true, email: null });
		const seen: unknown[] = [];
		core.events.on('access-changed', (e) => seen.push(e));
		await core.engagements.removeMember(fac, eng!.id, guest.user.id);
		expect(seen).toEqual([{ engagementId: eng!.id, userId: guest.user.id }]);
		await expect(core.engagements.get(guest.user, eng!.id)).rejects.toMatchObject({ code: 'not_found' });
	});

	it('a guest cannot use an invitation to join a second engagement', async () => {
		const fac = (await core.auth.login({ email: 'fac@example.org', password: 'password-1' })).user;
		const a = await core.engagements.create(fac, { coopName: 'A' });
		const b = await core.engagements.create(fac, { coopName: 'B' });
		const guest = await core.invitations.acceptAsGuest((await core.invitations.create(fac, a.id, { role: 'member' })).token, 'Guest');
		await expect(core.invitations.accept(guest.user, (await core.invitations.create(fac, b.id, { role: 'member' })).token)).rejects.toMatchObject({ code: 'forbidden' });
	});
});
