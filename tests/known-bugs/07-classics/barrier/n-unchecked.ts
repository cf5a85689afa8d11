/**
 * Known bug: n is only checked to be positive, so 1.5, NaN-free fractions and n above 65535 (which
 * no longer fits the 16-bit count) are accepted.
 *
 * @catches §1 refuses a bad n with RangeError
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
    if (!(n >= 1) || n === Infinity) {
      throw new RangeError(`\`n\` must be an integer from 1 to ${MAX_PARTIES}; got ${n}.`);
    }
    if (!(buffer instanceof SharedArrayBuffer)) {
      throw new TypeError('`buffer` must be a SharedArrayBuffer: workers only share those.');
    }
    if (
      !Number.isInteger(byteOffset / 4) ||
      byteOffset < 0 ||
      byteOffset + Barrier.BYTES > buffer.byteLength
    ) {
      throw new RangeError(
        `\`byteOffset\` must be a multiple of 4 with ${Barrier.BYTES} bytes after it in a buffer of ${buffer.byteLength} bytes; got ${byteOffset}.`,
      );
    }
    this.n = n;
    this.buffer = buffer;
    this.byteOffset = byteOffset;
    this.cell = new Int32Array(buffer, byteOffset, 1);
  }

  /**
   * Arrives and sleeps until all n have arrived in this round: true. False when `timeoutMs` ran
   * out first (`undefined`/`Infinity`: never; 0, less or NaN: at once), with the arrival withdrawn.
   */
  wait(timeoutMs = Infinity): boolean {
    const deadline = performance.now() + timeoutMs;
    let seen = Atomics.load(this.cell, 0);
    let mine: number; // the word just after my arrival
    for (;;) {
      const last = (seen & COUNT) + 1 === this.n;
      // The last arrival opens the next generation with a count of 0 (16 bits of generation wrap).
      mine = last ? ((seen >>> 16) + 1) << 16 : seen + 1;
      const before = Atomics.compareExchange(this.cell, 0, seen, mine);
      if (before === seen) {
        if (!last) break;
        Atomics.notify(this.cell, 0);
        return true;
      }
      seen = before;
    }
    const generation = seen >>> 16;
    let now = mine;
    while (now >>> 16 === generation) {
      const remaining = deadline - performance.now();
      if (!(remaining > 0)) {
        // Withdraw my arrival, unless the round completed in the meantime.
        const before = Atomics.compareExchange(this.cell, 0, now, now - 1);
        if (before === now) return false;
        now = before;
        continue;
      }
      Atomics.wait(this.cell, 0, now, remaining);
      now = Atomics.load(this.cell, 0);
    }
    return true;
  }
}
