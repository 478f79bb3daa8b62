// One client socket in one room: limits, the pre-load queue, message dispatch, back-pressure.
import * as Y from 'yjs';
import * as decoding from 'lib0/decoding';
import { CloseCodes, messageAuth, messageAwareness, messageQueryAwareness, messageSync, type CloseCode } from '@teixit/protocol';
import type { EngineContext } from './context.ts';
import { refill } from './limits.ts';
import type { Author, Room } from './room.ts';
import type { ConnectParams, SyncSocket } from './types.ts';
import { encodeAwareness, encodeDurableStateVector, syncStep1, syncStep2, syncUpdate } from './wire.ts';

class BadMessageError extends Error {
	override name = 'BadMessageError';
}

/** The encoding of an update that contains nothing: what a client with no local changes sends as step 2. */
const isEmptyUpdate = (u: Uint8Array) => u.length === 2 && u[0] === 0 && u[1] === 0;

export class Connection implements Author {
	readonly userId: string;
	readonly connectionId: string;
	readonly docName: string;
	readonly access: 'write' | 'read';
	readonly acks: boolean;
	readonly ip: string | undefined;
	started = false;
	closed = false;

	// Per-connection state is kept small and allocated lazily: a server holds thousands of idle
	// connections (DESIGN §7: under 0.01 MB each, the socket included).
	#socket: SyncSocket;
	/** Frames received while the doc loads; null once started (or never needed). */
	#queue: Uint8Array[] | null = null;
	/** The two token buckets of SPEC [P2], inline: tokens left and when they were last refilled. */
	#messageTokens: number;
	#byteTokens: number;
	#refilledAt: number;
	#initialAckSent = false;
	/** Update-bearing frames (step 2 / update) received, and for each the room ticket that covers it. */
	#framesReceived = 0;
	#framesCommitted = 0;
	/** Frames not yet covered by an ack, oldest first; null when none (SPEC [D7]). */
	#marks: { frame: number; ticket: number }[] | null = null;

	constructor(
		private readonly room: Room,
		params: ConnectParams,
		private readonly ctx: EngineContext
	) {
		this.userId = params.userId;
		this.connectionId = params.connectionId;
		this.docName = room.docName; // one string per document, not one per connection
		this.access = params.access;
		this.acks = params.acks;
		this.ip = params.ip;
		this.#socket = params.socket;
		this.#messageTokens = ctx.limits.messageBurst;
		this.#byteTokens = ctx.limits.byteBurst;
		this.#refilledAt = ctx.now();
	}

	/** Takes one message and `bytes` bytes from the connection's buckets; false when either is short. */
	#takeTokens(bytes: number): boolean {
		const { limits, now } = this.ctx;
		const t = now();
		const elapsed = t - this.#refilledAt;
		this.#refilledAt = t;
		this.#messageTokens = refill(this.#messageTokens, elapsed, limits.messagesPerSecond, limits.messageBurst);
		this.#byteTokens = refill(this.#byteTokens, elapsed, limits.bytesPerSecond, limits.byteBurst);
		if (this.#messageTokens < 1 || this.#byteTokens < bytes) return false;
		this.#messageTokens -= 1;
		this.#byteTokens -= bytes;
		return true;
	}

