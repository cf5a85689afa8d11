// Dining philosophers: every philosopher runs in a worker thread (tests/fixtures/philosophers-tasks.ts)
// at an instrumented seat that writes who holds and who waits for which fork to a shared board.
// A deadlock therefore fails at once with its cycle named ("philosopher 0 holds fork 0 and waits
// for fork 1; …: a cycle, so nobody can eat"), and the seat's gate holds every philosopher right
// after its first fork, so that a design that can deadlock does so on every run, not by luck.
import * as path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { check, show } from '../helpers/assert';
import { runInWorker } from '../helpers/workers';
import { describeWaits, findCycle, ThreadState } from '../helpers/wait-for';
import { BOARD_BYTES, CELL, STATE, type Options } from '../fixtures/philosophers-tasks';

const TASKS = path.join(__dirname, '..', 'fixtures', 'philosophers-tasks.ts');
const SHARED_BYTES = 16 * 4;
/** A cycle of waits that stands still this long is a deadlock. */
const CYCLE_MS = 300;
/** Nobody moving for this long once all have sat down (and no cycle) is a hang too. */
const STALL_MS = 6000;
/**
 * Nobody having taken a single fork this long after all sat down is a hang: the first to reach
 * for its forks gets them at once, in any design.
 */
const FIRST_TAKE_MS = 2000;
/**
 * Everybody still at the table asleep in an untimed Atomics.wait of its own code or waiting for a
 * fork, and nobody moving or waking for this long: nobody is left to wake them (a lost wake-up).
 */
const ASLEEP_MS = 1000;

/** Who holds and who waits for which fork, read from the board (never from the student's code). */
function threads(board: Int32Array, n: number): ThreadState[] {
  return Array.from({ length: n }, (_, id) => {
    const holds = Array.from({ length: n }, (_, f) => f)
      .filter((f) => Atomics.load(board, CELL.owner + f) === id + 1)
      .map((f) => `fork ${f}`);
    const state = Atomics.load(board, CELL.state + id);
    const waitsFor = Atomics.load(board, CELL.waitsFor + id);
    const eaten = Atomics.load(board, CELL.eaten + id);
    const t: ThreadState = { name: `philosopher ${id}`, holds };
    if (state === STATE.waiting && waitsFor > 0) t.waitsFor = `fork ${waitsFor - 1}`;
    else if (state === STATE.held) t.doing = 'is held by the test after its first fork';
    else if (state === STATE.finished) t.doing = `has eaten all its meals`;
    else if (state === STATE.notStarted) t.doing = 'has not sat down yet';
    else if (Atomics.load(board, CELL.asleep + id) === 1)
      t.doing = `sleeps in an Atomics.wait of your code, with no time limit (ate ${eaten} ${eaten === 1 ? 'meal' : 'meals'} so far)`;
    else t.doing = `is in your code outside take() (ate ${eaten} ${eaten === 1 ? 'meal' : 'meals'} so far)`;
    return t;
  });
}

function picture(board: Int32Array, n: number, causes = true): string {
  const who = describeWaits(threads(board, n), 'eat');
  return causes
    ? `${who} Usual causes: every philosopher picks up the same side first (take the lower-numbered fork first, or let at most n - 1 reach for forks at once), or a wait on your shared cells that nobody notifies.`
    : who;
}

/** Every philosopher not finished sleeps in its own untimed wait or waits for a fork (some do). */
function allAsleep(board: Int32Array, n: number): boolean {
  let sleeping = 0;
  for (let id = 0; id < n; id++) {
    const state = Atomics.load(board, CELL.state + id);
    if (state === STATE.finished) continue;
    if (Atomics.load(board, CELL.asleep + id) === 1) sleeping++;
    else if (state !== STATE.waiting) return false;
  }
  return sleeping > 0;
}

/** No philosopher has taken a fork (no ticket drawn), and none has finished: nobody started eating. */
function noForkTaken(board: Int32Array, n: number): boolean {
  for (let f = 0; f < n; f++) if (Atomics.load(board, CELL.next + f) !== 0) return false;
  for (let id = 0; id < n; id++) if (Atomics.load(board, CELL.state + id) === STATE.finished) return false;
  return true;
}

