// Editors and edit tracking. Each editor owns one small Y.Doc that produces real Yjs updates (an
// 8-character append to a Y.Text, so update k of an editor covers clocks [8k, 8k+8)). Updates are
// pre-generated and pre-framed before a measured phase, so sending costs one ws.send.
// Receivers never apply updates: they read (client id, clock range) and look the edit up here.
import * as Y from 'yjs';
import { encodeUpdateMessage, type Framing } from './wire.ts';
import { forEachStateVectorEntry, forEachStructRange } from './yparse.ts';
import { Samples } from './stats.ts';

/** Characters per edit (ASCII, so Yjs clock units == bytes). */
export const EDIT_LEN = 8;
export const TEXT_NAME = 't';

let nextClientId = 0x10000 + Math.floor(Math.random() * 0x1000000);
/** Unique, non-colliding Yjs client ids for this process. */
export const allocClientId = () => nextClientId++;

function grow<T extends Float64Array | Uint16Array | Uint8Array>(a: T, need: number, make: (n: number) => T): T {
	if (need <= a.length) return a;
	const next = make(Math.max(need, a.length * 2));
	next.set(a);
	return next;
}

export class Editor {
	readonly doc: Y.Doc;
	readonly clientId: number;
	/** Edits handed to the socket so far. */
	sent = 0;
	/** Edits covered by the durable state vector (Teixit acks). */
	acked = 0;
	sentAt = new Float64Array(256);
	stepOf = new Uint8Array(256);
	receipts = new Uint16Array(256);
	#queue: Uint8Array[] = [];
	#queueHead = 0;
	#generated = 0;
	#last: Uint8Array | null = null;

	constructor(
		readonly room: string,
		readonly framing: Framing,
		/** How many other clients of the room must receive each edit. */
		public expectedReceivers: number
	) {
		this.doc = new Y.Doc({ gc: true });
		this.clientId = allocClientId();
		this.doc.clientID = this.clientId;
		this.doc.on('update', (u: Uint8Array) => {
			this.#last = u;
		});
	}

	static content(seq: number): string {
		return (seq % 36 ** 7).toString(36).padStart(7, '0') + ' ';
	}

