// First run: create the first administrator and the facilitator organisation, once.
import { organisationMembers, organisations, type Db } from '@teixit/db';
import type { Auth, IssuedSession } from './auth.ts';
import { newId } from './crypto.ts';
import { DomainError } from './errors.ts';
import type { Users } from './users.ts';
import { SetupInput, parse } from './validation.ts';

export function createSetup(db: Db, deps: { users: Users; auth: Auth }) {
	let running: Promise<unknown> | null = null;
	return {
		async needed(): Promise<boolean> {
			return (await deps.users.count()) === 0;
		},

		async createFirstAdmin(input: unknown): Promise<IssuedSession> {
			const v = parse(SetupInput, input);
			// One at a time within the process; the unique email guards against a second process.
			while (running) await running.catch(() => {});
			const work = (async () => {
				if ((await deps.users.count()) > 0) throw new DomainError('setup_done', 'Teixit is already set up; sign in instead');
				const user = await deps.users.create({ email: v.email, name: v.name, password: v.password, isAdmin: true });
				const organisationId = newId();
				await db.insert(organisations).values({ id: organisationId, name: v.organisationName.trim() });
				await db.insert(organisationMembers).values({ organisationId, userId: user.id, role: 'facilitator' });
				return deps.auth.issueSession(user);
			})();
			running = work;
			try {
				return await work;
			} finally {
				running = null;
			}
		}
	};
}
export type Setup = ReturnType<typeof createSetup>;
