// Semaphore: Python's threading.BoundedSemaphore for worker threads. Calls that never block
// (constructor, tryAcquire, release, available, attach) run on the test's thread; every
// acquire() runs in a worker (tests/fixtures/semaphore-tasks.ts): a wait that never ends must fail
// a test, not hang jest.
// First: it wraps this realm's Atomics.notify before the student's module is loaded, so that the
// notify calls of a release() on the test's thread can be counted (countingNotifies).
import { countingNotifies } from '../helpers/locks-wait-probe';
import * as path from 'node:path';
import { Semaphore } from '@kata/03-semaphores/semaphore';
import { check, checkBadArgument, refusal, show, thrown } from '../helpers/assert';
import { checkSleeps } from '../helpers/cpu';
import { onCleanup } from '../helpers/handles';
import { runInWorker } from '../helpers/workers';
import { describeWaits, listOf, readThreads } from '../helpers/wait-for';
import { BOARD_BYTES, PERMIT_NAMES, SLOT } from '../fixtures/semaphore-tasks';

const TASKS = path.join(__dirname, '..', 'fixtures', 'semaphore-tasks.ts');

// Worker start-up takes ~0.2 s, and seconds on a busy machine: waits that include it are long,
// and every later wait is timed from a flag the workers raise once started.
const STARTUP_MS = 6000;
// The contention test races until the permit changed hands this often (well under a second on an idle
// 2-core machine), or for this long at most (a busy machine seldom runs two workers at once).
const HANDOFFS = 20_000;
/** Handoffs after HANDOFFS with every race window widened (tests/fixtures/delay-atomics.ts). */
const WIDENED = 1000;
const HAMMER_MS = 2000;
// How long a woken waiter may take to return from acquire() (a busy machine is slow to schedule it).
const WAKE_MS = 2000;
// A blocked acquire() that sleeps calls Atomics.wait once (twice if a release() came just before
// it slept); a poller calls it every few ms, dozens of times over the CPU check's window.
const MAX_NAPS = 3;
// jest's limit for a test with workers: above the sum of its own waits, which name what hung.
const WORKER_TEST_MS = 20_000;

function newBoard(): Int32Array {
  return new Int32Array(new SharedArrayBuffer(BOARD_BYTES));
}

/**
 * Who holds a permit and who waits for one, from the board the workers write (never from the
 * student's Semaphore): `names[id]` is worker `id`; `testHolds` the permits the test itself holds.
 */
function picture(board: Int32Array, names: string[], sem: Semaphore, testHolds = 0): string {
  const threads = readThreads(board, SLOT.threads, names, PERMIT_NAMES);
  if (testHolds > 0)
    threads.push({ name: 'the test', holds: [testHolds === 1 ? 'a permit' : `${testHolds} permits`] });
  const text = `${describeWaits(threads, 'get a permit')} \`available\` is ${availableNow(sem)}.`;
  const waiting = threads.filter((t) => t.waitsFor).map((t) => t.name);
  let free = 0;
  try {
    free = sem.available;
  } catch {
    /* availableNow() said what it threw */
  }
  return free > 0 && waiting.length > 0
    ? `${text} A permit is free, yet ${listOf(waiting)} still ${waiting.length > 1 ? 'wait' : 'waits'}: a lost wake-up.`
    : text;
}

/**
 * Starts a fixture task in a worker; its result is awaited later. After the test, a worker still
 * running (blocked for ever, say) is terminated. The test's own waits end a failing test first;
 * `state` adds who holds and who waits to the worker's own timeout.
 */
function startTask<T>(exportName: string, args: unknown[], what: string, state?: () => string): Promise<T> {
  const abort = new AbortController();
  const done = runInWorker<T>(TASKS, exportName, args, {
    what,
    timeoutMs: 15_000,
    signal: abort.signal,
    state,
  });
  done.catch(() => undefined); // awaited later; a rejection here must not go unhandled
  onCleanup(async () => {
    abort.abort();
    await done.catch(() => undefined);
  });
  return done;
}

