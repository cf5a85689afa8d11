/** Known good: readers, writer and waiting writers in separate cells, every change made under a small futex lock in a fourth cell, sleepers re-check every 5 ms or when notified on the writer cell; the solution packs everything in one compare-and-swap word instead. */
const LOCK = 0;
const READERS = 1;
const WRITER = 2;
const WAITING = 3;

export class RWLock {
  static readonly BYTES = 16;
  readonly buffer: SharedArrayBuffer;
  readonly byteOffset: number;
  private readonly c: Int32Array;

  constructor(buffer?: SharedArrayBuffer, byteOffset = 0) {
    buffer ??= new SharedArrayBuffer(16);
    if (!(buffer instanceof SharedArrayBuffer)) throw new TypeError('buffer must be a SharedArrayBuffer');
    this.c = new Int32Array(buffer, byteOffset, 4); // Node's own RangeErrors for a bad offset
    this.buffer = buffer;
    this.byteOffset = byteOffset;
  }

  private lock(): void {
    while (Atomics.compareExchange(this.c, LOCK, 0, 1) !== 0) Atomics.wait(this.c, LOCK, 1, 1);
  }
  private unlock(): void {
    Atomics.store(this.c, LOCK, 0);
    Atomics.notify(this.c, LOCK, 1);
  }
  /** Runs `step` under the lock until it says done (true/false) or time runs out (null: wait). */
  private until(timeoutMs: number | undefined, step: () => boolean | null, giveUp: () => void): boolean {
    const end = timeoutMs === undefined ? Infinity : Date.now() + timeoutMs;
    for (;;) {
      this.lock();
      const r = step();
      if (r !== null) {
        this.unlock();
        return r;
      }
      if (Date.now() >= end) {
        giveUp();
        this.unlock();
        return false;
      }
      // Sleep on the readers cell or the writer cell: both change (and notify) when the lock frees.
      const seenW = this.c[WRITER];
      this.unlock();
      Atomics.wait(this.c, WRITER, seenW, Math.min(5, end - Date.now()));
    }
  }

  acquireRead(timeoutMs?: number): boolean {
    return this.until(
      timeoutMs,
      () => {
        if (this.c[WRITER] !== 0 || this.c[WAITING] !== 0) return null;
        this.c[READERS]++;
        return true;
      },
      () => undefined,
    );
  }

  releaseRead(): void {
    this.lock();
    const r = this.c[READERS];
    if (r === 0) {
      this.unlock();
      throw new Error('releaseRead() without a reader');
    }
    this.c[READERS] = r - 1;
    this.unlock();
    if (r === 1) this.poke();
  }

  acquireWrite(timeoutMs?: number): boolean {
    let registered = false;
    return (
      this.until(
        timeoutMs,
        () => {
          if (!registered) {
            this.c[WAITING]++;
            registered = true;
          }
          if (this.c[WRITER] !== 0 || this.c[READERS] !== 0) return null;
          this.c[WAITING]--;
          this.c[WRITER] = 1;
          return true;
        },
        () => {
          this.c[WAITING]--;
          this.pokeLater = true;
        },
      ) || this.afterGiveUp()
    );
  }
  private pokeLater = false;
  private afterGiveUp(): false {
    if (this.pokeLater) this.poke();
    this.pokeLater = false;
    return false;
  }

  releaseWrite(): void {
    this.lock();
    if (this.c[WRITER] === 0) {
      this.unlock();
      throw new Error('releaseWrite() without a writer');
    }
    this.c[WRITER] = 0;
    this.unlock();
    this.poke();
  }

  /** Wakes every sleeper: they sleep on the WRITER cell, so bump nothing, just notify. */
  private poke(): void {
    Atomics.notify(this.c, WRITER);
  }
}
