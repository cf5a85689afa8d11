/**
 * A lock for async code on one thread (like the `async-mutex` package's `Mutex`).
 *
 * One thread never runs two functions at once, but every `await` inside a critical section lets
 * other tasks run, and they may see state half-updated. `AsyncMutex` makes them queue instead:
 *
 *   const release = await mutex.acquire();
 *   try { await readModifyWrite(); } finally { release(); }
 *
 * - Waiters get the lock in the order they asked (FIFO).
 * - The release function is idempotent: calling it twice releases once.
 * - `runExclusive(fn)` releases when `fn` settles, also when it throws or rejects.
 *
 * The trap: on release, do not just clear a "locked" flag and wake the next waiter. Before the
 * waiter runs, a newcomer's `acquire()` sees the flag clear and barges in ahead of the queue.
 * Hand the lock over to the first waiter instead (it stays locked).
 *
 * Contract (what the tests check, and nothing else):
 *  §1 `isLocked()` is false on a new mutex, true while someone holds the lock (or it has been
 *     handed to a waiter), and false once the last holder released it with nobody waiting.
 *  §2 `acquire()` resolves with a release function once the lock is the caller's: soon when it
 *     is free; while it is held, only after the holder releases. One holder at a time, also
 *     across the `await`s inside a critical section.
 *  §3 Waiters get the lock in the order they called `acquire()` (FIFO). A release hands it to the
 *     first waiter: an `acquire()` called just after the release waits behind it (no barging).
 *  §4 A release function works once: calling it again does nothing (it lets no second waiter in
 *     and does not unlock a later holder).
 *  §5 `runExclusive(fn)` runs `fn` holding the lock and resolves with `fn`'s result, sync or
 *     async; when `fn` throws or rejects, it rejects with that error. Either way it releases the
 *     lock once `fn` has settled.
 */
export class AsyncMutex {
  /** Resolves, once the lock is ours, with a function that releases it (a second call does nothing). */
  acquire(): Promise<() => void> {
    // TODO: take the lock if it is free, else queue up; resolve with a once-only release function.
    throw new Error('Not implemented: acquire() — take the lock or wait in line for it');
  }

  /** Runs `fn` holding the lock; releases when `fn` settles, whether it returns, throws or rejects. */
  runExclusive<T>(fn: () => T | Promise<T>): Promise<T> {
    // TODO: acquire, await fn(), and release in a `finally`.
    void fn;
    throw new Error('Not implemented: runExclusive() — acquire, run fn, release in finally');
  }

  /** True while someone holds the lock. */
  isLocked(): boolean {
    // TODO: report whether the lock is held.
    throw new Error('Not implemented: isLocked() — report whether the lock is held');
  }
}
