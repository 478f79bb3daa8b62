// @teixit/sync: framework-free sync engine (y-websocket protocol, rooms, group commit, acks).
export { SyncServer, type SyncServerOptions, type SyncStats, type ChangeOptions } from './server.ts';
export type { SyncSocket, ConnectParams, SyncConnectionHandle, SyncLogger, ConnectionInfo, CloseCode } from './types.ts';
export { defaultLimits, resolveLimits, type SyncLimits } from './limits.ts';
export type { SyncEvents } from './events.ts';
export { SeqConflictError, type DocStorage, type StorageEntry, type LoadedDoc } from './storage/types.ts';
export { MemoryStorage, type MemoryRow, type MemorySnapshot } from './storage/memory.ts';
export { DrizzleStorage } from './storage/drizzle.ts';
export * as wire from './wire.ts';
