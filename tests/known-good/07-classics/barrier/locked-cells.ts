/** Known good: count and round in separate cells guarded by a small futex lock in a third cell (every arrival and withdrawal runs under the lock); the solution uses one lock-free compare-and-swap word instead. */
const LOCK = 0;
const COUNT = 1;
const ROUND = 2;

export class Barrier {
  static readonly BYTES = 16;
  readonly n: number;
  readonly buffer: SharedArrayBuffer;
  readonly byteOffset: number;
  private readonly cells: Int32Array;

  constructor(n: number, buffer: SharedArrayBuffer = new SharedArrayBuffer(16), byteOffset: number = 0) {
    if (typeof n !== 'number' || !Number.isInteger(n) || n <= 0 || n >= 65536) {
      throw new RangeError('The number of parties must be an integer in [1, 65535]');
    }
    if (Object.prototype.toString.call(buffer) !== '[object SharedArrayBuffer]') {
      throw new TypeError('The "buffer" argument must be a SharedArrayBuffer');
    }
    if (byteOffset % 4 !== 0 || byteOffset < 0 || buffer.byteLength - byteOffset < 16) {
      throw new RangeError(`The value of "byteOffset" is out of range. Received ${byteOffset}`);
    }
    this.n = n;
    this.buffer = buffer;
    this.byteOffset = byteOffset;
    this.cells = new Int32Array(buffer, byteOffset, 3);
  }

  private lock(): void {
    while (Atomics.compareExchange(this.cells, LOCK, 0, 1) !== 0) Atomics.wait(this.cells, LOCK, 1, 1);
  }

  private unlock(): void {
    Atomics.store(this.cells, LOCK, 0);
    Atomics.notify(this.cells, LOCK, 1);
  }

  wait(timeoutMs: number = Infinity): boolean {
    const start = Date.now();
    this.lock();
    const round = this.cells[ROUND];
    if (++this.cells[COUNT] === this.n) {
      this.cells[COUNT] = 0;
      Atomics.store(this.cells, ROUND, (round + 1) | 0);
      this.unlock();
      Atomics.notify(this.cells, ROUND);
      return true;
    }
    this.unlock();
    while (Atomics.load(this.cells, ROUND) === round) {
      const left = timeoutMs - (Date.now() - start);
      if (left > 0) {
        Atomics.wait(this.cells, ROUND, round, left);
        continue;
      }
      this.lock();
      const passed = this.cells[ROUND] !== round;
      if (!passed) this.cells[COUNT]--;
      this.unlock();
      return passed;
    }
    return true;
  }
}
