// Who has been connected to an engagement's documents, and when: the attendance of a workshop session
// is read from here (server truth), never sent by a client.
export class PresenceLog {
	/** engagementId -> userId -> [connections open now, last seen ms] */
	#byEngagement = new Map<string, Map<string, { open: number; lastSeen: number }>>();
	constructor(private readonly now: () => number = Date.now) {}

	connected(engagementId: string, userId: string) {
		const users = this.#byEngagement.get(engagementId) ?? new Map();
		this.#byEngagement.set(engagementId, users);
		const e = users.get(userId) ?? { open: 0, lastSeen: 0 };
		e.open++;
		e.lastSeen = this.now();
		users.set(userId, e);
	}

	disconnected(engagementId: string, userId: string) {
		const e = this.#byEngagement.get(engagementId)?.get(userId);
		if (!e) return;
		e.open = Math.max(0, e.open - 1);
		e.lastSeen = this.now();
	}

	/** Users connected now or at any moment since `sinceMs`. */
	attendees(engagementId: string, sinceMs: number): string[] {
		const users = this.#byEngagement.get(engagementId);
		if (!users) return [];
		return [...users].filter(([, e]) => e.open > 0 || e.lastSeen >= sinceMs).map(([id]) => id);
	}
}