/**
 * Runs n philosophers of `meals` meals, each in a worker, and resolves with the meals each ate.
 * Fails as soon as the board shows a cycle of waits that stands still (a deadlock), or nobody
 * moves for STALL_MS, with the picture of who holds and waits for what.
 */
async function dine(n: number, meals: number, options: Options): Promise<number[]> {
  const board = new Int32Array(new SharedArrayBuffer(BOARD_BYTES));
  const shared = new SharedArrayBuffer(SHARED_BYTES);
  const stop = new AbortController();
  let failure: unknown;
  const fail = (error: unknown) => {
    failure ??= error;
    stop.abort();
  };
  const runs = Array.from({ length: n }, (_, id) =>
    runInWorker<number>(TASKS, 'dineAt', [board.buffer, shared, n, id, meals, options], {
      what: `Philosopher ${id} (${meals} meals at a table of ${n})`,
      timeoutMs: 30_000,
      signal: stop.signal,
      state: () => picture(board, n),
    }).catch((error: unknown) => {
      fail(error);
      throw error;
    }),
  );
  const watch = (async () => {
    let seen = Atomics.load(board, CELL.events);
    let seenSleeps = Atomics.load(board, CELL.sleeps);
    let stillSince = Date.now();
    while (!stop.signal.aborted) {
      await sleep(25, undefined, { signal: stop.signal }).catch(() => undefined);
      const now = Atomics.load(board, CELL.events);
      const sleeps = Atomics.load(board, CELL.sleeps);
      // Until every worker has sat down (starting a worker can take seconds on a loaded machine),
      // only the workers' own time limit applies.
      if (now !== seen || sleeps !== seenSleeps || Atomics.load(board, CELL.started) < n) {
        seen = now;
        seenSleeps = sleeps;
        stillSince = Date.now();
        continue;
      }
      const still = Date.now() - stillSince;
      const cycle = findCycle(threads(board, n));
      const asleep = !cycle && allAsleep(board, n);
      const untouched = noForkTaken(board, n);
      if (
        (cycle && still >= CYCLE_MS) ||
        (asleep && still >= ASLEEP_MS) ||
        (untouched && still >= FIRST_TAKE_MS) ||
        still >= STALL_MS
      ) {
        const what = cycle
          ? 'they deadlocked'
          : asleep
            ? `every philosopher still at the table has slept for ${(still / 1000).toFixed(1)} s with nobody left to wake it (a lost wake-up: a wait on your shared cells that no \`Atomics.notify\` ends)`
            : untouched
              ? `nobody has taken a fork (nor returned) in the ${(still / 1000).toFixed(1)} s since all sat down: \`philosopher()\` is stuck before its first \`seat.take()\` (a loop that never ends, such as \`while (true) {}\`, or a wait that nothing wakes)`
              : `nobody has moved for ${(still / 1000).toFixed(1)} s`;
        fail(
          new Error(
            `§2: Expected ${n} philosophers to eat ${meals} meals each, but ${what}. ${picture(board, n, !untouched)}`,
          ),
        );
      }
    }
  })();
  const results = await Promise.allSettled(runs);
  stop.abort();
  await watch;
  if (failure !== undefined) throw failure;
  return results.map((r) => (r as PromiseFulfilledResult<number>).value);
}

const held = { gate: true, eatMs: 0 };
const free = { gate: false, eatMs: 0 };

