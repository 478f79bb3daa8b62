// The export format of one version (a backup a person can keep and import again): versioned JSON with the
// encoded Yjs state in base64 and a SHA-256 of it. Import validates everything before anything is stored.
import * as Y from 'yjs';
import { createHash } from 'node:crypto';

export const EXPORT_FORMAT = 'teixit.version';
export const EXPORT_VERSION = 1;
/** Largest state accepted on import (bytes, decoded). */
export const MAX_IMPORT_BYTES = 16 * 1024 * 1024;

export interface VersionExport {
	format: typeof EXPORT_FORMAT;
	version: typeof EXPORT_VERSION;
	docName: string;
	seq: number;
	kind: string;
	label: string | null;
	createdAt: string;
	exportedAt: string;
	/** Base64 of Y.encodeStateAsUpdate. */
	state: string;
	sha256: string;
}

export class ImportError extends Error {
	override name = 'ImportError';
	constructor(
		readonly reason: 'not-an-export' | 'unsupported-version' | 'bad-field' | 'checksum' | 'bad-state' | 'too-large',
		message: string
	) {
		super(message);
	}
}

const sha256 = (bytes: Uint8Array) => createHash('sha256').update(bytes).digest('hex');

export function exportVersion(v: { docName: string; seq: number; kind: string; label: string | null; createdAt: Date; state: Uint8Array }, now = new Date()): VersionExport {
	return {
		format: EXPORT_FORMAT,
		version: EXPORT_VERSION,
		docName: v.docName,
		seq: v.seq,
		kind: v.kind,
		label: v.label,
		createdAt: v.createdAt.toISOString(),
		exportedAt: now.toISOString(),
		state: Buffer.from(v.state).toString('base64'),
		sha256: sha256(v.state)
	};
}

export interface ParsedImport {
	docName: string;
	seq: number;
	kind: string;
	label: string | null;
	createdAt: Date;
	state: Uint8Array;
}

/** Validates an export (already JSON-parsed) and decodes its state; throws ImportError with a reason. */
export function parseExport(input: unknown): ParsedImport {
	if (!input || typeof input !== 'object' || (input as { format?: unknown }).format !== EXPORT_FORMAT) throw new ImportError('not-an-export', `not a ${EXPORT_FORMAT} export`);
	const e = input as Record<string, unknown>;
	if (e.version !== EXPORT_VERSION) throw new ImportError('unsupported-version', `unsupported export version ${String(e.version)} (this server reads ${EXPORT_VERSION})`);
	const str = (k: string) => {
		if (typeof e[k] !== 'string') throw new ImportError('bad-field', `field ${k} must be a string`);
		return e[k] as string;
	};
	const docName = str('docName');
	const kind = str('kind');
	const state64 = str('state');
	const hash = str('sha256');
	const createdAt = new Date(str('createdAt'));
	if (Number.isNaN(createdAt.getTime())) throw new ImportError('bad-field', 'field createdAt must be an ISO date');
	if (!Number.isSafeInteger(e.seq) || (e.seq as number) < 0) throw new ImportError('bad-field', 'field seq must be a non-negative integer');
	if (e.label !== null && typeof e.label !== 'string') throw new ImportError('bad-field', 'field label must be a string or null');
	if (!/^[A-Za-z0-9+/]*={0,2}$/.test(state64)) throw new ImportError('bad-field', 'field state must be base64');
	if ((state64.length * 3) / 4 > MAX_IMPORT_BYTES) throw new ImportError('too-large', `state larger than ${MAX_IMPORT_BYTES} bytes`);
	const state = new Uint8Array(Buffer.from(state64, 'base64'));
	if (sha256(state) !== hash) throw new ImportError('checksum', 'the state does not match its sha256: the file is damaged');
	try {
		const doc = new Y.Doc();
		Y.applyUpdate(doc, state);
		// A state whose structs could not all be integrated is missing data: refuse it.
		if (doc.store.pendingStructs || doc.store.pendingDs) throw new Error('incomplete state');
		doc.destroy();
	} catch (err) {
		throw new ImportError('bad-state', `the state is not a valid document: ${(err as Error).message}`);
	}
	return { docName, seq: e.seq as number, kind, label: (e.label as string | null) ?? null, createdAt, state };
}
