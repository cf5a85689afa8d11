// tests/helpers/wait-for.ts: the deadlock picture on a deliberately deadlocked run of real
// workers (tests/fixtures/wait-for-tasks.ts), and the cycle finder on hand-made states.
import * as path from 'node:path';
import { check, waitUntil } from '../helpers/assert';
import { runInWorker } from '../helpers/workers';
import { describeWaits, findCycle, readThreads, ThreadState } from '../helpers/wait-for';
import { STATE } from '../fixtures/wait-for-tasks';
import { BOARD_BYTES, CROSS_LOCK_NAMES, SLOT } from '../fixtures/mutex-tasks';

const TASKS = path.join(__dirname, '..', 'fixtures', 'wait-for-tasks.ts');
const MUTEX_TASKS = path.join(__dirname, '..', 'fixtures', 'mutex-tasks.ts');

describe('wait-for pictures', () => {
  it('names the cycle of a deadlocked dinner of 5 real worker threads', async () => {
    const n = 5;
    const boardBuffer = new SharedArrayBuffer(4 * n * 4);
    const board = new Int32Array(boardBuffer);
    const stop = new AbortController();
    const runs = Array.from({ length: n }, (_, id) =>
      runInWorker(TASKS, 'philosopher', [boardBuffer, n, id], {
        timeoutMs: 10_000,
        signal: stop.signal,
      }).catch((e: Error) => e),
    );
    try {
      await waitUntil(
        () =>
          Array.from({ length: n }, (_, id) => Atomics.load(board, n + id)).every(
            (s) => s === STATE.waiting,
          ) && Array.from({ length: n }, (_, id) => Atomics.load(board, 2 * n + id)).every((h) => h === 1),
        5000,
        'all 5 philosophers to hold their left fork and wait for the right one',
      );
      const threads: ThreadState[] = Array.from({ length: n }, (_, id) => ({
        name: `philosopher ${id}`,
        holds: Atomics.load(board, 2 * n + id) ? [`fork ${id}`] : [],
        waitsFor:
          Atomics.load(board, n + id) === STATE.waiting
            ? `fork ${Atomics.load(board, 3 * n + id)}`
            : undefined,
      }));
      const text = describeWaits(threads, 'eat');
      const want =
        'philosopher 0 holds fork 0 and waits for fork 1; philosopher 1 holds fork 1 and waits for fork 2; ' +
        'philosopher 2 holds fork 2 and waits for fork 3; philosopher 3 holds fork 3 and waits for fork 4; ' +
        'philosopher 4 holds fork 4 and waits for fork 0: a cycle, so nobody can eat.';
      check(text.includes(want), `Expected the picture to name the cycle:\n${want}\ngot:\n${text}`);
    } finally {
      stop.abort();
      await Promise.all(runs);
    }
  });

  it('a timed-out worker names the cycle of two workers taking two Mutexes in opposite order', async () => {
    // The same path as a Mutex test's timeout: runInWorker's `state` reads the board the
    // fixture's threadRecorder writes. The fixture's gates hold both workers at the dangerous
    // point (each holds its first lock before either takes its second), so it deadlocks every time.
    // Worker 1 starts first and holds lock B before worker 0 starts: worker 0's time limit then
    // covers only its own start to its first lock (0.2-1.2 s at load 6-7 on 2 cores), not both
    // starts (8 s of room when they started together).
    const locks = new SharedArrayBuffer(8);
    const boardBuffer = new SharedArrayBuffer(BOARD_BYTES);
    const board = new Int32Array(boardBuffer);
    const names = ['worker 0', 'worker 1'];
    const stop = new AbortController();
    const picture = () => describeWaits(readThreads(board, SLOT.threads, names, CROSS_LOCK_NAMES));
    const TIMEOUT_MS = 4000;
    const start = (id: number, timeoutMs: number) =>
      runInWorker(MUTEX_TASKS, 'crossLocks', [locks, boardBuffer, id], {
        what: `${names[id]} (lock ${'AB'[id]}, then lock ${'BA'[id]})`,
        timeoutMs,
        signal: stop.signal,
        state: picture,
      }).then(
        () => new Error(`${names[id]} took both locks: the gates did not hold it`),
        (e: Error) => e,
      );
    const runs = [start(1, 30_000)];
    try {
      await waitUntil(() => Atomics.load(board, SLOT.gate + 1) === 1, 20_000, 'worker 1 to hold lock B');
      runs.push(start(0, TIMEOUT_MS));
      const error = await runs[1];
      const want =
        'Who waits for whom: worker 0 holds lock A and waits for lock B; ' +
        'worker 1 holds lock B and waits for lock A: a cycle, so nobody can go on.';
      check(
        error.name === 'WorkerTimeout' || error.message.includes(`did not finish within ${TIMEOUT_MS} ms`),
        `Expected worker 0 to time out (deadlocked), got ${error.name}: ${error.message}`,
      );
      check(
        error.message.includes(want),
        `Expected the timeout's message to name the cycle:\n${want}\ngot:\n${error.message}`,
      );
    } finally {
      stop.abort();
      await Promise.all(runs);
    }
  });

  it('starts a cycle at its lowest thread, lists the others after it, and says when all wait without one', () => {
    const threads: ThreadState[] = [
      { name: 'reader 0', doing: 'is reading' },
      { name: 'writer 1', holds: ['lock B'], waitsFor: 'lock A' },
      { name: 'writer 2', holds: ['lock A'], waitsFor: 'lock B' },
    ];
    check(
      findCycle(threads)
        ?.map((t) => t.name)
        .join(',') === 'writer 1,writer 2',
      'Expected the cycle writer 1 → writer 2.',
    );
    const text = describeWaits(threads);
    check(
      text ===
        'Who waits for whom: writer 1 holds lock B and waits for lock A; writer 2 holds lock A and waits for lock B: a cycle, so nobody can go on. reader 0 is reading.',
      `got ${text}`,
    );
    const all = describeWaits(
      [
        { name: 'worker 0', waitsFor: 'the barrier' },
        { name: 'worker 1', waitsFor: 'the barrier' },
      ],
      'pass',
    );
    check(
      /Every thread waits and none is left to wake the others, so nobody can pass\./.test(all),
      `got ${all}`,
    );
    check(findCycle([{ name: 'a', waitsFor: 'x' }]) === undefined, 'Expected no cycle when nobody holds x.');
  });
});
