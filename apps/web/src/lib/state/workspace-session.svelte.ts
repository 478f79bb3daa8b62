// One editing session of an engagement's workspace document: the Y.Doc, awareness (presence), the provider
// and the truthful sync status. Created by the workspace page and handed down by context; never a module
// singleton (under SSR that would be shared between users).
import { createContext } from 'svelte';
import { Awareness, removeAwarenessStates } from 'y-protocols/awareness';
import type { WebsocketProvider } from 'y-websocket';
import * as Y from 'yjs';
import { connectProvider, syncServerUrl } from '$lib/sync/provider';
import { SyncStatus } from '$lib/sync/sync-status.svelte';
import { colorFor } from './colors';
import { Presence, type AwarenessUser } from './presence.svelte';

export interface WorkspaceSessionOptions {
	docName: string;
	user: { id: string; name: string };
	readOnly: boolean;
	/** A stored version's state (history): the session shows it read-only and never connects. */
	frozen?: Uint8Array | null;
}

/** The states of an engagement's shared documents at one moment, for a stored version opened read-only
 *  with the live pages' own components (history): each session is built over them instead of a provider. */
export interface VersionStates {
	workspace: Uint8Array;
	facilitation: Uint8Array;
	results: Uint8Array;
}

export class WorkspaceSession {
	readonly docName: string;
	readonly readOnly: boolean;
	/** A stored version, not the live document (see WorkspaceSessionOptions.frozen). */
	readonly frozen: boolean;
	readonly user: AwarenessUser;
	readonly doc: Y.Doc;
	readonly awareness: Awareness;
	readonly status: SyncStatus;
	readonly presence: Presence;

	#provider: WebsocketProvider | null = null;
	#teardown: (() => void)[] = [];
	#destroyed = false;

	constructor(opts: WorkspaceSessionOptions) {
		this.docName = opts.docName;
		this.frozen = !!opts.frozen;
		this.readOnly = opts.readOnly || this.frozen;
		this.user = { id: opts.user.id, name: opts.user.name, color: colorFor(opts.user.id) };
		this.doc = new Y.Doc();
		// Filled before anything observes it: the pages read a version like a document that has synced.
		if (opts.frozen) Y.applyUpdate(this.doc, opts.frozen, 'version');
		this.awareness = new Awareness(this.doc);
		// Nobody is "here" in a version: no presence of my own either.
		if (this.frozen) this.awareness.setLocalState(null);
		else this.awareness.setLocalStateField('user', this.user);
		this.status = new SyncStatus(this.doc);
		if (this.frozen) this.status.freeze();
		this.presence = new Presence(this.awareness);
	}

	/** The rich-text "Notes" field of the workspace document. */
	get notes(): Y.XmlFragment {
		return this.doc.getXmlFragment('notes');
	}

	/** Connect (browser only; call from onMount). */
	start(serverUrl = syncServerUrl(location)) {
		if (this.#provider || this.#destroyed || this.frozen) return;
		this.#provider = connectProvider({ serverUrl, docName: this.docName, doc: this.doc, awareness: this.awareness, status: this.status });

		if (typeof window !== 'undefined') {
			const online = () => this.status.setBrowserOnline(true);
			const offline = () => this.status.setBrowserOnline(false);
			// Leaving with changes the server has not confirmed: let the browser ask first.
			const beforeUnload = (e: BeforeUnloadEvent) => {
				if (this.status.unsaved > 0 && !this.status.stopped) e.preventDefault();
			};
			this.status.setBrowserOnline(navigator.onLine);
			window.addEventListener('online', online);
			window.addEventListener('offline', offline);
			window.addEventListener('beforeunload', beforeUnload);
			this.#teardown.push(() => {
				window.removeEventListener('online', online);
				window.removeEventListener('offline', offline);
				window.removeEventListener('beforeunload', beforeUnload);
			});
		}
	}

	/** Try again after a permanent close, once access has been re-checked. */
	reconnect() {
		if (!this.#provider || this.#destroyed) return;
		this.status.resume();
		this.#provider.connect();
	}

	destroy() {
		if (this.#destroyed) return;
		this.#destroyed = true;
		for (const fn of this.#teardown.splice(0)) fn();
		// Tell the others we left before the socket closes (provider.disconnect also broadcasts it).
		removeAwarenessStates(this.awareness, [this.doc.clientID], 'left');
		this.#provider?.destroy();
		this.#provider = null;
		this.status.destroy();
		this.awareness.destroy();
		this.doc.destroy();
	}
}

export const [getWorkspaceSession, setWorkspaceSession] = createContext<WorkspaceSession>();
