/**
 * A counting semaphore shared by worker threads, like Python's `threading.BoundedSemaphore`,
 * built on a SharedArrayBuffer and the Atomics API.
 *
 * Layout (private: other code only passes `buffer` and `byteOffset` to `Semaphore.attach`):
 *   Int32 [0]  permits available now (what waiters Atomics.wait on)
 *   Int32 [1]  the bound: the permits it was made with, so every attached handle enforces it
 *
 * `acquire()` takes a permit with a compare-and-swap, never "check, then decrement": two threads
 * that both saw one permit would both take it. A thread that finds none sleeps in Atomics.wait
 * while the count is still 0; `release()` adds a permit, then Atomics.notify wakes one sleeper.
 */
const COUNT = 0;
const BOUND = 1;
const CELLS = 2;
const MAX_PERMITS = 0x7fffffff; // what an Int32 can count

export class Semaphore {
  readonly buffer: SharedArrayBuffer;
  readonly byteOffset: number;
  private readonly cells: Int32Array;

  /** A new semaphore with `permits` permits, all available. `permits`: an integer ≥ 0. */
  constructor(permits: number) {
    if (!Number.isInteger(permits) || permits < 0 || permits > MAX_PERMITS) {
      throw new RangeError(
        `\`permits\` must be an integer from 0 to ${MAX_PERMITS}; got ${String(permits)}.`,
      );
    }
    this.buffer = new SharedArrayBuffer(CELLS * Int32Array.BYTES_PER_ELEMENT);
    this.byteOffset = 0;
    this.cells = new Int32Array(this.buffer, 0, CELLS);
    this.cells[COUNT] = permits;
    this.cells[BOUND] = permits;
    // Nothing else can see the buffer yet; it becomes visible to a worker through postMessage,
    // which orders these plain writes before the worker's first read.
  }

  /**
   * Another handle on the semaphore whose `buffer` and `byteOffset` are given (a worker rebuilds
   * it this way from what it was sent). Every handle shares the count and the bound.
   */
  static attach(buffer: SharedArrayBuffer, byteOffset = 0): Semaphore {
    if (!(buffer instanceof SharedArrayBuffer)) {
      throw new TypeError('`buffer` must be the SharedArrayBuffer of a Semaphore (its `buffer`).');
    }
    // Int32Array throws the RangeError itself for an offset that is negative, not a multiple of
    // 4, or leaves no room for the cells.
    const cells = new Int32Array(buffer, byteOffset, CELLS);
    // Skip the constructor (it would make a new buffer) and point a handle at the shared cells.
    const handle = Object.create(Semaphore.prototype) as Semaphore;
    return Object.assign(handle, { buffer, byteOffset, cells });
  }

  /** Permits available right now (a snapshot: other threads may change it at once). */
  get available(): number {
    return Atomics.load(this.cells, COUNT);
  }

  /** Takes a permit if one is available and returns true; returns false at once otherwise. */
  tryAcquire(): boolean {
    for (;;) {
      const count = Atomics.load(this.cells, COUNT);
      if (count <= 0) return false;
      // Take it only if nobody took it between our load and now; otherwise look again.
      if (Atomics.compareExchange(this.cells, COUNT, count, count - 1) === count) return true;
    }
  }

  /**
   * Takes a permit, sleeping while none is available. Returns true once taken; false only when
   * `timeoutMs` ran out (`undefined`/`Infinity`: wait forever; 0 or less: do not wait).
   */
  acquire(timeoutMs = Infinity): boolean {
    if (Number.isNaN(timeoutMs)) {
      throw new RangeError('`timeoutMs` must be a number of milliseconds; got NaN.');
    }
    const deadline = performance.now() + timeoutMs; // Infinity: no deadline
    for (;;) {
      // Look before checking the clock: a waiter woken by release() just as its time ran out
      // still takes the permit it was woken for (otherwise that wake-up would be lost).
      if (this.tryAcquire()) return true;
      const remaining = deadline - performance.now();
      // Stryker disable next-line EqualityOperator: equivalent, a wait of 0 ms returns at once and the next turn has none left.
      if (remaining <= 0) return false;
      // Sleeps only while the count is still 0: a release() between our look and this call
      // changed it, and Atomics.wait then returns at once ("not-equal"). Wakes may be spurious,
      // so loop and look again. An Infinity timeout waits forever.
      Atomics.wait(this.cells, COUNT, 0, remaining);
    }
  }

  /** Returns a permit and wakes one waiter. More releases than acquires → RangeError. */
  release(): void {
    for (;;) {
      const count = Atomics.load(this.cells, COUNT);
      const bound = Atomics.load(this.cells, BOUND);
      if (count >= bound) {
        throw new RangeError(
          `\`release()\` without a matching \`acquire()\`: all ${bound} permits are already available (bounded semaphore).`,
        );
      }
      if (Atomics.compareExchange(this.cells, COUNT, count, count + 1) === count) break;
    }
    Atomics.notify(this.cells, COUNT, 1);
  }
}
