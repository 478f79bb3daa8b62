export * from './messages.ts';
export * from './close-codes.ts';
