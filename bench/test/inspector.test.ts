// The inspector client the memory scenarios rely on, against a real Node child process with a worker
// thread: a forced collection must reach the worker's heap too (Teixit's PGlite runs in one).
import { spawn, type ChildProcess } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ServerInspector } from '../src/servers/inspector.ts';
import { freePort } from '../src/servers/process.ts';
import { slope } from '../src/scenarios/idlehour.ts';

// workerGarbage() makes the worker allocate ~50 MB it drops at once, and answers its heap in use;
// workerHeap() answers the heap in use. Both in bytes, through the main thread.
const CHILD = `
const { Worker } = require('node:worker_threads');
const w = new Worker(\`
  const { parentPort } = require('node:worker_threads');
  parentPort.on('message', (op) => {
    if (op === 'garbage') {
      let keep = [];
      for (let i = 0; i < 50; i++) keep.push(new Array(128 * 1024).fill(i + 0.5));
      keep = null;
    }
    parentPort.postMessage(process.memoryUsage().heapUsed);
  });
  parentPort.postMessage('ready');
\`, { eval: true });
const ask = (op) => new Promise((r) => { w.once('message', r); w.postMessage(op); });
globalThis.workerGarbage = () => ask('garbage');
globalThis.workerHeap = () => ask('heap');
w.once('message', () => console.log('ready'));
setInterval(() => {}, 1000);
`;

let child: ChildProcess;
let insp: ServerInspector;

beforeAll(async () => {
	insp = new ServerInspector(await freePort());
	child = spawn(process.execPath, [insp.flag, '-e', CHILD], { stdio: ['ignore', 'pipe', 'pipe'] });
	await new Promise<void>((resolve, reject) => {
		child.stdout!.on('data', (d: Buffer) => d.toString().includes('ready') && resolve());
		child.once('exit', (code) => reject(new Error(`child exited ${code}`)));
	});
});

afterAll(() => {
	insp?.close();
	child?.kill('SIGKILL');
});

describe('ServerInspector', () => {
	it('reads the main thread heap', async () => {
		expect(await insp.heapUsedMB()).toBeGreaterThan(0);
	});

	it("collects the worker thread's garbage, not only the main thread's", async () => {
		const MB = 2 ** 20;
		const withGarbage = (await insp.evaluate<number>('workerGarbage()')) / MB;
		expect(await insp.collectGarbage()).toBe(1); // one worker reached
		const after = (await insp.evaluate<number>('workerHeap()')) / MB;
		expect(withGarbage - after).toBeGreaterThan(30);
	});
});

describe('slope', () => {
	it('is the least-squares slope', () => {
		expect(slope([[0, 1], [1, 3], [2, 5]])).toBeCloseTo(2);
		expect(slope([[0, 5], [1, 5], [2, 5]])).toBe(0);
		expect(slope([[0, 1]])).toBe(0);
	});
});
