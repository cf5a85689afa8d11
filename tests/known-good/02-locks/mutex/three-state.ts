/** Known good: Drepper's three-state futex mutex (0 free, 1 held, 2 held with sleepers), where release() notifies only when the cell said 2; the solution is two-state and always notifies. */
const UNLOCKED = 0;
const LOCKED = 1;
const CONTENDED = 2;

export class Mutex {
  readonly buffer: SharedArrayBuffer;
  readonly byteOffset: number;
  private readonly cell: Int32Array;

  constructor(buffer: SharedArrayBuffer = new SharedArrayBuffer(4), byteOffset = 0) {
    if (!(buffer instanceof SharedArrayBuffer)) {
      throw new TypeError('`buffer` must be a SharedArrayBuffer: workers only share those.');
    }
    if (
      !Number.isInteger(byteOffset / 4) || // NaN, 1.5 and 2 all fail
      byteOffset < 0 ||
      byteOffset + 4 > buffer.byteLength
    ) {
      throw new RangeError(
        `\`byteOffset\` must be a multiple of 4 with room for one Int32 in a buffer of ${buffer.byteLength} bytes; got ${byteOffset}.`,
      );
    }
    this.buffer = buffer;
    this.byteOffset = byteOffset;
    this.cell = new Int32Array(buffer, byteOffset, 1);
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
    if (this.tryAcquire()) return true;
    const deadline = performance.now() + timeoutMs; // Infinity: no deadline; NaN: none left
    // Announce a waiter (state 2) and sleep while the lock stays taken. Whoever sees 0 while
    // swapping in 2 owns the lock (in the contended state, which costs at most a spare notify).
    while (Atomics.exchange(this.cell, 0, CONTENDED) !== UNLOCKED) {
      const remaining = deadline - performance.now();
      if (!(remaining > 0)) return false;
      Atomics.wait(this.cell, 0, CONTENDED, remaining); // Infinity: no timeout
    }
    return true;
  }

  /** Frees the lock and wakes one sleeping waiter. Releasing an unlocked mutex throws. */
  release(): void {
    const previous = Atomics.exchange(this.cell, 0, UNLOCKED);
    if (previous === UNLOCKED) {
      throw new Error('release() of an unlocked Mutex: every release() must follow an acquire().');
    }
    if (previous === CONTENDED) Atomics.notify(this.cell, 0, 1);
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