	/** One frame from the client. Never throws. */
	receive(data: Uint8Array): void {
		if (this.closed) return;
		const { counters, limits } = this.ctx;
		counters.messagesTotal++;
		counters.bytesInTotal += data.length;
		if (data.length > limits.maxMessageBytes) return this.close(CloseCodes.MessageTooBig);
		if (!this.#takeTokens(data.length)) return this.close(CloseCodes.RateLimited);
		if (this.room.draining) return; // shutting down: the client re-sends after reconnecting
		if (!this.started) {
			// The doc is still loading: keep a copy (the transport may reuse its buffer), replay in start().
			(this.#queue ??= []).push(data.slice());
			return;
		}
		this.#handle(data);
	}

	/** The doc is loaded: greet the client like y-websocket does, then replay what arrived early. */
	start(): void {
		if (this.started || this.closed) return;
		this.started = true;
		let step1: Uint8Array;
		try {
			step1 = this.room.syncStep1();
		} catch (err) {
			this.room.poison(err);
			return;
		}
		this.send(step1);
		const awareness = this.room.awareness.encodeAll();
		if (awareness) this.send(encodeAwareness(awareness));
		const queued = this.#queue ?? [];
		this.#queue = null;
		for (const msg of queued) {
			if (this.closed) break;
			this.#handle(msg);
		}
	}

	/** Sends a frame, or closes SlowConsumer when the socket is backed up. */
	send(msg: Uint8Array): void {
		if (this.closed) return;
		if (this.#socket.bufferedAmount > this.ctx.limits.maxBufferedBytes) return this.close(CloseCodes.SlowConsumer);
		try {
			this.#socket.send(msg);
		} catch (err) {
			this.ctx.logger.warn({ docName: this.docName, connectionId: this.connectionId, err }, 'sync: send failed');
			this.closedByPeer();
		}
	}

	/** The server closes the socket with a named code. Idempotent. */
	close(code: CloseCode): void {
		if (this.closed) return;
		this.closed = true;
		this.#queue = null;
		const { counters, events } = this.ctx;
		counters.closesTotal[code.reason] = (counters.closesTotal[code.reason] ?? 0) + 1;
		try {
			this.#socket.close(code.code, code.reason);
		} catch {
			// already closed
		}
		events.emit('close', {
			docName: this.docName,
			connectionId: this.connectionId,
			userId: this.userId,
			code: code.code,
			reason: code.reason
		});
		this.room.remove(this);
	}

	/** The socket is gone (adapter saw it close). Idempotent. */
	closedByPeer(): void {
		if (this.closed) return;
		this.closed = true;
		this.#queue = null;
		this.room.remove(this);
	}

	#handle(data: Uint8Array): void {
		try {
			this.#dispatch(data);
		} catch (err) {
			const { counters, events, logger } = this.ctx;
			counters.badMessagesTotal++;
			logger.warn(
				{ docName: this.docName, connectionId: this.connectionId, userId: this.userId, err: String(err) },
				'sync: bad message; closing'
			);
			events.emit('error', { docName: this.docName, kind: 'message', error: err });
			this.close(CloseCodes.BadMessage);
		}
	}

	#dispatch(data: Uint8Array): void {
		const dec = decoding.createDecoder(data);
		const type = decoding.readVarUint(dec);
		switch (type) {
			case messageSync: {
				const sub = decoding.readVarUint(dec);
				const payload = decoding.readVarUint8Array(dec);
				end(dec);
				if (sub === syncStep1) {
					Y.decodeStateVector(payload); // a malformed state vector is the client's fault...
					let reply: Uint8Array;
					try {
						reply = this.room.syncStep2(payload);
					} catch (err) {
						this.room.poison(err, this); // ...but failing to encode for a valid one is the doc's
						return;
					}
					this.send(reply);
					if (this.acks && !this.#initialAckSent) {
						this.#initialAckSent = true; // SPEC [D4]
						this.sendDurableAck();
					}
				} else if (sub === syncStep2 || sub === syncUpdate) {
					const frame = ++this.#framesReceived;
					// A refused frame is never committed, so it is never acknowledged ([A1], [D7]).
					if (this.access === 'read') return this.#refuse(payload);
					// An update frame is forwarded as it came; a step 2 must reach the others as an update.
					this.room.apply(payload, this, sub === syncUpdate ? data : null);
					// Covered once everything enqueued so far (this frame's changes, or the pending ones it
					// duplicates) is committed; at once when nothing is pending and the frame carried something
					// (an empty step 2 waits for the next ack: it holds no change to confirm).
					// Only a client that asked for acks is ever sent one, so only its frames are tracked (a plain
					// y-websocket client's marks would pile up, one per update, for the connection's life).
					if (!this.acks) return;
					(this.#marks ??= []).push({ frame, ticket: this.room.enqueuedTicket });
					if (this.room.enqueuedTicket <= this.room.committedTicket && !isEmptyUpdate(payload)) this.sendDurableAck();
				} else {
					throw new BadMessageError(`unknown sync message ${sub}`);
				}
				return;
			}
			case messageAwareness: {
				const payload = decoding.readVarUint8Array(dec);
				end(dec);
				this.room.awareness.apply(this, payload);
				return;
			}
			case messageQueryAwareness: {
				end(dec);
				const awareness = this.room.awareness.encodeAll();
				if (awareness) this.send(encodeAwareness(awareness));
				return;
			}
			case messageAuth:
				return; // server -> client only in y-websocket; ignored
			default:
				throw new BadMessageError(`unknown message type ${type}`);
		}
	}

	/** Whether some received frame becomes committed with `committedTicket`. */
	awaitsAck(committedTicket: number): boolean {
		return this.#marks !== null && this.#marks[0]!.ticket <= committedTicket;
	}

	/** [D1]/[D7]: the durable state vector plus how many of this connection's update frames are committed. */
	sendDurableAck(): void {
		const committed = this.room.committedTicket;
		const marks = this.#marks;
		while (marks && marks.length > 0 && marks[0]!.ticket <= committed) this.#framesCommitted = marks.shift()!.frame;
		if (marks?.length === 0) this.#marks = null;
		this.send(encodeDurableStateVector(this.room.durableStateVector, this.#framesCommitted));
	}

	/** SPEC [A1]: a read-only connection has no write path. Ignored, counted, never applied. */
	#refuse(update: Uint8Array): void {
		if (isEmptyUpdate(update)) return;
		this.ctx.counters.refusedTotal++;
		this.ctx.events.emit('refused', { docName: this.docName, connectionId: this.connectionId, userId: this.userId });
	}
}

function end(dec: decoding.Decoder): void {
	if (decoding.hasContent(dec)) throw new BadMessageError('trailing bytes');
}
