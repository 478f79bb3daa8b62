// Who is here and which item each person is looking at (awareness of the workspace document). The item
// is only present during the discussion steps (DiagnosisSession.setViewing never shares it otherwise).
import { createSubscriber } from 'svelte/reactivity';
import type { Awareness } from 'y-protocols/awareness';

export interface LivePerson {
	id: string;
	name: string;
	color: string;
	isSelf: boolean;
	/** Item key being viewed, or null. */
	item: string | null;
}

interface AwarenessState {
	user?: { id?: unknown; name?: unknown; color?: unknown };
	item?: unknown;
}

export function peopleFrom(states: Map<number, AwarenessState>, selfClientId: number, selfUserId: string | null): LivePerson[] {
	// eslint-disable-next-line svelte/prefer-svelte-reactivity -- a throwaway index, not state
	const byUser = new Map<string, LivePerson>();
	for (const [clientId, state] of states) {
		const u = state?.user;
		if (!u || typeof u.id !== 'string' || typeof u.name !== 'string') continue;
		const item = typeof state.item === 'string' && state.item.length <= 64 ? state.item : null;
		const isSelf = clientId === selfClientId || u.id === selfUserId;
		const existing = byUser.get(u.id);
		// Several tabs of one person: the item of the tab that has one (ours: this tab's).
		if (existing) {
			if (!existing.item || (isSelf && clientId === selfClientId)) existing.item = item ?? existing.item;
		} else byUser.set(u.id, { id: u.id, name: u.name, color: typeof u.color === 'string' ? u.color : '#545c59', isSelf, item });
	}
	return [...byUser.values()].sort((a, b) => Number(b.isSelf) - Number(a.isSelf) || a.name.localeCompare(b.name));
}

export class LivePresence {
	readonly #awareness: Awareness;
	readonly #selfUserId: string | null;
	readonly #subscribe: () => void;

	constructor(awareness: Awareness, selfUserId: string | null) {
		this.#awareness = awareness;
		this.#selfUserId = selfUserId;
		this.#subscribe = createSubscriber((update) => {
			awareness.on('change', update);
			return () => awareness.off('change', update);
		});
	}

	get people(): LivePerson[] {
		this.#subscribe();
		return peopleFrom(this.#awareness.getStates() as Map<number, AwarenessState>, this.#awareness.clientID, this.#selfUserId);
	}
}
