import type { Db } from '@teixit/db';
import { createAudit } from './audit.ts';
import { createAuth, type AuthOptions } from './auth.ts';
import { createEngagements } from './engagements.ts';
import { CoreEventBus } from './events.ts';
import { createInvitations } from './invitations.ts';
import { createSetup } from './setup.ts';
import { createUsers } from './users.ts';
import { createTemplates } from './templates.ts';
import { createWorkshopSessions } from './workshop-sessions.ts';

export interface CoreOptions {
	db: Db;
	publicOrigin: string;
	auth?: AuthOptions;
	now?: () => number;
}

/** All domain services, wired once per process and shared by the API, the pages and the sync server. */
export function createCore(opts: CoreOptions) {
	const { db } = opts;
	const events = new CoreEventBus();
	const audit = createAudit(db);
	const users = createUsers(db);
	const auth = createAuth(db, events, { now: opts.now, ...opts.auth });
	const engagements = createEngagements(db, audit, events);
	const invitations = createInvitations(db, { audit, auth, users, engagements, publicOrigin: opts.publicOrigin, now: opts.now });
	const setup = createSetup(db, { users, auth });
	const sessions = createWorkshopSessions(db, { audit, engagements, now: opts.now });
	const templates = createTemplates(db, { audit, engagements, now: opts.now });
	return { db, events, audit, users, auth, engagements, invitations, setup, sessions, templates };
}
export type Core = ReturnType<typeof createCore>;
