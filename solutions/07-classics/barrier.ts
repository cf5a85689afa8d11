/**
 * A reusable barrier for worker threads, like Python's `threading.Barrier`, in ONE Int32 of a
 * SharedArrayBuffer: the low 16 bits count this round's arrivals, the high 16 bits number the
 * round (the generation). Arriving, completing a round and withdrawing after a timeout are each
 * one compare-and-swap of that word, so they can never interleave: a withdrawal that races the
 * last arrival either lands before it (the round still needs n) or sees the new generation (the
 * round completed: it passed after all). Waiters sleep on the word; only a completed round
 * notifies, and it wakes everybody.
 */
const COUNT = 0xffff;
const MAX_PARTIES = 0xffff;

export class Barrier {
  /** Bytes of the buffer a barrier may use, from `byteOffset` on. */
  static readonly BYTES = 16;
  readonly n: number;
  readonly buffer: SharedArrayBuffer;
  readonly byteOffset: number;
  private readonly cell: Int32Array;

  constructor(n: number, buffer: SharedArrayBuffer = new SharedArrayBuffer(Barrier.BYTES), byteOffset = 0) {
    if (!Number.isInteger(n) || n < 1 || n > MAX_PARTIES) {
      throw new RangeError(`\`n\` must be an integer from 1 to ${MAX_PARTIES}; got ${n}.`);
    }
    if (!(buffer instanceof SharedArrayBuffer)) {
      throw new TypeError('`buffer` must be a SharedArrayBuffer: workers only share those.');
    }
    // Node's own RangeError for an offset that is misaligned, negative or without 16 bytes after it.
    new Int32Array(buffer, byteOffset, Barrier.BYTES / 4);
    this.n = n;
    this.buffer = buffer;
    this.byteOffset = byteOffset;
    this.cell = new Int32Array(buffer, byteOffset, 1);
  }

  /**
   * Arrives and sleeps until all n have arrived in this round: true. False when `timeoutMs` ran
   * out first (`undefined`/`Infinity`: never, NaN too as for Atomics.wait; 0 or less: at once),
   * with the arrival withdrawn.
   */
  wait(timeoutMs = Infinity): boolean {
    const deadline = performance.now() + timeoutMs;
    let seen = Atomics.load(this.cell, 0);
    let mine: number; // the word just after my arrival
    for (;;) {
      const last = (seen & COUNT) + 1 === this.n;
      // The last arrival opens the next generation with a count of 0 (16 bits of generation wrap).
      mine = (last ? seen | COUNT : seen) + 1; // last: a carry into the generation, count 0
      const before = Atomics.compareExchange(this.cell, 0, seen, mine);
      if (before === seen) {
        if (!last) break;
        Atomics.notify(this.cell, 0);
        return true;
      }
      seen = before;
    }
    // Sleep while the round is mine. Once the time has run out (Atomics.wait's own 'timed-out': a
    // deadline already past waits 0 ms), withdraw my arrival in one compare-and-swap, which fails
    // if the word changed meanwhile: then look again (the round may have completed).
    const generation = seen >>> 16;
    for (let now = mine; now >>> 16 === generation; now = Atomics.load(this.cell, 0)) {
      if (
        Atomics.wait(this.cell, 0, now, deadline - performance.now()) === 'timed-out' &&
        Atomics.compareExchange(this.cell, 0, now, now - 1) === now
      ) {
        return false;
      }
    }
    return true;
  }
}
