/**
 * A lock shared by worker threads, like Python's `threading.Lock`, built on one Int32 of a
 * SharedArrayBuffer and the Atomics API.
 *
 * The cell holds 0 (unlocked) or 1 (locked). `acquire()` swaps 0 for 1 in one atomic step
 * (Atomics.compareExchange); while that fails it sleeps in Atomics.wait on the cell, and every
 * `release()` stores 0 and wakes one sleeper with Atomics.notify (a notify nobody waits for wakes
 * no one). A three-state cell (Drepper, "Futexes Are Tricky") would skip that notify when nobody
 * waits; this one keeps the code short.
 */
const UNLOCKED = 0;
const LOCKED = 1;

export class Mutex {
  readonly buffer: SharedArrayBuffer;
  readonly byteOffset: number;
  private readonly cell: Int32Array;

  constructor(buffer: SharedArrayBuffer = new SharedArrayBuffer(4), byteOffset = 0) {
    if (!(buffer instanceof SharedArrayBuffer)) {
      throw new TypeError('`buffer` must be a SharedArrayBuffer: workers only share those.');
    }
    // Int32Array throws the RangeError itself for an offset that is negative, not a multiple of
    // 4, or leaves no room for one Int32.
    this.cell = new Int32Array(buffer, byteOffset, 1);
    this.buffer = buffer;
    this.byteOffset = byteOffset;
  }

  /** Takes the lock if it is free; never waits. */
  tryAcquire(): boolean {
    return Atomics.compareExchange(this.cell, 0, UNLOCKED, LOCKED) === UNLOCKED;
  }

  /**
   * Takes the lock, sleeping in Atomics.wait while another thread holds it. Returns false only
   * when `timeoutMs` ran out (`undefined`/`Infinity`: wait forever; 0, less or NaN: do not wait).
   */
  acquire(timeoutMs = Infinity): boolean {
    const deadline = performance.now() + timeoutMs; // Infinity: no deadline; NaN: none left
    while (!this.tryAcquire()) {
      const remaining = deadline - performance.now();
      // Stryker disable next-line EqualityOperator: equivalent, a wait of 0 ms returns at once and the next turn has none left.
      if (!(remaining > 0)) return false;
      // Sleeps only while the cell still says locked: a release() since our look makes it return
      // at once. Wakes may be spurious, so loop and look again. Infinity: no timeout.
      Atomics.wait(this.cell, 0, LOCKED, remaining);
    }
    return true;
  }

  /** Frees the lock and wakes one sleeping waiter. Releasing an unlocked mutex throws. */
  release(): void {
    if (Atomics.exchange(this.cell, 0, UNLOCKED) === UNLOCKED) {
      throw new Error('release() of an unlocked Mutex: every release() must follow an acquire().');
    }
    Atomics.notify(this.cell, 0, 1);
  }

  /** Runs `fn` holding the lock, and releases it even when `fn` throws. */
  withLock<T>(fn: () => T): T {
    this.acquire();
    try {
      return fn();
    } finally {
      this.release();
    }
  }
}
