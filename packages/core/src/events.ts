// Domain events other parts of the process react to (e.g. the sync server closes connections).
import { EventEmitter } from 'node:events';

export interface CoreEvents {
	/** A user's access to an engagement shrank or ended: live connections must be re-authorized. */
	'access-changed': [{ engagementId: string; userId: string }];
	/** All sessions of a user ended (logout everywhere, password change). */
	'sessions-revoked': [{ userId: string }];
	/** One session ended (logout). */
	'session-revoked': [{ sessionId: string; userId: string }];
	'api-token-revoked': [{ tokenId: string; userId: string }];
}

export class CoreEventBus extends EventEmitter<CoreEvents> {}
