/** Known good: an exchange-based two-state lock that spins a bounded 64 tries before each sleep, waits in timed slices of what is left, and validates exactly as stated with Node's own errors (the solution sleeps at once after a compareExchange and validates by hand). */
const SPINS = 64;

export class Mutex {
  readonly buffer: SharedArrayBuffer;
  readonly byteOffset: number;
  private readonly cell: Int32Array;

  constructor(buffer?: SharedArrayBuffer, byteOffset?: number) {
    const buf = buffer ?? new SharedArrayBuffer(4);
    const offset = byteOffset ?? 0;
    if (Object.prototype.toString.call(buf) !== '[object SharedArrayBuffer]') {
      throw new TypeError('The "buffer" argument must be a SharedArrayBuffer');
    }
    // Int32Array itself throws RangeError for a misaligned or out-of-range offset; a negative or
    // fractional one it would coerce, so those are refused here.
    if (!(Number.isInteger(offset) && offset >= 0)) {
      throw new RangeError(`The value of "byteOffset" is out of range. Received ${offset}`);
    }
    this.cell = new Int32Array(buf, offset, 1);
    this.buffer = buf;
    this.byteOffset = offset;
  }

  tryAcquire(): boolean {
    // exchange, not compareExchange: whoever swaps out the 0 owns it; a loser stores 1 over a
    // held lock, which leaves it held.
    if (Atomics.load(this.cell, 0) !== 0) return false;
    return Atomics.exchange(this.cell, 0, 1) === 0;
  }

  acquire(timeoutMs?: number): boolean {
    const limit = timeoutMs === undefined ? Infinity : timeoutMs;
    const start = Date.now();
    for (;;) {
      for (let i = 0; i < SPINS; i++) if (this.tryAcquire()) return true;
      const left = limit - (Date.now() - start);
      if (!(left > 0)) return false;
      const seen = Atomics.load(this.cell, 0);
      if (seen !== 0) Atomics.wait(this.cell, 0, seen, left);
    }
  }

  release(): void {
    if (Atomics.exchange(this.cell, 0, 0) === 0) throw new Error('Mutex is not locked');
    Atomics.notify(this.cell, 0, 1);
  }

  withLock<T>(fn: () => T): T {
    this.acquire();
    try {
      return fn();
    } finally {
      this.release();
    }
  }
}
