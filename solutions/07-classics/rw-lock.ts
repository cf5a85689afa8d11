/**
 * A readers–writer lock for worker threads, preferring writers, in ONE Int32 of a
 * SharedArrayBuffer:
 *   bits 0-14   readers holding the lock
 *   bits 15-29  writers waiting in acquireWrite()
 *   bit 30      a writer holds the lock
 * Every change is one atomic step on that word: a compare-and-swap where it depends on the word,
 * an Atomics.add/sub where it does not (a writer announcing itself or giving up). A reader gets
 * in only when no writer holds the lock or waits for it, so a stream of readers cannot starve a
 * writer: once a writer waits, the readers inside drain and the writer goes next. Sleepers sleep
 * on the word; every release and every writer giving up wakes them all to look again.
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
    // Node's own RangeError for an offset that is misaligned, negative or without 16 bytes after it.
    new Int32Array(buffer, byteOffset, RWLock.BYTES / 4);
    this.buffer = buffer;
    this.byteOffset = byteOffset;
    this.cell = new Int32Array(buffer, byteOffset, 1);
  }

  /** Shares the lock with other readers; waits while a writer holds it or waits for it. */
  acquireRead(timeoutMs = Infinity): boolean {
    const deadline = performance.now() + timeoutMs;
    for (;;) {
      const seen = Atomics.load(this.cell, 0);
      if ((seen & (WRITER | WAITERS)) === 0) {
        if (Atomics.compareExchange(this.cell, 0, seen, seen + READER) === seen) return true;
      } else if (this.sleep(seen, deadline)) return false;
    }
  }

  /** Frees one reader's share and wakes the sleepers (a waiting writer, when it was the last). */
  releaseRead(): void {
    this.update((v) => {
      if ((v & READERS) === 0) throw new Error('releaseRead() of an RWLock that no reader holds.');
      return v - READER;
    });
    Atomics.notify(this.cell, 0);
  }

  /** Takes the lock alone: announces itself (new readers wait), then waits for the lock to empty. */
  acquireWrite(timeoutMs = Infinity): boolean {
    const deadline = performance.now() + timeoutMs;
    Atomics.add(this.cell, 0, WAITER);
    for (;;) {
      const seen = Atomics.load(this.cell, 0);
      if ((seen & (WRITER | READERS)) === 0) {
        if (Atomics.compareExchange(this.cell, 0, seen, (seen - WAITER) | WRITER) === seen) return true;
      } else if (this.sleep(seen, deadline)) {
        // Give up: no longer hold the readers back, and let them know.
        Atomics.sub(this.cell, 0, WAITER);
        Atomics.notify(this.cell, 0);
        return false;
      }
    }
  }

  /** Frees the writer's hold and wakes everybody waiting. */
  releaseWrite(): void {
    this.update((v) => {
      if ((v & WRITER) === 0) throw new Error('releaseWrite() of an RWLock that no writer holds.');
      return v ^ WRITER;
    });
    Atomics.notify(this.cell, 0);
  }

  /**
   * Sleeps while the word is still `seen`, until `deadline`: true once the time has run out
   * (Atomics.wait's own 'timed-out'; a deadline already past waits 0 ms). The one deadline path.
   */
  private sleep(seen: number, deadline: number): boolean {
    return Atomics.wait(this.cell, 0, seen, deadline - performance.now()) === 'timed-out';
  }

  /** Applies `change` to the word atomically (a compare-and-swap loop). */
  private update(change: (v: number) => number): void {
    for (let seen = Atomics.load(this.cell, 0); ;) {
      const before = Atomics.compareExchange(this.cell, 0, seen, change(seen));
      if (before === seen) return;
      seen = before;
    }
  }
}
