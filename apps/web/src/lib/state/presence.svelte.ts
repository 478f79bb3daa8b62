// Who is online in a document, from Yjs awareness. Awareness events enter runes through createSubscriber:
// we listen only while some effect reads `people`.
import { createSubscriber } from 'svelte/reactivity';
import type { Awareness } from 'y-protocols/awareness';

export interface AwarenessUser {
	id: string;
	name: string;
	color: string;
}

export interface Person extends AwarenessUser {
	isSelf: boolean;
	/** Open tabs/devices of this person. */
	connections: number;
}

const isUser = (u: unknown): u is AwarenessUser =>
	!!u && typeof u === 'object' && typeof (u as AwarenessUser).id === 'string' && typeof (u as AwarenessUser).name === 'string';

export class Presence {
	readonly #awareness: Awareness;
	readonly #subscribe: () => void;

	constructor(awareness: Awareness) {
		this.#awareness = awareness;
		this.#subscribe = createSubscriber((update) => {
			awareness.on('change', update);
			return () => awareness.off('change', update);
		});
	}

	/** One entry per person (several tabs collapse), yourself first, then by name. */
	get people(): Person[] {
		this.#subscribe();
		const selfId = this.#awareness.clientID;
		const selfUser = this.#awareness.getLocalState()?.user;
		// A throwaway index for this computation, not reactive state.
		// eslint-disable-next-line svelte/prefer-svelte-reactivity
		const byUser = new Map<string, Person>();
		for (const [clientId, state] of this.#awareness.getStates()) {
			const user = (state as { user?: unknown }).user;
			if (!isUser(user)) continue;
			const isSelf = clientId === selfId || (isUser(selfUser) && selfUser.id === user.id);
			const existing = byUser.get(user.id);
			if (existing) existing.connections++;
			else byUser.set(user.id, { id: user.id, name: user.name, color: user.color, isSelf, connections: 1 });
		}
		return [...byUser.values()].sort((a, b) => Number(b.isSelf) - Number(a.isSelf) || a.name.localeCompare(b.name));
	}
}
