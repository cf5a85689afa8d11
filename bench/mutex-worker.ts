// Worker for the `mutex-contended` benchmark, started by bench/run.ts (4 of them, reused for every
// round). For each job message it counts itself ready, sleeps until the main thread bumps the
// `go` cell, runs `iterations` locked increments of a shared counter with either the solution's
// Mutex or a minimal raw Atomics lock, and posts back the wall-clock time it finished
// (`performance.timeOrigin + performance.now()`, comparable across threads).
import { parentPort } from 'node:worker_threads';
import { Mutex } from '../solutions/02-locks/mutex';

export interface MutexJob {
  kind: 'ours' | 'floor';
  /** Int32 cells: [0] ready count, [1] go generation. */
  control: SharedArrayBuffer;
  generation: number;
  /** Int32 cells: [0] the lock, [1] the counter it protects. */
  cells: SharedArrayBuffer;
  iterations: number;
}

/** The floor: a test-and-set lock that sleeps in Atomics.wait and always notifies on unlock. */
function rawLock(cells: Int32Array): void {
  while (Atomics.compareExchange(cells, 0, 0, 1) !== 0) Atomics.wait(cells, 0, 1);
}

function rawUnlock(cells: Int32Array): void {
  Atomics.store(cells, 0, 0);
  Atomics.notify(cells, 0, 1);
}

function runOurs(job: MutexJob): void {
  const mutex = new Mutex(job.cells, 0);
  const counter = new Int32Array(job.cells);
  for (let i = 0; i < job.iterations; i++) {
    mutex.acquire();
    counter[1]++; // a plain read-modify-write: only the lock keeps it whole
    mutex.release();
  }
}

function runFloor(job: MutexJob): void {
  const cells = new Int32Array(job.cells);
  for (let i = 0; i < job.iterations; i++) {
    rawLock(cells);
    cells[1]++;
    rawUnlock(cells);
  }
}

parentPort!.on('message', (job: MutexJob) => {
  const control = new Int32Array(job.control);
  Atomics.add(control, 0, 1);
  Atomics.notify(control, 0);
  while (Atomics.load(control, 1) < job.generation) Atomics.wait(control, 1, job.generation - 1, 10_000);
  if (job.kind === 'ours') runOurs(job);
  else runFloor(job);
  parentPort!.postMessage(performance.timeOrigin + performance.now());
});
