// Mutex: Python's threading.Lock for worker threads. All student code runs in worker threads
// (tests/fixtures/mutex-tasks.ts): a lock that blocks for ever must fail a test, not hang jest.
import * as path from 'node:path';
import { check, checkBadArgument, noProgress, raceWith, show, waitUntil } from '../helpers/assert';
import { runInWorker } from '../helpers/workers';
import { onCleanup } from '../helpers/handles';
import { checkSleeps } from '../helpers/cpu';
import { describeWaits, listOf, readThreads, waitShowing } from '../helpers/wait-for';
import { BOARD_BYTES, LOCK_NAMES, SLOT } from '../fixtures/mutex-tasks';
import { returned, type Outcome } from '../fixtures/observe';

const TASKS = path.join(__dirname, '..', 'fixtures', 'mutex-tasks.ts');
// A blocked acquire() that sleeps calls Atomics.wait once (twice if the lock changed just before
// it slept); a poller calls it every few ms, dozens of times over the CPU check's window.
const MAX_NAPS = 3;

function setup(offset = 0) {
  const lock = new SharedArrayBuffer(offset + 4); // zeroed: an unlocked mutex
  const boardBuffer = new SharedArrayBuffer(BOARD_BYTES);
  // Aborted after each test: a worker still blocked (a failed test) is terminated at once.
  const stop = new AbortController();
  onCleanup(() => stop.abort());
  return { lock, offset, boardBuffer, board: new Int32Array(boardBuffer), stop };
}
type Setup = ReturnType<typeof setup>;

/**
 * Who holds the lock and who waits for it, from the board the workers write (never from the
 * student's Mutex). `names[k]` is thread k: the holder is thread 0, waiter `id` thread 1 + id, and
 * hammer worker `i` thread i.
 */
function picture(board: Int32Array, names: string[]): string {
  const threads = readThreads(board, SLOT.threads, names, LOCK_NAMES);
  const text = describeWaits(threads, 'get the lock');
  const waiting = threads.filter((t) => t.waitsFor).map((t) => t.name);
  const nobodyHolds = !threads.some((t) => t.holds?.length);
  return nobodyHolds && waiting.length > 0
    ? `${text} Nobody holds the lock, yet ${listOf(waiting)} still ${waiting.length > 1 ? 'wait' : 'waits'}: a lost wake-up.`
    : text;
}

/** waitUntil, whose timeout also says who holds the lock and who waits for it (picture()). */
function until(
  s: Setup,
  names: string[],
  condition: () => boolean,
  ms: number,
  what: string,
  hint = '',
  signal?: AbortSignal,
) {
  return waitShowing(condition, ms, what, () => picture(s.board, names), hint, signal);
}

/**
 * The holder's release() returned without calling Atomics.notify while a waiter was inside
 * Atomics.wait, and no waiter has the lock: a waiter that sleeps without a timeout is woken by
 * Atomics.notify only, so this is a lost wake-up already, with no need to wait and see.
 */
function lostWakeUp(s: Setup): boolean {
  return (
    Atomics.load(s.board, SLOT.released) === 1 &&
    Atomics.load(s.board, SLOT.releaseNotifies) === 0 &&
    Atomics.load(s.board, SLOT.sleepersAtRelease) > 0 &&
    Atomics.load(s.board, SLOT.acquired) === 0 &&
    Atomics.load(s.board, SLOT.acquired + 1) === 0
  );
}

/** Fails when lostWakeUp(): `holder` released without waking `waiter`. */
function checkNotified(s: Setup, holder: string, waiter: string): void {
  check(
    !lostWakeUp(s),
    `Expected ${holder}'s \`release()\` to wake ${waiter}, which was in Atomics.wait inside \`acquire()\`, but ` +
      '`release()` returned without calling Atomics.notify: nothing else will wake it (a lost wake-up). ' +
      'After storing 0, wake a sleeper: Atomics.notify(cell, index, 1).',
  );
}

function raise(board: Int32Array, slot: number) {
  Atomics.store(board, slot, 1);
  Atomics.notify(board, slot);
}

