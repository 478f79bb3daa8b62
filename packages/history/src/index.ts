// @teixit/history: version history of Yjs documents, framework-free (DESIGN §5, SPEC.md H-rules).
export * from './sections.ts';
export * from './diff.ts';
export * from './restore.ts';
export * from './attribute.ts';
export * from './timeline.ts';
export * from './retention.ts';
export * from './bursts.ts';
export * from './format.ts';
export * from './materialize.ts';
export * from './labels.ts';