/**
 * Waits until `condition()` holds, at most `ms`; fails with "Timed out after N ms waiting for
 * <what>." and `hint()`. Fails at once with a worker's error if one of `workers` rejects (the
 * stub's "Not implemented", say).
 */
async function until(
  condition: () => boolean,
  ms: number,
  what: string,
  hint: () => string,
  workers: Promise<unknown>[] = [],
): Promise<void> {
  let stop = false;
  const poll = (async () => {
    const deadline = Date.now() + ms;
    while (!stop && !condition()) {
      if (Date.now() >= deadline) throw new Error(`Timed out after ${ms} ms waiting for ${what}. ${hint()}`);
      await new Promise((resolve) => setTimeout(resolve, 2));
    }
  })();
  const failed = workers.map((w) => w.then(() => new Promise<never>(() => undefined)));
  try {
    await Promise.race([poll, ...failed]);
  } finally {
    stop = true;
    await poll.catch(() => undefined);
  }
}

/** Waits until `count` workers raised `started` (attached): the start-up wait. */
function started(board: Int32Array, count: number, workers: Promise<unknown>[]): Promise<void> {
  return until(
    () => Atomics.load(board, SLOT.started) >= count,
    STARTUP_MS,
    `${count === 1 ? 'the worker' : `all ${count} workers`} to start and attach`,
    () => 'Does `Semaphore.attach(buffer, byteOffset)` work in a worker?',
    workers,
  );
}

/** `sem.available`, or what it threw, for a timeout message. */
function availableNow(sem: Semaphore): string {
  try {
    return show(sem.available);
  } catch (error) {
    return `(available threw ${(error as Error).message})`;
  }
}

/** Takes `n` permits on the test's thread (tryAcquire never blocks). */
function drain(sem: Semaphore, n: number): void {
  for (let i = 0; i < n; i++) {
    const got = sem.tryAcquire();
    check(
      got === true,
      `Expected \`tryAcquire()\` #${i + 1} on a semaphore with ${n} free permits to return true, got ${show(got)}.`,
    );
  }
}

