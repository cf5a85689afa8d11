/**
 * Exercise 02-locks/mutex — Python's `threading.Lock`, for worker threads.
 *
 * Worker threads share memory only through a SharedArrayBuffer. This lock lives in ONE Int32 of
 * such a buffer, at `byteOffset`: 0 means unlocked, any other value locked (which locked values
 * you use is up to you). Two `Mutex` objects over the same buffer and offset are the same lock, so
 * a worker rebuilds it with `new Mutex(buffer, byteOffset)`.
 *
 * The trap: "check, then set" (`if (load() === 0) store(1)`) lets two threads in at once. The
 * check and the set must be ONE atomic step: Atomics.compareExchange or Atomics.exchange.
 * And a waiter must sleep (Atomics.wait), not spin; release() must wake it (Atomics.notify).
 *
 * Read: MDN "Atomics.compareExchange", "Atomics.wait", "Atomics.notify".
 * Hints: `npm run hint -- mutex`.
 *
 * Contract (what the tests check, and nothing else):
 *  §1 `new Mutex(buffer?, byteOffset?)` keeps `buffer` and `byteOffset` (defaults: a new 4-byte
 *     SharedArrayBuffer, 0). The lock is the one Int32 at `byteOffset`, and it touches no other
 *     byte: 0 is unlocked, any other value locked. Mutex objects over the same buffer and offset
 *     are the same lock; locks at other offsets are independent.
 *  §2 A `buffer` that is not a SharedArrayBuffer → a TypeError that says why; a `byteOffset` that is negative, not
 *     a multiple of 4, or leaves no room for an Int32 → RangeError.
 *  §3 `tryAcquire()` takes a free lock and returns true; while it is held (by any thread or
 *     handle) it returns false at once.
 *  §4 `acquire(timeoutMs?)` takes a free lock at once and returns true, whatever `timeoutMs`.
 *     While the lock is held it waits: `undefined`/`Infinity` for ever; `timeoutMs` > 0 about
 *     that long, then returns false; 0 or less not at all (false at once).
 *  §5 At most one thread holds the lock at a time, however many contend: no update made under
 *     the lock is lost.
 *  §6 A blocked `acquire()` sleeps in Atomics.wait until a `release()` wakes it with
 *     Atomics.notify: it does not spin (no CPU), nor poll (wake on a timer to look again). Each
 *     `release()` lets one waiter in.
 *  §7 `release()` frees the lock. Releasing an unlocked mutex throws an Error that says why.
 *  §8 `withLock(fn)` runs `fn` holding the lock and returns its value; it releases the lock when
 *     `fn` returns and when it throws (then it rethrows `fn`'s error).
 */
export class Mutex {
  readonly buffer: SharedArrayBuffer;
  readonly byteOffset: number;

  /**
   * @param buffer shared memory holding the lock (default: a new 4-byte SharedArrayBuffer).
   * @param byteOffset where its Int32 lives (default 0). A zeroed Int32 is an unlocked mutex.
   * Not a SharedArrayBuffer → TypeError; offset not a multiple of 4 or out of range → RangeError.
   */
  constructor(buffer?: SharedArrayBuffer, byteOffset?: number) {
    // TODO: validate the arguments, keep them, and make an Int32Array view of the one cell.
    void buffer;
    void byteOffset;
    throw new Error('Not implemented: Mutex constructor (keep `buffer` and `byteOffset`, view one Int32)');
  }

  /** Takes the lock if it is free and returns true; returns false at once if it is taken. */
  tryAcquire(): boolean {
    // TODO: one atomic step from unlocked to locked (Atomics.compareExchange).
    throw new Error('Not implemented: Mutex.tryAcquire (one atomic compare-and-swap)');
  }

  /**
   * Takes the lock, sleeping while another thread holds it. Returns true once held; false only
   * when `timeoutMs` ran out. `undefined`/`Infinity` waits forever; 0 or less does not wait.
   */
  acquire(timeoutMs?: number): boolean {
    // TODO: try to take it; if taken, Atomics.wait on the cell (it may wake spuriously: loop),
    // and give up with false once the time is gone.
    void timeoutMs;
    throw new Error('Not implemented: Mutex.acquire (take it atomically, else sleep in Atomics.wait)');
  }

  /** Frees the lock and wakes one waiter. Releasing an unlocked mutex throws an Error. */
  release(): void {
    // TODO: set the cell to 0 atomically, throw if it was already 0, then Atomics.notify one waiter.
    throw new Error('Not implemented: Mutex.release (store 0, then Atomics.notify one waiter)');
  }

  /** Runs `fn` while holding the lock; releases it even when `fn` throws. Returns fn's value. */
  withLock<T>(fn: () => T): T {
    // TODO: acquire, then try { return fn() } finally { release }.
    void fn;
    throw new Error('Not implemented: Mutex.withLock (acquire, try/finally release)');
  }
}
