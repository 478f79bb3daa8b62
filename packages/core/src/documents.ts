// Yjs document names of an engagement, and who may open them. Documents are split by who may write
// them, because any client that may write a Yjs doc can write all of it (Yjs THREAT_MODEL.md). The
// results document (readiness counts, aggregates) is written by the server alone: nobody's client, not
// even a facilitator's, can put figures in it.
import type { Role } from './validation.ts';

export type DocumentKind = 'workspace' | 'facilitation' | 'results' | 'private';
export type Access = 'write' | 'read';

export interface DocumentRef {
	name: string;
	engagementId: string;
	kind: DocumentKind;
	/** Owner of a private document. */
	userId?: string;
}

const ID = '[a-z0-9]{1,64}';
const pattern = new RegExp(`^(${ID})\\.(workspace|facilitation|results|private)(?:\\.(${ID}))?$`);

export const workspaceDocName = (engagementId: string) => `${engagementId}.workspace`;
export const facilitationDocName = (engagementId: string) => `${engagementId}.facilitation`;
export const resultsDocName = (engagementId: string) => `${engagementId}.results`;
export const privateDocName = (engagementId: string, userId: string) => `${engagementId}.private.${userId}`;

export function parseDocName(name: string): DocumentRef | null {
	const m = pattern.exec(name);
	if (!m) return null;
	const [, engagementId, kind, userId] = m;
	if ((kind === 'private') !== (userId !== undefined)) return null;
	return { name, engagementId: engagementId!, kind: kind as DocumentKind, userId };
}

/** The access rule, in one place: facilitators and members write the workspace, observers read it;
 *  only facilitators write the facilitation doc; everyone reads the results doc and only the server
 *  writes it; a private doc is its owner's alone. */
export function accessFor(role: Role, userId: string, doc: DocumentRef): Access | null {
	switch (doc.kind) {
		case 'workspace':
			return role === 'observer' ? 'read' : 'write';
		case 'facilitation':
			return role === 'facilitator' ? 'write' : 'read';
		case 'results':
			return 'read';
		case 'private':
			return doc.userId === userId && role !== 'observer' ? 'write' : null;
	}
}

/** The documents a member sees in the engagement payload. */
export function documentsFor(engagementId: string, role: Role, userId: string) {
	const refs: DocumentRef[] = [
		{ name: workspaceDocName(engagementId), engagementId, kind: 'workspace' },
		{ name: facilitationDocName(engagementId), engagementId, kind: 'facilitation' },
		{ name: resultsDocName(engagementId), engagementId, kind: 'results' }
	];
	if (role !== 'observer') refs.push({ name: privateDocName(engagementId, userId), engagementId, kind: 'private', userId });
	return refs.map((d) => ({ name: d.name, kind: d.kind, access: accessFor(role, userId, d)! }));
}
