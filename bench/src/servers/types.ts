// What a scenario needs from a server under test.
import type * as Y from 'yjs';
import type { Awareness } from 'y-protocols/awareness';
import type { Framing } from '../loadgen/wire.ts';
import type { ServerInspector } from './inspector.ts';

export type TargetName = 'teixit' | 'y-websocket-server' | 'hocuspocus';
export const TARGET_NAMES: TargetName[] = ['teixit', 'y-websocket-server', 'hocuspocus'];

/** A real provider (y-websocket's WebsocketProvider or HocuspocusProvider) holding a full Y.Doc. */
export interface Replica {
	doc: Y.Doc;
	awareness: Awareness;
	destroy(): void;
}

export interface Target {
	readonly name: TargetName;
	readonly framing: Framing;
	/** Persists updates (and can be measured cold). */
	readonly durable: boolean;
	/** Sends Teixit's durable state vector when asked with ?acks=1. */
	readonly acks: boolean;
	/** One-time setup for a round (temp dirs, database, user). */
	setup(): Promise<void>;
	/** Starts a fresh server process; returns the start time in ms. */
	start(): Promise<number>;
	stop(): Promise<void>;
	/** The running server's V8 inspector (every target is started with one). */
	inspector: ServerInspector | null;
	/** Root pid of the server process tree, while running. */
	pid(): number | null;
	/** Creates (or names) n fresh documents. */
	rooms(n: number, label: string): Promise<string[]>;
	wsUrl(room: string, opts?: { acks?: boolean }): string;
	headers(): Record<string, string> | undefined;
	/** Joins a room with the real client library and resolves once synced. */
	openReplica(room: string, doc: Y.Doc, timeoutMs?: number): Promise<Replica>;
	/** The server's own metrics (Teixit's /metrics): event-loop lag, heap; absent for the references. */
	serverMetrics?(): Promise<Record<string, number>>;
	/** Removes what setup() made. */
	teardown(): Promise<void>;
}
