// The plan phase (DOMAIN.md A3.2-A3.4): the DAFO/CAME board and workshop, hypotheses and the action plan.
export * from './errors.ts';
export * from './actions.ts';
export { newId } from './records.ts';
export * from './hypotheses.ts';
export * from './dafo.ts';
export * from './dafo-votes.ts';
export * from './dafo-workshop.ts';
export * from './came.ts';
export * from './strategies.ts';
