// An exclusive lock on an embedded data directory, so a second process (the CLI while the
// server runs, or a second server) refuses clearly instead of corrupting PGlite's files.
import { openSync, closeSync, writeSync, readFileSync, unlinkSync } from 'node:fs';
import { join } from 'node:path';

export interface DataDirLock {
	release(): void;
}

export class DataDirLockedError extends Error {
	override name = 'DataDirLockedError';
	constructor(
		readonly dataDir: string,
		readonly pid: number
	) {
		super(
			`The embedded database in ${dataDir} is in use by another Teixit process (pid ${pid}). ` +
				`Stop that process first, or use the running server (setup page or API) instead.`
		);
	}
}

function isAlive(pid: number): boolean {
	try {
		process.kill(pid, 0);
		return true;
	} catch (err) {
		return (err as NodeJS.ErrnoException).code === 'EPERM';
	}
}

export function acquireDataDirLock(dataDir: string): DataDirLock {
	const path = join(dataDir, 'teixit.lock');
	for (let attempt = 0; attempt < 2; attempt++) {
		try {
			const fd = openSync(path, 'wx');
			writeSync(fd, String(process.pid));
			closeSync(fd);
			let released = false;
			const release = () => {
				if (released) return;
				released = true;
				try {
					if (readFileSync(path, 'utf8') === String(process.pid)) unlinkSync(path);
				} catch {
					/* already gone */
				}
			};
			process.once('exit', release);
			return { release };
		} catch (err) {
			if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
			const pid = Number.parseInt(readFileSync(path, 'utf8'), 10);
			if (Number.isFinite(pid) && pid !== process.pid && isAlive(pid)) throw new DataDirLockedError(dataDir, pid);
			// Stale lock from a process that died (kill -9): take it over.
			unlinkSync(path);
		}
	}
	throw new Error(`Could not lock ${dataDir}`);
}
