/**
 * Known bug: a fast worker laps the others. Waiters sleep until the count reaches n, and the count
 * is reset by the LAST TO LEAVE; a worker that passes and comes straight back for the next round
 * finds the count still at n and walks through without waiting for anybody.
 *
 * @catches §3 §4 round after round
 */
const MAX_PARTIES = 0xffff;

export class Barrier {
  static readonly BYTES = 16;
  readonly n: number;
  readonly buffer: SharedArrayBuffer;
  readonly byteOffset: number;
  private readonly cells: Int32Array; // [arrived, left]

  constructor(n: number, buffer: SharedArrayBuffer = new SharedArrayBuffer(Barrier.BYTES), byteOffset = 0) {
    if (!Number.isInteger(n) || n < 1 || n > MAX_PARTIES) {
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
      throw new RangeError(`bad \`byteOffset\`: ${byteOffset}`);
    }
    this.n = n;
    this.buffer = buffer;
    this.byteOffset = byteOffset;
    this.cells = new Int32Array(buffer, byteOffset, 2);
  }

  wait(timeoutMs = Infinity): boolean {
    const deadline = performance.now() + timeoutMs;
    const arrived = Atomics.add(this.cells, 0, 1) + 1;
    if (arrived >= this.n) {
      Atomics.notify(this.cells, 0);
    } else {
      for (let seen = arrived; seen < this.n; seen = Atomics.load(this.cells, 0)) {
        const remaining = deadline - performance.now();
        if (!(remaining > 0)) {
          Atomics.sub(this.cells, 0, 1);
          return false;
        }
        Atomics.wait(this.cells, 0, seen, remaining);
      }
    }
    // The last to leave resets the count for the next round: too late for a fast worker.
    if (Atomics.add(this.cells, 1, 1) + 1 === this.n) {
      Atomics.store(this.cells, 1, 0);
      Atomics.store(this.cells, 0, 0);
    }
    return true;
  }
}
