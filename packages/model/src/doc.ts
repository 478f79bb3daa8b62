// The three Yjs documents of an engagement, split by who may write them (DESIGN.md §3): any client that
// may write a Yjs document can write all of it, so roles are enforced per document by the server.
//   workspace     facilitators + members write, observers read        workspace-doc.ts
//   facilitation  facilitators write, all read                        facilitation-doc.ts
//   results       the server alone writes (readiness, aggregates), all read   results-doc.ts
//   private.<id>  that person + the server only                       private-doc.ts
// Roots in every document: `meta` (migrations.ts). Record maps use the KV of kv.ts.
import { assertId, ID_PATTERN } from './keys.ts';

export type DocKind = 'workspace' | 'facilitation' | 'results' | 'private';
export const DOC_KINDS: readonly DocKind[] = ['workspace', 'facilitation', 'results', 'private'];

export function workspaceDocName(engagementId: string): string {
	assertId(engagementId, 'engagementId');
	return `${engagementId}.workspace`;
}

export function facilitationDocName(engagementId: string): string {
	assertId(engagementId, 'engagementId');
	return `${engagementId}.facilitation`;
}

export function resultsDocName(engagementId: string): string {
	assertId(engagementId, 'engagementId');
	return `${engagementId}.results`;
}

export function privateDocName(engagementId: string, userId: string): string {
	assertId(engagementId, 'engagementId');
	assertId(userId, 'userId');
	return `${engagementId}.private.${userId}`;
}

export interface DocNameParts {
	engagementId: string;
	kind: DocKind;
	userId?: string;
}

const ID = ID_PATTERN.source.slice(1, -1);
const NAME = new RegExp(`^(${ID})\\.(workspace|facilitation|results|private)(?:\\.(${ID}))?$`);

export function parseDocName(name: string): DocNameParts | null {
	const m = NAME.exec(name);
	if (!m) return null;
	const [, engagementId, kind, userId] = m;
	if ((kind === 'private') !== (userId !== undefined)) return null;
	return userId === undefined ? { engagementId: engagementId!, kind: kind as DocKind } : { engagementId: engagementId!, kind: 'private', userId };
}

export * from './workspace-doc.ts';
export * from './facilitation-doc.ts';
export * from './private-doc.ts';
export * from './results-doc.ts';
export { kvRead, kvGet, kvWrite, kvSize, type KvEntry } from './kv.ts';