describe('philosopher', () => {
  it('§1 each meal: both its own forks taken, eat() once while holding both, both put down (3 philosophers, 5 meals)', async () => {
    const eaten = await dine(3, 5, free);
    check(
      JSON.stringify(eaten) === '[5,5,5]',
      `Expected each of 3 philosophers to eat 5 meals, got ${show(eaten)}.`,
    );
  }, 40_000);

  it('§1 with meals = 0, a philosopher takes no fork and eats nothing', async () => {
    const eaten = await dine(2, 0, free);
    check(
      JSON.stringify(eaten) === '[0,0]',
      `Expected \`philosopher(seat, 0)\` to eat nothing, got ${show(eaten)}.`,
    );
  }, 40_000);

  it('§1 §2 never deadlocks when all 5 philosophers hold their first fork at once', async () => {
    const eaten = await dine(5, 3, held);
    check(
      eaten.every((m) => m === 3),
      `Expected each of 5 philosophers to eat 3 meals, got ${show(eaten)}.`,
    );
  }, 40_000);

  it('§1 §2 never deadlocks at a table of 2 or of 3 either, each held after its first fork', async () => {
    for (const n of [2, 3]) {
      const eaten = await dine(n, 3, held);
      check(
        eaten.every((m) => m === 3),
        `Expected each of ${n} philosophers to eat 3 meals, got ${show(eaten)}.`,
      );
    }
  }, 60_000);

  it('§1 §2 §3 5 philosophers eat 200 meals each, in whatever order the threads run', async () => {
    const eaten = await dine(5, 200, free);
    check(
      eaten.every((m) => m === 200),
      `Expected each of 5 philosophers to eat 200 meals, got ${show(eaten)}.`,
    );
  }, 40_000);

  it('§1 §3 no philosopher starves: a neighbour holding a fork someone waits for eats at most once more (5 philosophers, 20 meals of 1 ms)', async () => {
    const eaten = await dine(5, 20, { gate: false, eatMs: 1 });
    check(
      eaten.every((m) => m === 20),
      `Expected each of 5 philosophers to eat 20 meals, got ${show(eaten)}.`,
    );
  }, 40_000);
});

describe('dine', () => {
  it('§4 dine(5, 30) runs the 5 philosophers in worker threads at one Table and resolves with [30, 30, 30, 30, 30]', async () => {
    const got = await runInWorker<{
      ok: boolean;
      value?: unknown;
      name?: string;
      message?: string;
      workers: number;
    }>(TASKS, 'dineOnce', [5, 30], { what: '`dine(5, 30)`', timeoutMs: 30_000 });
    check(
      got.ok,
      () => `Expected \`dine(5, 30)\` to resolve, but it rejected with ${got.name}: ${got.message}`,
    );
    check(
      JSON.stringify(got.value) === '[30,30,30,30,30]',
      `Expected \`dine(5, 30)\` to resolve with \`table.eaten()\`, [30, 30, 30, 30, 30], got ${show(got.value)}.`,
    );
    check(
      got.workers === 5,
      `Expected \`dine(5, 30)\` to start 5 worker threads (one per philosopher), but it started ${got.workers}.`,
    );
  }, 40_000);

  it('§4 dine() takes n from 2 to 8 and meals from 0: dine(2, 1), dine(8, 1), dine(3, 0)', async () => {
    const got = await runInWorker<unknown[]>(TASKS, 'boundsDine', [], {
      what: '`dine(2, 1)`, `dine(8, 1)` and `dine(3, 0)`',
      timeoutMs: 40_000,
    });
    check(
      JSON.stringify(got) === JSON.stringify([[1, 1], Array(8).fill(1), [0, 0, 0]]),
      `Expected \`dine(2, 1)\`, \`dine(8, 1)\` and \`dine(3, 0)\` to resolve with [1, 1], eight 1s and [0, 0, 0], got ${show(got)}. n may be 2 to 8, and meals 0.`,
    );
  }, 50_000);

  it('§4 dine() rejects with RangeError for n not an integer from 2 to 8, or meals not an integer from 0 on', async () => {
    const got = await runInWorker<string[]>(TASKS, 'badDine', [], {
      what: '`dine()` with bad arguments',
      timeoutMs: 15_000,
    });
    check(
      got.every((r) => r === 'RangeError'),
      `Expected \`dine(n, meals)\` for (1, 1), (9, 1), (2.5, 1), (NaN, 1), (2, -1), (2, 1.5), (2, NaN) to return a promise rejected with RangeError each, got ${show(got)}.`,
    );
  }, 30_000);
});
