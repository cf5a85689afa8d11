/**
 * Exercise 03-semaphores/semaphore — Python's `threading.BoundedSemaphore`, for worker threads.
 *
 * A semaphore holds `permits` permits: `acquire()` takes one (sleeping while there are none),
 * `release()` gives one back and wakes a sleeper. With k permits, at most k threads are "inside"
 * at once. It is BOUNDED: a `release()` that would make more permits than it started with throws
 * a RangeError (it catches a release without an acquire). `new Semaphore(0)` is valid: nothing can
 * ever acquire or release it.
 *
 * Its state lives in a SharedArrayBuffer (the layout is yours: a count, and the bound too, so a
 * handle in another worker enforces it). A worker gets its own handle on the same semaphore with
 * `Semaphore.attach(sem.buffer, sem.byteOffset)`.
 *
 * The trap: "check, then decrement" (`if (load() > 0) sub(1)`) lets two threads take the last
 * permit. Taking one must be ONE atomic step: Atomics.compareExchange in a loop. And a waiter
 * must sleep (Atomics.wait), not spin; release() must wake it (Atomics.notify).
 *
 * Read: MDN "Atomics.compareExchange", "Atomics.wait", "Atomics.notify"; Python's
 * `threading.BoundedSemaphore`.
 *
 * Contract (what the tests check, and nothing else):
 *  §1 `new Semaphore(permits)` starts with all `permits` available, its state in `buffer` (a
 *     SharedArrayBuffer) from `byteOffset` (an integer ≥ 0). `permits` not an integer ≥ 0 (-1,
 *     1.5, NaN, Infinity) → a RangeError that says why. Up to 2147483647 (the largest Int32) is counted exactly;
 *     a larger count is either refused with a RangeError or counted exactly (never wrapped).
 *  §2 `Semaphore.attach(buffer, byteOffset?)` (default offset 0) is a handle on the semaphore
 *     whose `buffer` and `byteOffset` it is given, in this worker or another: every handle shares
 *     the count and the bound, and sees the others' changes.
 *  §3 `attach()` refuses a `buffer` that is not a SharedArrayBuffer with a TypeError that says
 *     why, and a
 *     `byteOffset` that is negative, not a multiple of 4, or leaves no room in `buffer` for the
 *     semaphore's state with a RangeError.
 *  §4 `available` is the number of permits free now.
 *  §5 `tryAcquire()` takes a free permit and returns true; with none free it returns false at
 *     once and takes nothing.
 *  §6 `acquire(timeoutMs?)` takes a free permit at once and returns true, whatever `timeoutMs`.
 *     With none free it waits: `undefined`/`Infinity` for ever; `timeoutMs` > 0 about that long,
 *     then returns false having taken nothing; 0 or less not at all (false at once).
 *     `acquire(NaN)` → a RangeError that says why, and takes nothing.
 *  §7 With k permits, k threads can hold one at once, and never more than k, however many
 *     contend.
 *  §8 A blocked `acquire()` sleeps in Atomics.wait until a `release()` wakes it with
 *     Atomics.notify: it does not spin (no CPU), nor poll (wake on a timer to look again). Each
 *     `release()` lets a waiter in.
 *  §9 `release()` gives a permit back. It is bounded: a `release()` that would make more permits
 *     available than the semaphore was made with, through any handle, throws a RangeError that
 *     says why and changes nothing (so `new Semaphore(0)` can never be released).
 */
export class Semaphore {
  /** The shared memory holding the semaphore (send it to a worker, with `byteOffset`). */
  readonly buffer: SharedArrayBuffer;
  /** Where in `buffer` the semaphore's state starts. */
  readonly byteOffset: number;

  /**
   * A new semaphore with `permits` permits, all available, in a new SharedArrayBuffer.
   * `permits` not an integer ≥ 0 (-1, 1.5, NaN) → RangeError.
   */
  constructor(permits: number) {
    // TODO: validate `permits`, make a SharedArrayBuffer, and store the count AND the bound in it.
    void permits;
    throw new Error(
      'Not implemented: Semaphore constructor (check `permits`, store count and bound in shared memory)',
    );
  }

  /**
   * A handle on an existing semaphore, from its `buffer` and `byteOffset` (what a worker was
   * sent). It shares the count and the bound with every other handle.
   */
  static attach(buffer: SharedArrayBuffer, byteOffset?: number): Semaphore {
    // TODO: build a handle over the same cells without running the constructor's setup
    // (e.g. Object.create(Semaphore.prototype), or a private factory), reading nothing but memory.
    void buffer;
    void byteOffset;
    throw new Error('Not implemented: Semaphore.attach (a handle over the same shared cells)');
  }

  /** How many permits are available right now. */
  get available(): number {
    // TODO: an atomic read of the count.
    throw new Error('Not implemented: Semaphore.available (Atomics.load the count)');
  }

  /** Takes a permit and returns true if one is available; returns false at once otherwise. */
  tryAcquire(): boolean {
    // TODO: load the count; if > 0, compareExchange it to count - 1; retry if someone beat you.
    throw new Error('Not implemented: Semaphore.tryAcquire (compare-and-swap the count down)');
  }

  /**
   * Takes a permit, sleeping while none is available. Returns true once taken; false only when
   * `timeoutMs` ran out. `undefined`/`Infinity` waits forever; 0 or less does not wait.
   */
  acquire(timeoutMs?: number): boolean {
    // TODO: try to take one; if none, Atomics.wait while the count is 0 (with the time left),
    // and loop: wakes can be spurious, and another thread may take the permit first.
    void timeoutMs;
    throw new Error(
      'Not implemented: Semaphore.acquire (take a permit atomically, else sleep in Atomics.wait)',
    );
  }

  /** Gives a permit back and wakes one waiter. Beyond the initial permits → RangeError. */
  release(): void {
    // TODO: compare-and-swap the count up, but throw RangeError if it is already at the bound;
    // then Atomics.notify one waiter.
    throw new Error('Not implemented: Semaphore.release (bounded increment, then Atomics.notify)');
  }
}