	/** Pre-generates and frames the next n edits. */
	pregenerate(n: number) {
		const text = this.doc.getText(TEXT_NAME);
		for (let i = 0; i < n; i++) {
			text.insert(text.length, Editor.content(this.#generated++));
			this.#queue.push(encodeUpdateMessage(this.framing, this.room, this.#last!));
		}
	}

	get queued() {
		return this.#queue.length - this.#queueHead;
	}

	/** Takes the next pre-framed edit and records its send time. Returns null when none is queued. */
	next(now: number, step: number): Uint8Array | null {
		if (this.#queueHead >= this.#queue.length) return null;
		const msg = this.#queue[this.#queueHead]!;
		this.#queue[this.#queueHead++] = EMPTY;
		if (this.#queueHead > 4096 && this.#queueHead * 2 > this.#queue.length) {
			this.#queue = this.#queue.slice(this.#queueHead);
			this.#queueHead = 0;
		}
		const seq = this.sent++;
		this.sentAt = grow(this.sentAt, seq + 1, (n) => new Float64Array(n));
		this.stepOf = grow(this.stepOf, seq + 1, (n) => new Uint8Array(n));
		this.receipts = grow(this.receipts, seq + 1, (n) => new Uint16Array(n));
		this.sentAt[seq] = now;
		this.stepOf[seq] = step;
		return msg;
	}
}

const EMPTY = new Uint8Array(0);

export interface StepStats {
	latency: Samples;
	ackLatency: Samples;
	delivered: number;
	duplicates: number;
}

const newStep = (): StepStats => ({ latency: new Samples(), ackLatency: new Samples(), delivered: 0, duplicates: 0 });

/** Knows every editor of a scenario; turns received updates and acks into latency samples. */
export class EditTracker {
	readonly editors = new Map<number, Editor>();
	readonly steps: StepStats[] = [];
	/** Receipts still expected (sent x receivers - received). */
	outstanding = 0;
	echoes = 0;
	unknown = 0;
	unparsable = 0;

	add(editor: Editor) {
		this.editors.set(editor.clientId, editor);
	}

	step(i: number): StepStats {
		while (this.steps.length <= i) this.steps.push(newStep());
		return this.steps[i]!;
	}

	/** Call right after an editor's message was sent. */
	sent(editor: Editor) {
		this.outstanding += editor.expectedReceivers;
	}

	/** A client (whose own editor has id `ownClientId`, or -1) received an update at `at`. */
	received(ownClientId: number, update: Uint8Array, at: number) {
		const ok = forEachStructRange(update, (client, clock, len) => {
			const ed = this.editors.get(client);
			if (!ed) {
				this.unknown++;
				return;
			}
			if (client === ownClientId) {
				this.echoes++;
				return;
			}
			const first = Math.floor(clock / EDIT_LEN);
			const end = Math.min(ed.sent, Math.floor((clock + len) / EDIT_LEN));
			for (let seq = first; seq < end; seq++) {
				const st = this.step(ed.stepOf[seq]!);
				const n = ++ed.receipts[seq]!;
				if (n > ed.expectedReceivers) {
					st.duplicates++;
					continue;
				}
				this.outstanding--;
				st.delivered++;
				st.latency.add(at - ed.sentAt[seq]!);
			}
		});
		if (!ok) this.unparsable++;
	}

	/** Teixit durable state vector received by `editor`'s socket. */
	acked(editor: Editor, buf: Uint8Array, start: number, end: number, at: number) {
		forEachStateVectorEntry(
			buf,
			(client, clock) => {
				if (client !== editor.clientId) return;
				const upto = Math.min(editor.sent, Math.floor(clock / EDIT_LEN));
				for (let seq = editor.acked; seq < upto; seq++) this.step(editor.stepOf[seq]!).ackLatency.add(at - editor.sentAt[seq]!);
				if (upto > editor.acked) editor.acked = upto;
			},
			start,
			end
		);
	}

	totalSent(): number {
		let n = 0;
		for (const e of this.editors.values()) n += e.sent;
		return n;
	}

	unacked(): number {
		let n = 0;
		for (const e of this.editors.values()) n += e.sent - e.acked;
		return n;
	}

	/** Receipts missing per step (edits some live receiver never got). */
	undeliveredByStep(): number[] {
		const out: number[] = this.steps.map(() => 0);
		for (const e of this.editors.values()) {
			for (let seq = 0; seq < e.sent; seq++) {
				const miss = e.expectedReceivers - Math.min(e.expectedReceivers, e.receipts[seq]!);
				if (miss > 0) out[e.stepOf[seq]!] = (out[e.stepOf[seq]!] ?? 0) + miss;
			}
		}
		return out;
	}

	/** Waits until every expected receipt arrived, or no progress for `idleMs`, or `maxMs` passed. */
	async drain(maxMs: number, idleMs = 2000): Promise<number> {
		const start = Date.now();
		let last = this.outstanding;
		let lastChange = Date.now();
		while (this.outstanding > 0 && Date.now() - start < maxMs) {
			await new Promise((r) => setTimeout(r, 20));
			if (this.outstanding !== last) {
				last = this.outstanding;
				lastChange = Date.now();
			} else if (Date.now() - lastChange > idleMs) break;
		}
		return Date.now() - start;
	}
}

/**
 * Checks a replica (a real provider's Y.Doc) against what the editors sent: every editor's clock must be
 * covered and the text must hold exactly the sent characters. Returns the number of missing edits.
 */
export function verifyReplica(doc: Y.Doc, editors: Iterable<Editor>, textName = TEXT_NAME): { missing: number; expectedChars: number; actualChars: number; checkedEditors: number } {
	let missing = 0;
	let expectedChars = 0;
	let checkedEditors = 0;
	for (const e of editors) {
		checkedEditors++;
		const have = Math.floor(Y.getState(doc.store, e.clientId) / EDIT_LEN);
		if (have < e.sent) missing += e.sent - have;
		expectedChars += e.sent * EDIT_LEN;
	}
	const actualChars = doc.getText(textName).length;
	return { missing, expectedChars, actualChars, checkedEditors };
}
