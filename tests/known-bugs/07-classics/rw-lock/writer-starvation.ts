/**
 * Known bug: writer starvation (the "lightswitch"). acquireRead() lets a reader in whenever no
 * writer HOLDS the lock, ignoring waiting writers, so overlapping readers keep a writer out for ever.
 *
 * @catches §5 a writer is not starved
 */
const READER = 1;
const READERS = 0x7fff;
const WAITER = 1 << 15;
const WAITERS = 0x7fff << 15;
const WRITER = 1 << 30;

export class RWLock {
  /** Bytes of the buffer a lock may use, from `byteOffset` on. */
  static readonly BYTES = 16;
  readonly buffer: SharedArrayBuffer;
  readonly byteOffset: number;
  private readonly cell: Int32Array;

  constructor(buffer: SharedArrayBuffer = new SharedArrayBuffer(RWLock.BYTES), byteOffset = 0) {
    if (!(buffer instanceof SharedArrayBuffer)) {
      throw new TypeError('`buffer` must be a SharedArrayBuffer: workers only share those.');
    }
    if (
      !Number.isInteger(byteOffset / 4) ||
      byteOffset < 0 ||
      byteOffset + RWLock.BYTES > buffer.byteLength
    ) {
      throw new RangeError(
        `\`byteOffset\` must be a multiple of 4 with ${RWLock.BYTES} bytes after it in a buffer of ${buffer.byteLength} bytes; got ${byteOffset}.`,
      );
    }
    this.buffer = buffer;
    this.byteOffset = byteOffset;
    this.cell = new Int32Array(buffer, byteOffset, 1);
  }

  /** Shares the lock with other readers; waits while a writer holds it or waits for it. */
  acquireRead(timeoutMs = Infinity): boolean {
    const deadline = performance.now() + timeoutMs;
    for (let seen = Atomics.load(this.cell, 0); ;) {
      if ((seen & WRITER) === 0) {
        const before = Atomics.compareExchange(this.cell, 0, seen, seen + READER);
        if (before === seen) return true;
        seen = before;
        continue;
      }
      const remaining = deadline - performance.now();
      if (!(remaining > 0)) return false;
      Atomics.wait(this.cell, 0, seen, remaining);
      seen = Atomics.load(this.cell, 0);
    }
  }

  /** Frees one reader's share; the last reader out wakes the waiting writer. */
  releaseRead(): void {
    const before = this.update((v) => {
      if ((v & READERS) === 0) throw new Error('releaseRead() of an RWLock that no reader holds.');
      return v - READER;
    });
    if ((before & READERS) === READER) Atomics.notify(this.cell, 0);
  }

  /** Takes the lock alone: announces itself (new readers wait), then waits for the lock to empty. */
  acquireWrite(timeoutMs = Infinity): boolean {
    const deadline = performance.now() + timeoutMs;
    let seen = this.update((v) => v + WAITER) + WAITER;
    for (;;) {
      if ((seen & (WRITER | READERS)) === 0) {
        const before = Atomics.compareExchange(this.cell, 0, seen, seen - WAITER + WRITER);
        if (before === seen) return true;
        seen = before;
        continue;
      }
      const remaining = deadline - performance.now();
      if (!(remaining > 0)) {
        // Give up: no longer hold the readers back, and let them know.
        this.update((v) => v - WAITER);
        Atomics.notify(this.cell, 0);
        return false;
      }
      Atomics.wait(this.cell, 0, seen, remaining);
      seen = Atomics.load(this.cell, 0);
    }
  }

  /** Frees the writer's hold and wakes everybody waiting. */
  releaseWrite(): void {
    this.update((v) => {
      if ((v & WRITER) === 0) throw new Error('releaseWrite() of an RWLock that no writer holds.');
      return v - WRITER;
    });
    Atomics.notify(this.cell, 0);
  }

  /** Applies `change` to the word atomically (compare-and-swap loop); returns the old word. */
  private update(change: (v: number) => number): number {
    for (let seen = Atomics.load(this.cell, 0); ;) {
      const before = Atomics.compareExchange(this.cell, 0, seen, change(seen));
      if (before === seen) return seen;
      seen = before;
    }
  }
}
