// AsyncMutex: a lock for async code on one thread. Everything runs on jest's thread (the student's
// code cannot block it: it can only fail to resolve), and every wait is bounded by `within()`.
import { describe, it } from '@jest/globals';
import { AsyncMutex } from '@kata/02-locks/async-mutex';
import { check, settle, show, within } from '../helpers/assert';
import { flush, outcome, promiseFrom, track } from '../helpers/async';

const WAIT_MS = 1000;

/** `mutex.acquire()`, which must resolve (with a function) within WAIT_MS. */
async function acquire(
  mutex: AsyncMutex,
  what = '`acquire()` on a free mutex to resolve',
): Promise<() => void> {
  const release = await within(
    promiseFrom(() => mutex.acquire(), 'acquire()'),
    WAIT_MS,
    what,
    'A free mutex is taken at once; a waiter gets it when the holder releases.',
  );
  check(
    typeof release === 'function',
    `Expected \`acquire()\` to resolve with a release function, got ${show(release)}.`,
  );
  return release;
}

describe('AsyncMutex', () => {
  it('§1 is unlocked when new', () => {
    const mutex = new AsyncMutex();
    const locked = mutex.isLocked();
    check(locked === false, `Expected \`isLocked()\` on a new mutex to be \`false\`, got ${show(locked)}.`);
  });

  it('§1 isLocked() is true while held and false once released', async () => {
    const mutex = new AsyncMutex();
    const release = await acquire(mutex);
    check(
      mutex.isLocked() === true,
      'Expected `isLocked()` to be `true` after `acquire()` resolved, got `false`.',
    );
    release();
    await flush();
    check(
      mutex.isLocked() === false,
      'Expected `isLocked()` to be `false` after the only holder called its release function, got `true`.',
    );
  });

  it('§1 §2 a second acquire() waits until the holder releases', async () => {
    const mutex = new AsyncMutex();
    const release = await acquire(mutex);
    const second = track(promiseFrom(() => mutex.acquire(), 'acquire()'));
    await flush();
    check(
      !second.settled,
      'Expected a second `acquire()` to wait while the lock is held, but it settled. Is the lock taken by the first `acquire()`?',
    );
    release();
    const release2 = await within(
      second.promise,
      WAIT_MS,
      'the waiting `acquire()` to resolve after the holder released',
      'Does the release function wake the first waiter?',
    );
    check(
      mutex.isLocked() === true,
      'Expected `isLocked()` to be `true` while the second holder has the lock.',
    );
    release2();
  });

  it('§3 waiters get the lock in the order they asked (FIFO)', async () => {
    const mutex = new AsyncMutex();
    const holder = await acquire(mutex);
    const order: number[] = [];
    const waiters = [0, 1, 2, 3, 4].map((i) =>
      promiseFrom(() => mutex.acquire(), 'acquire()').then((release) => {
        order.push(i);
        release();
      }),
    );
    await flush();
    check(
      order.length === 0,
      `Expected every waiter to wait while the lock is held; these got in: ${show(order)}.`,
    );
    holder();
    await within(
      Promise.all(waiters),
      WAIT_MS,
      '5 waiting `acquire()` calls to get the lock one after another (each releases at once)',
      'Does each release hand the lock to the next waiter?',
    );
    check(
      order.join() === '0,1,2,3,4',
      `Expected the waiters to get the lock in the order they called \`acquire()\`: [0, 1, 2, 3, 4]; got ${show(order)}. ` +
        'Waiters form a FIFO queue: take the next one from the front (`shift`), not the back (`pop`).',
    );
  });

  it('§3 a newcomer does not get the lock ahead of a waiter (no barging on release)', async () => {
    const mutex = new AsyncMutex();
    const holder = await acquire(mutex);
    const order: string[] = [];
    const waiter = promiseFrom(() => mutex.acquire(), 'acquire()').then((release) => {
      order.push('waiter');
      release();
    });
    await flush();
    holder();
    // Asked right after the release, before the waiter has had a chance to run.
    const newcomer = promiseFrom(() => mutex.acquire(), 'acquire()').then((release) => {
      order.push('newcomer');
      release();
    });
    await within(
      Promise.all([waiter, newcomer]),
      WAIT_MS,
      'the waiter and the newcomer to both get the lock',
      'Does every release hand the lock to the next waiter?',
    );
    check(
      order.join() === 'waiter,newcomer',
      `Expected the waiter (queued first) to get the lock before the newcomer that called \`acquire()\` just after the ` +
        `release; got ${show(order)}. If release only clears a "locked" flag and wakes the waiter, a newcomer sees the ` +
        'flag clear and barges in first: hand the lock straight to the first waiter instead.',
    );
  });

  it('§1 §4 calling release twice lets only one waiter in', async () => {
    const mutex = new AsyncMutex();
    const release = await acquire(mutex);
    const b = track(promiseFrom(() => mutex.acquire(), 'acquire()'));
    const c = track(promiseFrom(() => mutex.acquire(), 'acquire()'));
    await flush();
    release();
    release();
    await within(
      Promise.race([b.promise, c.promise]),
      WAIT_MS,
      'a waiter to get the lock after the holder released',
      'Does the release function hand the lock to the next waiter?',
    );
    await flush();
    check(
      !(b.settled && c.settled),
      'Expected only one waiter to get the lock, but calling the same release function twice let in both ' +
        'waiters: two holders at once. The release function must do nothing the second time.',
    );
    check(mutex.isLocked() === true, 'Expected `isLocked()` to be `true` while a waiter holds the lock.');
    const [first, second] = b.settled ? [b, c] : [c, b];
    (first.value as () => void)();
    const releaseLast = await within(
      second.promise,
      WAIT_MS,
      'the other waiter to get the lock after the first released',
    );
    releaseLast();
  });

  it('§1 §4 a stale release does not unlock a later holder', async () => {
    const mutex = new AsyncMutex();
    const first = await acquire(mutex);
    first();
    await flush();
    const second = await acquire(mutex, '`acquire()` to resolve after the first holder released');
    first(); // the first holder's release function, called again: must do nothing
    await flush();
    check(
      mutex.isLocked() === true,
      "Expected the lock to stay held by the second holder, but calling the first holder's release function again " +
        'unlocked it. Each release function must work once only.',
    );
    const third = track(promiseFrom(() => mutex.acquire(), 'acquire()'));
    await flush();
    check(
      !third.settled,
      'Expected a new `acquire()` to wait while the second holder has the lock, but it got in: an old release ' +
        "function released someone else's lock.",
    );
    second();
    const releaseThird = await within(third.promise, WAIT_MS, 'the waiting `acquire()` to get the lock');
    releaseThird();
  });

  it("§1 §5 runExclusive(fn) resolves with fn's result, sync or async, and releases after", async () => {
    const mutex = new AsyncMutex();
    let lockedInside: boolean | undefined;
    const value = await within(
      promiseFrom(
        () =>
          mutex.runExclusive(async () => {
            lockedInside = mutex.isLocked();
            await flush();
            return 42;
          }),
        'runExclusive(fn)',
      ),
      WAIT_MS,
      '`runExclusive(async fn)` to resolve',
    );
    check(
      value === 42,
      `Expected \`runExclusive(fn)\` to resolve with what fn resolved (42), got ${show(value)}.`,
    );
    check(
      lockedInside === true,
      `Expected \`isLocked()\` to be \`true\` inside fn, got ${show(lockedInside)}.`,
    );
    const sync = await within(
      promiseFrom(() => mutex.runExclusive(() => 'sync'), 'runExclusive(fn)'),
      WAIT_MS,
      '`runExclusive(fn)` with a synchronous fn to resolve',
    );
    check(
      sync === 'sync',
      `Expected \`runExclusive(() => 'sync')\` to resolve with 'sync', got ${show(sync)}.`,
    );
    await flush();
    check(mutex.isLocked() === false, 'Expected the mutex to be unlocked after `runExclusive(fn)` settled.');
  });

  it('§1 §5 runExclusive(fn) rejects with the error and releases when fn throws or rejects', async () => {
    const mutex = new AsyncMutex();
    const thrownError = new Error('thrown inside fn');
    const rejectedError = new Error('rejected by fn');
    const r1 = await within(
      settle(
        promiseFrom(
          () =>
            mutex.runExclusive(() => {
              throw thrownError;
            }),
          'runExclusive(fn)',
        ),
      ),
      WAIT_MS,
      '`runExclusive(fn)` with a throwing fn to settle',
    );
    check(
      !r1.ok && r1.error === thrownError,
      `Expected \`runExclusive(fn)\` to reject with fn's error; it ${outcome(r1)}.`,
    );
    await flush();
    check(
      mutex.isLocked() === false,
      'Expected the mutex to be unlocked after fn threw, but it is still locked: release in a `finally`.',
    );
    const r2 = await within(
      settle(
        promiseFrom(
          () =>
            mutex.runExclusive(async () => {
              await flush();
              throw rejectedError;
            }),
          'runExclusive(fn)',
        ),
      ),
      WAIT_MS,
      '`runExclusive(fn)` with a rejecting fn to settle',
      'Was the lock released after the previous fn threw?',
    );
    check(
      !r2.ok && r2.error === rejectedError,
      `Expected \`runExclusive(fn)\` to reject with fn's error; it ${outcome(r2)}.`,
    );
    await flush();
    check(
      mutex.isLocked() === false,
      'Expected the mutex to be unlocked after fn rejected, but it is still locked: release in a `finally`.',
    );
    const release = await acquire(mutex, '`acquire()` after runExclusive(fn) failed');
    release();
  });

  it('§2 §5 an await inside the critical section does not let another holder in', async () => {
    const mutex = new AsyncMutex();
    let inside = 0;
    let most = 0;
    const section = async (): Promise<void> => {
      inside++;
      most = Math.max(most, inside);
      await Promise.resolve();
      await flush(); // other tasks run here: none may enter
      inside--;
    };
    const tasks = [0, 1, 2, 3, 4].map(async (i) => {
      if (i % 2 === 0) {
        return promiseFrom(() => mutex.runExclusive(section), 'runExclusive(fn)');
      }
      const release = await promiseFrom(() => mutex.acquire(), 'acquire()');
      try {
        await section();
      } finally {
        release();
      }
    });
    await within(
      Promise.all(tasks),
      WAIT_MS,
      '5 critical sections (3 through `runExclusive`, 2 through `acquire`) to finish',
      'Does every release hand the lock on?',
    );
    check(
      most === 1,
      `Expected one holder at a time, but ${most} tasks were inside the critical section at once. ` +
        "Does `runExclusive` await fn's promise before releasing (`return await fn()` inside `try`)?",
    );
  });
});
