// Cheap decoding for receivers: read only what identifies an edit (client id + clock range of the Yjs
// structs in an update), a state vector, or the (client id, clock) pairs of an awareness update.
// No Y.Doc is built. Unknown struct kinds fall back to Y.parseUpdateMeta (counted as `fallbacks`).
import * as Y from 'yjs';

export class Reader {
	pos: number;
	constructor(
		readonly buf: Uint8Array,
		pos = 0,
		readonly end = buf.length
	) {
		this.pos = pos;
	}
	u8(): number {
		if (this.pos >= this.end) throw new RangeError('unexpected end of message');
		return this.buf[this.pos++]!;
	}
	varUint(): number {
		let num = 0;
		let mult = 1;
		for (;;) {
			const r = this.u8();
			num += (r & 0x7f) * mult;
			if (r < 0x80) return num;
			mult *= 128;
			if (mult > 2 ** 53) throw new RangeError('varUint overflow');
		}
	}
	/** Skips a varUint8Array / varString; returns [start, end) of its bytes. */
	bytes(): [number, number] {
		const len = this.varUint();
		const start = this.pos;
		this.pos += len;
		if (this.pos > this.end) throw new RangeError('unexpected end of message');
		return [start, this.pos];
	}
}

export const parserStats = { fastUpdates: 0, fallbacks: 0 };

/**
 * Calls onRange(client, clock, length) for every item struct in a Yjs v1 update. Returns false when the
 * update could not be parsed at all.
 */
export function forEachStructRange(update: Uint8Array, onRange: (client: number, clock: number, len: number) => void): boolean {
	try {
		if (fastRanges(update, onRange)) {
			parserStats.fastUpdates++;
			return true;
		}
	} catch {
		// fall through to the full parser
	}
	parserStats.fallbacks++;
	try {
		const meta = Y.parseUpdateMeta(update);
		for (const [client, from] of meta.from) {
			const to = meta.to.get(client) ?? from;
			if (to > from) onRange(client, from, to - from);
		}
		return true;
	} catch {
		return false;
	}
}

const BIT6 = 0x20;
const BIT7 = 0x40;
const BIT8 = 0x80;

// Struct layout per yjs/src/utils/encoding.js readClientsStructRefs (UpdateDecoderV1).
function fastRanges(update: Uint8Array, onRange: (client: number, clock: number, len: number) => void): boolean {
	const r = new Reader(update);
	const clients = r.varUint();
	const found: number[] = [];
	for (let c = 0; c < clients; c++) {
		const structs = r.varUint();
		const client = r.varUint();
		let clock = r.varUint();
		for (let s = 0; s < structs; s++) {
			const info = r.u8();
			const ref = info & 0x1f;
			let len: number;
			let item = true;
			if (ref === 0 || ref === 10) {
				// GC or Skip: just a length
				len = r.varUint();
				item = false;
			} else {
				if (info & BIT8) {
					r.varUint();
					r.varUint();
				}
				if (info & BIT7) {
					r.varUint();
					r.varUint();
				}
				if ((info & (BIT7 | BIT8)) === 0) {
					if (r.varUint() === 1) r.bytes();
					else {
						r.varUint();
						r.varUint();
					}
					if (info & BIT6) r.bytes();
				}
				if (ref === 4) {
					// ContentString: length in UTF-16 units; the bench only tracks ASCII text, where bytes == units
					const [start, end] = r.bytes();
					len = end - start;
					for (let i = start; i < end; i++) if (update[i]! >= 0x80) return false;
				} else if (ref === 1) {
					len = r.varUint(); // ContentDeleted
				} else {
					return false;
				}
			}
			if (item) found.push(client, clock, len);
			clock += len;
		}
	}
	for (let i = 0; i < found.length; i += 3) onRange(found[i]!, found[i + 1]!, found[i + 2]!);
	return true;
}

/** Decodes a Yjs state vector (varUint count, then client/clock pairs). */
export function forEachStateVectorEntry(sv: Uint8Array, onEntry: (client: number, clock: number) => void, start = 0, end = sv.length) {
	const r = new Reader(sv, start, end);
	const n = r.varUint();
	for (let i = 0; i < n; i++) onEntry(r.varUint(), r.varUint());
}

/** (clientID, clock) of every entry of a y-protocols awareness update; the JSON state is skipped. */
export function forEachAwarenessEntry(buf: Uint8Array, start: number, end: number, onEntry: (client: number, clock: number, jsonBytes: number) => void) {
	const r = new Reader(buf, start, end);
	const n = r.varUint();
	for (let i = 0; i < n; i++) {
		const client = r.varUint();
		const clock = r.varUint();
		const [s, e] = r.bytes();
		onEntry(client, clock, e - s);
	}
}
