// @teixit/model: the framework-free domain model of the participatory self-diagnosis.
export * from './labels.ts';
export * from './keys.ts';
export * from './template.ts';
export * from './stats.ts';
export * from './aggregate.ts';
export * from './doc.ts';
export * from './migrations.ts';
export * from './plan/index.ts';
export * from './text.ts';