describe('Semaphore', () => {
  it('§1 §4 starts with all its permits available, in shared memory', () => {
    const sem = new Semaphore(3);
    check(
      sem.available === 3,
      `Expected \`new Semaphore(3).available\` to be 3, got ${show(sem.available)}.`,
    );
    check(
      sem.buffer instanceof SharedArrayBuffer,
      `Expected \`buffer\` to be a SharedArrayBuffer, got ${show(sem.buffer)}.`,
    );
    check(
      Number.isInteger(sem.byteOffset) && sem.byteOffset >= 0,
      `Expected \`byteOffset\` to be an integer ≥ 0, got ${show(sem.byteOffset)}.`,
    );
  });

  it('§1 rejects `permits` that are not an integer ≥ 0 with RangeError', () => {
    const ok = new Semaphore(1);
    check(ok.available === 1, `Expected \`new Semaphore(1).available\` to be 1, got ${show(ok.available)}.`);
    for (const permits of [-1, 1.5, NaN, Infinity]) {
      const error = thrown(
        () => new Semaphore(permits),
        `Expected \`new Semaphore(${permits})\` to throw a RangeError, but it returned a semaphore.`,
      );
      check(
        error instanceof RangeError,
        `Expected \`new Semaphore(${permits})\` to throw a RangeError, got ${error.name}: ${error.message}. ` +
          'Check `Number.isInteger(permits) && permits >= 0` (NaN fails both `permits < 0` and `permits >= 0`).',
      );
      checkBadArgument(error, `\`new Semaphore(${permits})\``, 'permits', 'RangeError');
      check(
        error.message.trim().length > 0,
        `Expected the RangeError of \`new Semaphore(${permits})\` to say what is wrong, got an empty message.`,
      );
    }
  });

  it('§2 §3 §4 attach() refuses what is not a Semaphore’s buffer and byteOffset: TypeError, RangeError', async () => {
    const sem = new Semaphore(1);
    const again = Semaphore.attach(sem.buffer, sem.byteOffset);
    check(
      again.available === 1,
      `Expected \`attach(buffer, byteOffset)\` to see 1 permit, got ${show(again.available)}.`,
    );
    const notShared = await refusal(() =>
      Semaphore.attach(new ArrayBuffer(64) as unknown as SharedArrayBuffer),
    );
    checkBadArgument(notShared, '`Semaphore.attach(new ArrayBuffer(64))`', 'buffer', 'TypeError');
    check(
      String((notShared as Error).message).trim().length > 0,
      'Expected the TypeError of `Semaphore.attach(new ArrayBuffer(64))` to say what is wrong, got an empty message.',
    );
    const end = sem.byteOffset + sem.buffer.byteLength;
    for (const byteOffset of [-4, 2, 1.5, end]) {
      checkBadArgument(
        await refusal(() => Semaphore.attach(sem.buffer, byteOffset)),
        `\`Semaphore.attach(buffer, ${byteOffset})\` (a ${sem.buffer.byteLength}-byte buffer)`,
        'byteOffset',
        'RangeError',
      );
    }
    // No Int32 can start at offset 2, whatever the layout: refused here too, not by `Int32Array`.
    checkBadArgument(
      await refusal(() => Semaphore.attach(new SharedArrayBuffer(64), 2)),
      '`Semaphore.attach(new SharedArrayBuffer(64), 2)` (not a multiple of 4)',
      'byteOffset',
      'RangeError',
    );
    // A 2-byte buffer holds no Int32 at all: no room for any layout at offset 0.
    checkBadArgument(
      await refusal(() => Semaphore.attach(new SharedArrayBuffer(2))),
      '`Semaphore.attach(new SharedArrayBuffer(2))` (too small for any semaphore)',
      'byteOffset',
      'RangeError',
    );
  });

  it('§1 counts up to 2147483647 permits (an Int32), and never wraps a larger count', () => {
    const most = new Semaphore(0x7fffffff);
    check(
      most.available === 0x7fffffff,
      `Expected \`new Semaphore(2147483647).available\` to be 2147483647 (the largest Int32), got ${show(most.available)}.`,
    );
    let big: Semaphore | undefined;
    let error: unknown;
    try {
      big = new Semaphore(2 ** 31);
    } catch (e) {
      error = e;
    }
    check(
      big === undefined ? (error as Error)?.name === 'RangeError' : big.available === 2 ** 31,
      () =>
        `Expected \`new Semaphore(2147483648)\` to throw a RangeError (an Int32 cannot count it) or to count exactly ` +
        `2147483648, got ${big === undefined ? show(error) : `\`available\` ${show(big.available)}`}. ` +
        'An Int32 wraps 2 ** 31 to a negative count: refuse `permits > 0x7fffffff`.',
    );
  });

  it('§6 acquire(NaN) is refused with a RangeError, and takes nothing', async () => {
    const sem = new Semaphore(1);
    const nan = await refusal(() => sem.acquire(NaN));
    checkBadArgument(nan, '`acquire(NaN)`', 'timeoutMs', 'RangeError');
    check(
      String((nan as Error).message).trim().length > 0,
      'Expected the RangeError of `acquire(NaN)` to say what is wrong, got an empty message.',
    );
    check(
      sem.available === 1,
      `Expected the refused \`acquire(NaN)\` to take no permit: \`available\` is ${show(sem.available)}.`,
    );
  });

  it('§4 §5 tryAcquire() takes permits while some are left, then returns false without waiting', () => {
    const sem = new Semaphore(2);
    drain(sem, 2);
    check(
      sem.available === 0,
      `Expected \`available\` to be 0 after taking both permits, got ${show(sem.available)}.`,
    );
    const third = sem.tryAcquire();
    check(
      third === false,
      `Expected a third \`tryAcquire()\` on a 2-permit semaphore to return false, got ${show(third)}.`,
    );
    check(
      sem.available === 0,
      `Expected \`available\` to stay 0 after a failed \`tryAcquire()\`, got ${show(sem.available)}.`,
    );
  });

  it('§4 §5 §9 release() gives a permit back for the next tryAcquire()', () => {
    const sem = new Semaphore(1);
    drain(sem, 1);
    sem.release();
    check(
      sem.available === 1,
      `Expected \`available\` to be 1 after \`release()\`, got ${show(sem.available)}.`,
    );
    const again = sem.tryAcquire();
    check(
      again === true,
      `Expected \`tryAcquire()\` after \`release()\` to return true, got ${show(again)}.`,
    );
  });

  it('§4 §9 release() beyond the initial permits throws RangeError and changes nothing', () => {
    const sem = new Semaphore(2);
    drain(sem, 1);
    sem.release();
    const error = thrown(
      () => sem.release(),
      'Expected `release()` on a semaphore with all 2 permits free to throw a RangeError, but it returned: the semaphore is bounded.',
    );
    check(
      error instanceof RangeError,
      `Expected a RangeError from the extra \`release()\`, got ${error.name}: ${error.message}.`,
    );
    check(
      error.message.trim().length > 0,
      'Expected the RangeError of the extra `release()` to say what went wrong, got an empty message.',
    );
    check(
      sem.available === 2,
      `Expected \`available\` to stay 2 after the rejected \`release()\`, got ${show(sem.available)}.`,
    );
  });

  it('§2 §4 §9 an attached handle shares the bound: it cannot release beyond the initial permits either', () => {
    const sem = new Semaphore(2);
    drain(sem, 1);
    const other = Semaphore.attach(sem.buffer, sem.byteOffset);
    try {
      other.release();
    } catch (error) {
      throw new Error(
        `Expected \`release()\` through an attached handle to give back the permit taken (1 of 2), but it threw ${show(error)}. ` +
          'The bound is the number of permits the semaphore was made with, kept in shared memory.',
      );
    }
    check(
      sem.available === 2,
      `Expected \`available\` to be 2 after the attached handle's \`release()\`, got ${show(sem.available)}.`,
    );
    const error = thrown(
      () => other.release(),
      'Expected a second `release()` through `Semaphore.attach(buffer, byteOffset)` to throw a RangeError (all 2 permits ' +
        'are free), but it returned. The bound must live in shared memory, not in a field only the constructor sets.',
    );
    check(error instanceof RangeError, `Expected a RangeError, got ${error.name}: ${error.message}.`);
    check(sem.available === 2, `Expected \`available\` to stay 2, got ${show(sem.available)}.`);
  });

  it('§1 §5 §9 new Semaphore(0) is valid: nothing to take, and it can never be released', () => {
    const sem = new Semaphore(0);
    check(
      sem.available === 0,
      `Expected \`new Semaphore(0).available\` to be 0, got ${show(sem.available)}.`,
    );
    const got = sem.tryAcquire();
    check(
      got === false,
      `Expected \`tryAcquire()\` on \`new Semaphore(0)\` to return false, got ${show(got)}.`,
    );
    for (const [name, handle] of [
      ['its own handle', sem],
      ['an attached handle', Semaphore.attach(sem.buffer, sem.byteOffset)],
    ] as const) {
      const error = thrown(
        () => handle.release(),
        `Expected \`release()\` of \`new Semaphore(0)\` through ${name} to throw a RangeError, but it returned.`,
      );
      check(
        error instanceof RangeError,
        `Expected a RangeError through ${name}, got ${error.name}: ${error.message}.`,
      );
    }
  });

  describe('in a worker, without contention', () => {
    // One worker probes attach() and then acquire() with timeouts (a worker costs ~0.2 s to
    // start); each result is on the board as soon as known, so each test reads only its own.
    const board = newBoard();
    let shared: Semaphore;
    let failure: Error | undefined; // why the worker did not finish, if it did not
    const calls = [
      { permits: 0, timeoutMs: 0, label: '`acquire(0)` on `new Semaphore(0)`' },
      { permits: 0, timeoutMs: -1, label: '`acquire(-1)` on `new Semaphore(0)`' },
      { permits: 1, timeoutMs: 0, label: '`acquire(0)` on a semaphore with a free permit' },
      { permits: 0, timeoutMs: 150, label: '`acquire(150)` on a semaphore with no permit' },
    ];

    beforeAll(async () => {
      shared = new Semaphore(5);
      drain(shared, 2);
      const sems = calls.map((c) => new Semaphore(c.permits));
      const abort = new AbortController();
      const done = runInWorker<void>(
        TASKS,
        'probes',
        [
          { buffer: shared.buffer, byteOffset: shared.byteOffset },
          sems.map((sem, i) => ({
            buffer: sem.buffer,
            byteOffset: sem.byteOffset,
            timeoutMs: calls[i].timeoutMs,
          })),
          board.buffer,
        ],
        {
          what: 'The worker probing `attach()` and `acquire(timeoutMs)`',
          timeoutMs: 15_000,
          signal: abort.signal,
        },
      );
      done.catch(() => undefined);
      try {
        await started(board, 1, [done]);
        await until(
          () => Atomics.load(board, SLOT.finished) === 1,
          2000,
          'the worker to finish `acquire(0)`, `acquire(-1)` and `acquire(150)`',
          () => `It is still in ${calls[Atomics.load(board, SLOT.step)].label}.`,
          [done],
        );
        await done;
      } catch (error) {
        failure = error as Error;
        abort.abort();
        await done.catch(() => undefined);
      }
    }, WORKER_TEST_MS);

    /** What call `i` returned; fails with the reason when it never returned. */
    function result(i: number): { acquired: boolean; ms: number; available: number } {
      const at = SLOT.probe + 4 * i;
      if (Atomics.load(board, at) !== 1) {
        const hung = Atomics.load(board, SLOT.started) === 1 && Atomics.load(board, SLOT.step) === i;
        throw new Error(
          hung
            ? `${calls[i].label} never returned. ${failure?.message ?? ''} ` +
                (calls[i].timeoutMs > 0
                  ? 'Pass the time left to Atomics.wait as its timeout, and return false once it is used up.'
                  : 'A timeout of 0 or less must not wait (careful: `timeoutMs || Infinity` turns 0 into "for ever").')
            : `The worker never got to ${calls[i].label}: ${failure?.message ?? 'it stopped earlier'}`,
        );
      }
      return {
        acquired: Atomics.load(board, at + 1) === 1,
        ms: Atomics.load(board, at + 2) / 1000,
        available: Atomics.load(board, at + 3),
      };
    }

    it('§2 §4 §5 attach() in a worker sees the same count, and each side sees the other’s changes', () => {
      if (Atomics.load(board, SLOT.started) === 0) throw failure ?? new Error('The worker never attached.');
      const seen = Atomics.load(board, SLOT.attachSeen);
      check(
        seen === 3,
        `Expected \`Semaphore.attach(buffer, byteOffset).available\` in a worker to be 3 (5 permits, 2 taken), got ${seen}. ` +
          'Keep the count in the SharedArrayBuffer, and read it with Atomics.load.',
      );
      const took = Atomics.load(board, SLOT.attachTook) === 1;
      const after = Atomics.load(board, SLOT.attachAfter);
      check(
        took && after === 2,
        `Expected the worker's \`tryAcquire()\` to succeed and leave 2, got ${took} and ${after} left.`,
      );
      const mine = shared.available;
      check(
        mine === 2,
        `Expected the creator to see the worker's \`tryAcquire()\`: \`available\` 2, got ${show(mine)}.`,
      );
    });

    it('§6 acquire(0) and acquire(-1) do not wait: false when no permit is free, true when one is', () => {
      const [zero, negative, free] = [0, 1, 2].map(result);
      check(
        zero.acquired === false,
        `Expected ${calls[0].label} to return false, got ${show(zero.acquired)}.`,
      );
      check(
        negative.acquired === false,
        `Expected ${calls[1].label} to return false, got ${show(negative.acquired)}.`,
      );
      check(
        free.acquired === true && free.available === 0,
        `Expected ${calls[2].label} to take it (true, 0 left), got ${show(free.acquired)} with ${show(free.available)} left. ` +
          '0 means "do not wait", not "do not take".',
      );
      [zero, negative, free].forEach((r, i) =>
        check(r.ms < 200, `Expected ${calls[i].label} to return at once, but it took ${r.ms.toFixed(0)} ms.`),
      );
    });

    it('§6 acquire(timeoutMs) returns false after about timeoutMs when no permit comes', () => {
      const r = result(3);
      check(r.acquired === false, `Expected ${calls[3].label} to return false, got ${show(r.acquired)}.`);
      check(
        r.ms >= 135,
        `Expected \`acquire(150)\` to wait about 150 ms before giving up, but it returned after ${r.ms.toFixed(0)} ms.`,
      );
      check(
        r.ms < 1000,
        `Expected \`acquire(150)\` to give up after about 150 ms, but it took ${r.ms.toFixed(0)} ms.`,
      );
      check(
        r.available === 0,
        `Expected a timed-out \`acquire()\` to take nothing (\`available\` 0), got ${show(r.available)}.`,
      );
    });
  });

  it(
    '§4 §5 §7 with 2 permits, 2 workers are inside at once',
    async () => {
      const sem = new Semaphore(2);
      const board = newBoard();
      const names = ['worker 1', 'worker 2'];
      const who = () => picture(board, names, sem);
      const workers = [0, 1].map((id) =>
        startTask<{ acquired: boolean; told: boolean }>(
          'meetInside',
          [sem.buffer, sem.byteOffset, board.buffer, id],
          `Worker ${id + 1} of 2 (acquire(), stay inside until told, release())`,
          who,
        ),
      );
      await started(board, 2, workers);
      await until(
        () => Atomics.load(board, SLOT.inside) === 2,
        3000,
        'both workers to be inside at once (2 permits)',
        () =>
          `Only ${Atomics.load(board, SLOT.inside)} got in. ${who()} ` +
          'Does `acquire()` let a thread in whenever a permit is left (count > 0), not only when nobody else is in?',
        workers,
      );
      const held = sem.available;
      check(held === 0, `Expected \`available\` to be 0 with both permits held, got ${show(held)}.`);
      const extra = sem.tryAcquire();
      check(
        extra === false,
        `Expected \`tryAcquire()\` to return false while both permits are held, got ${show(extra)}.`,
      );
      Atomics.store(board, SLOT.go, 1);
      Atomics.notify(board, SLOT.go);
      await until(
        () => Atomics.load(board, SLOT.finished) === 2,
        2000,
        'both workers to leave and `release()`',
        () => `${Atomics.load(board, SLOT.finished)} of 2 are done. ${who()}`,
        workers,
      );
      const results = await Promise.all(workers);
      check(
        results.every((r) => r.acquired),
        `Expected \`acquire()\` to return true in both workers, got ${show(results)}.`,
      );
      const after = sem.available;
      check(after === 2, `Expected both permits back after the workers released, got ${show(after)}.`);
    },
    WORKER_TEST_MS,
  );

  it(
    '§4 §7 never lets k + 1 in under contention (2 permits: the test holds one, 3 workers race for the other, then again with every race window widened)',
    async () => {
      const sem = new Semaphore(2);
      // The test holds one permit, so the workers race for the last one: where "check, then
      // decrement" lets two in, making 3 holders of 2 permits.
      drain(sem, 1);
      const board = newBoard();
      const workers = 3;
      const names = Array.from({ length: workers }, (_, i) => `worker ${i + 1}`);
      const who = () => picture(board, names, sem, 1);
      const runs = Array.from({ length: workers }, (_, i) =>
        startTask<number>(
          'hammer',
          [sem.buffer, sem.byteOffset, board.buffer, i + 1, workers, HAMMER_MS, HANDOFFS, 1, WIDENED],
          `Worker ${i + 1} of ${workers} (take the free permit, count in and out, release(), again)`,
          who,
        ),
      );
      const overlapping = (then = '') => {
        const max = Atomics.load(board, SLOT.maxInside);
        return (
          `Expected at most 1 worker inside at once (2 permits, 1 held by the test), but ${max} were inside together: ` +
          `${max + 1} holders of 2 permits; ${Atomics.load(board, SLOT.overlaps)} of ${Atomics.load(board, SLOT.entries)} ` +
          `entries found the free permit already taken.${then} Taking a permit must be ONE atomic step ` +
          '(Atomics.compareExchange in a loop), not a load followed by a decrement.'
        );
      };
      try {
        await started(board, workers, runs);
        await until(
          () => Atomics.load(board, SLOT.finished) === workers,
          HAMMER_MS + 2000,
          'the workers to finish racing for the permit',
          () =>
            `The permit changed hands ${Atomics.load(board, SLOT.handoffs)} times; ${Atomics.load(board, SLOT.inside)} ` +
            `worker(s) inside now. ${who()} A worker stuck in \`acquire()\` while the permit ` +
            'is free: does `release()` wake a waiter with Atomics.notify?',
          runs,
        );
        await Promise.all(runs);
      } catch (error) {
        // Too many holders make a bounded release() throw: report the overlap, its cause.
        if (Atomics.load(board, SLOT.maxInside) <= 1) throw error;
        throw new Error(overlapping(` Then: ${(error as Error).message}`));
      }
      check(Atomics.load(board, SLOT.maxInside) <= 1, overlapping);
      sem.release();
      const after = sem.available;
      check(after === 2, `Expected both permits back at the end, got ${show(after)}.`);
    },
    WORKER_TEST_MS,
  );

  it(
    '§6 §8 a worker blocked in acquire() sleeps (almost no CPU, no polling)',
    async () => {
      const sem = new Semaphore(1);
      drain(sem, 1);
      const board = newBoard();
      const waiting = startTask(
        'waitInAcquire',
        [sem.buffer, sem.byteOffset, board.buffer, 0, null],
        'Worker 1 in `acquire()`',
        () => picture(board, ['worker 1'], sem, 1),
      );
      await started(board, 1, [waiting]);
      // A worker can block only in Atomics.wait: one that never calls it is spinning, whatever
      // CPU share a loaded machine leaves it to show.
      await until(
        () => Atomics.load(board, SLOT.waitEntries) >= 1,
        2000,
        'worker 1, blocked in `acquire()` on a semaphore with no permit left, to sleep in Atomics.wait',
        () =>
          `It never called Atomics.wait: it is spinning (looking again and again). ${picture(board, ['worker 1'], sem, 1)} ` +
          'Sleep with `Atomics.wait(view, index, 0)` while the count is 0.',
        [waiting],
      );
      await checkSleeps('worker 1, blocked in `acquire()` on a semaphore with no permit left,', {
        tid: Atomics.load(board, SLOT.tid) || undefined,
        hint: 'Is `acquire()` spinning in a loop? Sleep with `Atomics.wait(view, index, 0)` while the count is 0.',
      });
      const result = Atomics.load(board, SLOT.result);
      check(
        result === 0,
        `Expected \`acquire()\` to keep waiting while no permit is free, but it returned ${result === 1 ? 'true' : 'false'}.`,
      );
      // Polling (waking every few ms to look again) uses little CPU, so count the naps instead.
      const naps = Atomics.load(board, SLOT.waitEntries);
      check(
        naps <= MAX_NAPS,
        `Expected worker 1, blocked in \`acquire()\`, to sleep in Atomics.wait until woken (once, or twice), but it ` +
          `called Atomics.wait ${naps} times while no permit came. It is polling: waking up on a timeout to look ` +
          'again. Wait without a timeout (or with the time left), and let `release()` wake it with Atomics.notify.',
      );
    },
    WORKER_TEST_MS,
  );

  it(
    '§8 release() wakes a blocked acquire() promptly, with or without a timeout',
    async () => {
      const sem = new Semaphore(2);
      drain(sem, 2);
      const board = newBoard();
      const calls = ['acquire()', 'acquire(10000)'];
      const names = calls.map((call, id) => `worker ${id + 1} (\`${call}\`)`);
      let testHolds = 2;
      const who = () => picture(board, names, sem, testHolds);
      const waiters = [null, 10_000].map((timeoutMs, id) =>
        startTask<{ acquired: boolean; ms: number }>(
          'waitInAcquire',
          [sem.buffer, sem.byteOffset, board.buffer, id, timeoutMs],
          `Worker ${id + 1} in \`${calls[id]}\``,
          who,
        ),
      );
      await started(board, 2, waiters);
      await until(
        () => Atomics.load(board, SLOT.waitEntries) > 0 && Atomics.load(board, SLOT.waitEntries + 1) > 0,
        WAKE_MS,
        'both workers to sleep in Atomics.wait inside `acquire()`',
        () => `${who()} A blocked \`acquire()\` must sleep in Atomics.wait while no permit is free.`,
        waiters,
      );
      const woke = (id: number) => Atomics.load(board, SLOT.result + id) !== 0;
      check(
        !woke(0) && !woke(1),
        'Expected both workers to wait in `acquire()` while no permit is free, but one returned.',
      );
      // A release() that calls no Atomics.notify while a waiter is inside Atomics.wait (no
      // timeout, or 10 s) has lost that wake-up already: no need to wait WAKE_MS to see it.
      const sleeping = (ids: number[]) => ids.some((id) => Atomics.load(board, SLOT.waitInside + id) > 0);
      const releaseWaking = (ids: number[]) => {
        const asleep = sleeping(ids);
        const notifies = countingNotifies(() => sem.release());
        return () => asleep && notifies === 0 && !ids.some(woke);
      };
      const lostWakeUp = (waiter: string) =>
        `Expected \`release()\` to wake ${waiter}, which was in Atomics.wait inside \`acquire()\`, but it returned ` +
        'without calling Atomics.notify: nothing else will wake it (a lost wake-up). After adding the permit, wake a ' +
        'sleeper: Atomics.notify(cells, index, 1).';
      let lost = releaseWaking([0, 1]);
      testHolds = 1;
      await until(
        () => woke(0) || woke(1) || lost(),
        WAKE_MS,
        'a waiter to return from `acquire()` after `release()`',
        () =>
          `${who()} Both are still waiting ${WAKE_MS} ms after \`release()\`: did \`release()\` call Atomics.notify?`,
        waiters,
      );
      check(!lost(), () => lostWakeUp('one of the two waiters'));
      const second = woke(0) ? 1 : 0;
      lost = releaseWaking([second]);
      testHolds = 0;
      await until(
        () => woke(second) || lost(),
        WAKE_MS,
        `worker ${second + 1} to return from \`${calls[second]}\` after the second \`release()\``,
        () =>
          `${who()} Worker ${second + 1} is still waiting in \`${calls[second]}\` ${WAKE_MS} ms after \`release()\`: did \`release()\` call Atomics.notify?`,
        waiters,
      );
      check(!lost(), () => lostWakeUp(`worker ${second + 1}`));
      const results = await Promise.all(waiters);
      [0, 1].forEach((id) => {
        const timedOut = Atomics.load(board, SLOT.waitTimedOut + id);
        check(
          timedOut === 0,
          `Expected worker ${id + 1}'s \`${calls[id]}\` to be woken by \`release()\`, but ${timedOut} of its ` +
            `${Atomics.load(board, SLOT.waitEntries + id)} calls to Atomics.wait ended "timed-out": it woke on a timer, ` +
            'not because `release()` called Atomics.notify. A lost wake-up hidden by polling.',
        );
      });
      results.forEach((r, id) =>
        check(
          r.acquired === true,
          `Expected worker ${id + 1}'s \`${calls[id]}\` to return true once a permit was released, got ${show(r.acquired)}.`,
        ),
      );
      const left = sem.available;
      check(
        left === 0,
        `Expected both released permits to be taken by the waiters, but \`available\` is ${show(left)}.`,
      );
    },
    WORKER_TEST_MS,
  );
});
