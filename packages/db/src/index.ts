export * as schema from './schema.ts';
export * from './schema.ts';
export { openDatabase, migrateDatabase, migrationsFolder, type Db, type Database, type DatabaseOptions } from './client.ts';
export { DataDirLockedError } from './lock.ts';