/** Starts the holder worker and waits until it holds the lock; `done` settles when it ends. */
async function startHolder(
  s: Setup,
  names: string[],
): Promise<{ done: Promise<{ toldToRelease: boolean }> }> {
  const done = runInWorker<{ toldToRelease: boolean }>(TASKS, 'holder', [s.lock, s.offset, s.boardBuffer], {
    what: 'The holder worker (acquire(), hold, release())',
    timeoutMs: 8000,
    signal: s.stop.signal,
    state: () => picture(s.board, names),
  });
  done.catch(() => undefined); // awaited later; a rejection here must not go unhandled
  await raceWith(
    (signal) =>
      until(
        s,
        names,
        () => Atomics.load(s.board, SLOT.held) === 1,
        3000,
        'a worker to take a free lock with `acquire()`',
        'Does `acquire()` return true at once when the lock is free?',
        signal,
      ),
    [
      done.then(() => {
        throw new Error('The holder worker finished before it reported holding the lock.');
      }),
    ],
  );
  return { done };
}

describe('Mutex', () => {
  describe('on one thread', () => {
    let obs: Record<string, Outcome>;
    beforeAll(async () => {
      obs = await runInWorker(TASKS, 'basics', [], {
        what: 'The single-thread Mutex checks',
        timeoutMs: 8000,
      });
    });
    const value = (name: string, call: string) => returned(obs, name, call);
    function error(name: string, call: string, want: string): { name: string; message: string } {
      const o = obs[name];
      check(!o.ok, `Expected ${call} to throw ${want}, but it returned ${show(o.ok && o.value)}.`);
      return o as { name: string; message: string };
    }

    it('§3 tryAcquire() takes a free lock, and fails while it is held', () => {
      const [first, second] = value('tryFresh', '`tryAcquire()` on a new Mutex') as boolean[];
      check(
        first === true,
        `Expected the first \`tryAcquire()\` on a free lock to return true, got ${show(first)}.`,
      );
      check(
        second === false,
        `Expected a second \`tryAcquire()\` to return false (the lock is held), got ${show(second)}. ` +
          'Is the check-and-set one atomic step (Atomics.compareExchange)?',
      );
    });

    it('§3 §7 release() frees the lock for the next tryAcquire()', () => {
      const got = value('tryAfterRelease', '`acquire()`, `release()`, `tryAcquire()`');
      check(
        got === true,
        `Expected \`tryAcquire()\` after \`release()\` to return true, got ${show(got)}. Does \`release()\` store 0?`,
      );
    });

    it('§4 acquire() on a free lock returns true at once, with or without a timeout', () => {
      const got = value('acquireFree', '`acquire()` / `acquire(0)` / `acquire(100)` on a free lock');
      check(
        JSON.stringify(got) === JSON.stringify([true, true, true, 'released']),
        `Expected \`acquire()\`, \`acquire(0)\` and \`acquire(100)\` on a free lock to return true, got ${show(got)}. ` +
          '`acquire(0)` must still take a free lock: 0 only means "do not wait".',
      );
    });

    it('§7 release() of an unlocked mutex throws an Error', () => {
      const e = error('releaseUnlocked', '`release()` of a new (unlocked) Mutex', 'an Error');
      check(/Error/.test(e.name), `Expected an Error, got ${e.name}: ${e.message}`);
      check(
        !/Not implemented/.test(e.message),
        `Expected \`release()\` of an unlocked Mutex to throw its own Error, got the stub's: ${e.message}`,
      );
      check(
        e.message.trim().length > 0,
        'Expected the Error of `release()` on an unlocked Mutex to say what went wrong, got an empty message. ' +
          'Say it: "release() of an unlocked Mutex: every release() must follow an acquire()".',
      );
      const twice = error('releaseTwice', 'a second `release()` after `acquire()`, `release()`', 'an Error');
      check(!/Not implemented/.test(twice.message), `Got the stub's error: ${twice.message}`);
    });

    it('§1 two Mutex objects over the same buffer and offset are the same lock', () => {
      const got = value('sameCell', 'two `new Mutex(buf, 4)`');
      check(
        JSON.stringify(got) === '[false,true]',
        `Expected \`b.tryAcquire()\` to be false while \`a\` holds the lock and true after \`a.release()\`, got ${show(got)}. ` +
          'The lock state must live in the shared buffer at `byteOffset`, not in a field of the object.',
      );
    });

    it('§1 uses only its own Int32: locks at other offsets are independent and neighbours stay untouched', () => {
      const other = value('otherCell', '`new Mutex(buf, 0)` and `new Mutex(buf, 4)`');
      check(
        other === true,
        `Expected a lock at offset 4 to be free while the one at offset 0 is held, got ${show(other)}. Do you view the buffer at \`byteOffset\`?`,
      );
      const [neighbours, locked] = value('oneInt32', 'a Mutex at offset 4 of a 12-byte buffer') as [
        boolean,
        boolean,
      ];
      check(
        neighbours === true,
        'Expected the Int32s before and after `byteOffset` to stay unchanged, but the Mutex wrote to them. Use exactly one Int32: `new Int32Array(buffer, byteOffset, 1)`.',
      );
      check(
        locked === true,
        'Expected the Int32 at `byteOffset` to be non-zero while the lock is held (0 means unlocked).',
      );
    });

    it('§1 a non-zero Int32 is a held lock', () => {
      const got = value('presetLocked', '`tryAcquire()` on a cell that holds 1');
      check(
        got === false,
        `Expected \`tryAcquire()\` to return false when the shared Int32 is already 1 (locked), got ${show(got)}.`,
      );
    });

    it('§1 keeps `buffer` and `byteOffset`, and makes its own buffer by default', () => {
      const [same, offset] = value('keepsArgs', '`new Mutex(buf, 4)`') as [boolean, number];
      check(
        same && offset === 4,
        `Expected \`buffer\` to be the buffer passed in and \`byteOffset\` 4, got same buffer: ${same}, byteOffset: ${show(offset)}.`,
      );
      const [isShared, twinTry] = value('defaults', '`new Mutex()`') as [boolean, boolean];
      check(isShared, 'Expected `new Mutex().buffer` to be a SharedArrayBuffer.');
      check(
        twinTry === false,
        'Expected `new Mutex(m.buffer, m.byteOffset)` to be the same lock as `m` (held), but it could be taken.',
      );
    });

    it('§2 rejects bad arguments: TypeError for a non-shared buffer, RangeError for a bad offset', () => {
      const notShared = error('notShared', '`new Mutex(new ArrayBuffer(4))`', 'a TypeError');
      checkBadArgument(notShared, '`new Mutex(new ArrayBuffer(4))`', 'buffer', 'TypeError');
      check(
        notShared.message.trim().length > 0,
        'Expected the TypeError of `new Mutex(new ArrayBuffer(4))` to say what is wrong, got an empty message.',
      );
      const mis = error('misaligned', '`new Mutex(buf, 2)`', 'a RangeError');
      checkBadArgument(mis, '`new Mutex(buf, 2)` (not a multiple of 4)', 'byteOffset', 'RangeError');
      for (const [name, offset] of [
        ['negative', -4],
        ['fractional', 1.5],
      ] as const) {
        const e = error(name, `\`new Mutex(buf, ${offset})\``, 'a RangeError');
        checkBadArgument(e, `\`new Mutex(new SharedArrayBuffer(8), ${offset})\``, 'byteOffset', 'RangeError');
      }
      const past = error('pastTheEnd', '`new Mutex(new SharedArrayBuffer(8), 8)`', 'a RangeError');
      checkBadArgument(
        past,
        '`new Mutex(new SharedArrayBuffer(8), 8)` (no room for an Int32)',
        'byteOffset',
        'RangeError',
      );
    });

    it('§8 withLock() runs fn holding the lock and returns its value', () => {
      const [inside, freeAfter] = value('withLockValue', '`withLock(fn)`') as [
        { heldInside: boolean; value: number },
        boolean,
      ];
      check(
        inside?.value === 42,
        `Expected \`withLock(() => 42-ish)\` to return fn's value, got ${show(inside)}.`,
      );
      check(
        inside.heldInside,
        'Expected the lock to be held while fn runs, but another handle could take it.',
      );
      check(freeAfter, 'Expected the lock to be free after `withLock()` returned. Does it release?');
    });

    it('§8 withLock() releases the lock and rethrows when fn throws', () => {
      const [same, freeAfter] = value('withLockThrows', '`withLock(() => { throw boom })`') as [
        boolean,
        boolean,
      ];
      check(same, "Expected `withLock()` to rethrow fn's own error.");
      check(freeAfter, 'Expected the lock to be free after fn threw. Release it in a `finally` block.');
    });
  });

  describe('across worker threads', () => {
    it('§5 never lets two workers in, and loses no update (4 workers × 100k, then 4 × 2000 with every race window widened)', async () => {
      // A broken lock can survive a round when the machine is busy (the workers then rarely run
      // at the same instant), so each worker hammers for at least 300 ms, and the second round
      // widens every race window (a few µs of sleep before every other atomic operation on the
      // lock's cell, which no correct lock can notice): a load then a store interleaves there on
      // most passes, whatever the load. A correct lock passes both.
      const workers = 4;
      const names = Array.from({ length: workers }, (_, i) => `worker ${i + 1}`);
      for (let round = 1; round <= 2; round++) {
        const iterations = round === 1 ? 100_000 : 2000;
        const s = setup(8);
        const runs = Array.from({ length: workers }, (_, i) =>
          runInWorker<number>(
            TASKS,
            'hammer',
            [s.lock, s.offset, s.boardBuffer, workers, iterations, 300, i, round === 1 ? 0 : 2],
            {
              what: `Worker ${i + 1} of ${workers} (${iterations} × acquire(), increment, release())`,
              timeoutMs: 15_000,
              signal: s.stop.signal,
              state: () =>
                `Counter at ${Atomics.load(s.board, SLOT.counter)}; ` +
                `${Atomics.load(s.board, SLOT.inside)} inside now. ${picture(s.board, names)} ` +
                'A worker stuck in `acquire()`: does `release()` wake waiters with Atomics.notify?',
            },
          ),
        );
        const overlapping = (then = '') =>
          `Expected at most 1 worker inside the lock at a time, but in round ${round} ` +
          `${Atomics.load(s.board, SLOT.maxInside)} were inside at once: ${Atomics.load(s.board, SLOT.overlaps)} of ` +
          `${Atomics.load(s.board, SLOT.entries)} entries found another worker already inside.${then} ` +
          'Taking the lock must be ONE atomic step (Atomics.compareExchange/exchange), not a load then a store.';
        let total: number;
        try {
          const all = Promise.all(runs);
          all.catch(() => undefined); // settled below, or left when no worker moves
          // No entry at all for 5 s: every worker is stuck (a correct lock lets one in at a time).
          await raceWith(
            (signal) =>
              noProgress(
                () => Atomics.load(s.board, SLOT.entries),
                5000,
                signal,
                () =>
                  `No worker got into the lock for 5 s in round ${round} (${Atomics.load(s.board, SLOT.entries)} entries ` +
                  'so far): a call that never returns, a loop that never ends (`while (true) {}`) or a wait that ' +
                  `nothing wakes. ${picture(s.board, names)}`,
              ),
            [all],
          );
          total = (await all).reduce((a, b) => a + b, 0);
        } catch (error) {
          // Two holders make one's release() find the lock already free: report the overlap, its cause.
          if (Atomics.load(s.board, SLOT.overlaps) === 0) throw error;
          throw new Error(overlapping(` Then a worker failed: ${(error as Error).message}`));
        } finally {
          s.stop.abort();
          await Promise.allSettled(runs);
        }
        const counter = Atomics.load(s.board, SLOT.counter);
        check(Atomics.load(s.board, SLOT.overlaps) === 0, overlapping);
        check(
          counter === total,
          `Expected the counter to reach ${total} in round ${round}, got ${counter}: ${total - counter} updates were lost.`,
        );
      }
    }, 60_000);

    it('§6 a waiting worker sleeps instead of spinning, and release() wakes it', async () => {
      const s = setup();
      const names = ['worker A', 'worker B'];
      const { done: holding } = await startHolder(s, names);
      const waiting = runInWorker<{ ok: boolean }>(TASKS, 'waiter', [s.lock, s.offset, s.boardBuffer, 0], {
        what: 'Worker B in `acquire()`',
        timeoutMs: 8000,
        signal: s.stop.signal,
        state: () => picture(s.board, names),
      });
      waiting.catch(() => undefined);
      try {
        await until(
          s,
          names,
          () => Atomics.load(s.board, SLOT.waiting) === 1,
          3000,
          'worker B to start waiting',
        );
        // A worker can block only in Atomics.wait: one that never calls it is spinning, whatever
        // CPU share a loaded machine leaves it to show.
        await until(
          s,
          names,
          () => Atomics.load(s.board, SLOT.waitEntries) >= 1,
          2000,
          'worker B, blocked in `acquire()` on a held lock, to sleep in Atomics.wait',
          'It never called Atomics.wait: it is spinning (looking again and again). Sleep with Atomics.wait(cell, index, lockedValue).',
        );
        // Measure worker B's CPU (its own thread on Linux, else the idle process) while it waits.
        const tid = Atomics.load(s.board, SLOT.tid) || undefined;
        await checkSleeps('worker B, blocked in `acquire()` on a held lock,', {
          tid,
          hint: 'Is `acquire()` spinning in a loop? Sleep with Atomics.wait(cell, index, lockedValue).',
        });
        check(
          Atomics.load(s.board, SLOT.acquired) === 0,
          'Worker B got the lock while worker A still held it: `acquire()` must wait until `release()`.',
        );
        // Polling (waking every few ms to look again) uses little CPU, so count the naps instead.
        const naps = Atomics.load(s.board, SLOT.waitEntries);
        check(
          naps <= MAX_NAPS,
          `Expected worker B, blocked in \`acquire()\`, to sleep in Atomics.wait until woken (once, or twice), but it ` +
            `called Atomics.wait ${naps} times while the lock stayed held. It is polling: waking up on a timeout to look ` +
            'again. Wait without a timeout (or with the time left), and let `release()` wake it with Atomics.notify.',
        );
        raise(s.board, SLOT.release);
        await until(
          s,
          names,
          () => Atomics.load(s.board, SLOT.acquired) === 1 || lostWakeUp(s),
          2000,
          'worker B to get the lock after worker A released it',
          'Does `release()` call Atomics.notify on the cell?',
        );
        checkNotified(s, 'worker A', 'worker B');
        const timedOut = Atomics.load(s.board, SLOT.waitTimedOut);
        check(
          timedOut === 0,
          `Expected worker B's \`acquire()\` (no timeout) to be woken by \`release()\`, but ${timedOut} of its ` +
            `${Atomics.load(s.board, SLOT.waitEntries)} calls to Atomics.wait ended "timed-out": it woke on a timer, not ` +
            'because `release()` called Atomics.notify. A lost wake-up hidden by polling.',
        );
        raise(s.board, SLOT.releaseWaiter);
        const [a, b] = await Promise.all([holding, waiting]);
        check(
          a.toldToRelease && b.ok,
          `Expected both workers to finish with the lock, got holder ${show(a)}, waiter ${show(b)}.`,
        );
      } finally {
        s.stop.abort();
        await Promise.allSettled([holding, waiting]);
      }
    });

    it('§5 §6 release() wakes one waiter at a time: two waiters take turns', async () => {
      const s = setup(4);
      const names = ['the holder', 'waiter 1', 'waiter 2'];
      const { done: holding } = await startHolder(s, names);
      const waiters = [0, 1].map((id) => {
        const p = runInWorker<{ ok: boolean }>(TASKS, 'waiter', [s.lock, s.offset, s.boardBuffer, id], {
          what: `Waiter ${id + 1} in \`acquire()\``,
          timeoutMs: 8000,
          signal: s.stop.signal,
          state: () => picture(s.board, names),
        });
        p.catch(() => undefined);
        return p;
      });
      const got = (id: number) => Atomics.load(s.board, SLOT.acquired + id) === 1;
      try {
        await until(
          s,
          names,
          () =>
            got(0) ||
            got(1) ||
            Atomics.load(s.board, SLOT.waiting + 1) + Atomics.load(s.board, SLOT.waiting) === 2,
          3000,
          'both waiters to call `acquire()`',
        );
        raise(s.board, SLOT.release);
        await until(
          s,
          names,
          () => got(0) || got(1) || lostWakeUp(s),
          2000,
          'a waiter to get the lock after the holder released it',
          'Does `release()` call Atomics.notify?',
        );
        checkNotified(s, 'the holder', 'a waiter');
        const first = got(0) ? 0 : 1;
        const second = 1 - first;
        // The second waiter must stay out while the first holds the lock.
        const deadline = Date.now() + 100;
        await waitUntil(() => Date.now() >= deadline || got(second), 1000, 'the check window');
        check(
          !got(second) && Atomics.load(s.board, SLOT.maxInside) === 1,
          'Expected one waiter to get the lock and the other to keep waiting, but both got in. Only the thread that swaps 0 for locked owns the lock.',
        );
        raise(s.board, SLOT.releaseWaiter + first);
        await until(
          s,
          names,
          () => got(second),
          2000,
          `waiter ${second + 1} to get the lock after waiter ${first + 1} released it`,
          'Does every `release()` wake a waiter?',
        );
        raise(s.board, SLOT.releaseWaiter + second);
        await Promise.all([holding, ...waiters]);
      } finally {
        s.stop.abort();
        await Promise.allSettled([holding, ...waiters]);
      }
    });

    it('§4 acquire(timeoutMs) gives up with false after about timeoutMs while the lock stays held', async () => {
      const s = setup();
      const names = ['the holder', 'the worker in `acquire(150)`'];
      const { done: holding } = await startHolder(s, names);
      try {
        const r = await runInWorker<{ ok: boolean; ms: number }>(
          TASKS,
          'waiter',
          [s.lock, s.offset, s.boardBuffer, 0, 150],
          {
            what: 'A worker in `acquire(150)` on a held lock',
            timeoutMs: 2000,
            state: () =>
              `${picture(s.board, names)} Does \`acquire(timeoutMs)\` pass the time left to Atomics.wait and return false when it is gone?`,
          },
        );
        check(
          r.ok === false,
          `Expected \`acquire(150)\` on a lock held elsewhere to return false, got ${show(r.ok)}.`,
        );
        check(
          r.ms >= 130,
          `Expected \`acquire(150)\` to wait about 150 ms before giving up, but it returned after ${r.ms.toFixed(0)} ms.`,
        );
        check(
          r.ms < 2000,
          `Expected \`acquire(150)\` to give up after about 150 ms, but it took ${r.ms.toFixed(0)} ms.`,
        );
      } finally {
        raise(s.board, SLOT.release);
        await holding.catch(() => undefined);
      }
    });

    it('§3 §4 tryAcquire(), acquire(0) and acquire(-1) return false at once while another worker holds the lock', async () => {
      const s = setup();
      const { done: holding } = await startHolder(s, ['the holder']);
      try {
        const r = await runInWorker<{ tryAcquire: boolean; zero: boolean; negative: boolean; ms: number }>(
          TASKS,
          'probeHeld',
          [s.lock, s.offset, s.boardBuffer],
          {
            what: 'A worker calling `tryAcquire()`, `acquire(0)`, `acquire(-1)` on a held lock',
            timeoutMs: 2000,
            state: () => 'A timeout of 0 or less must not wait at all.',
          },
        );
        check(
          r.tryAcquire === false && r.zero === false && r.negative === false,
          `Expected all three to return false while the lock is held, got tryAcquire(): ${r.tryAcquire}, acquire(0): ${r.zero}, acquire(-1): ${r.negative}.`,
        );
        check(r.ms < 100, `Expected them not to wait, but they took ${r.ms.toFixed(0)} ms.`);
      } finally {
        raise(s.board, SLOT.release);
        await holding.catch(() => undefined);
      }
    });
  });
});
