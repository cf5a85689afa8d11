/** Known good: a third Int32 counts the sleepers, so release() calls Atomics.notify only when one may be asleep, and attach() goes through the constructor with a module-private flag (the solution always notifies and builds handles with Object.create). */
const COUNT = 0;
const BOUND = 1;
const SLEEPERS = 2;
const BYTES = 12;

let attaching: { buffer: SharedArrayBuffer; byteOffset: number } | undefined;

export class Semaphore {
  readonly buffer: SharedArrayBuffer;
  readonly byteOffset: number;
  private readonly cells: Int32Array;

  constructor(permits: number) {
    const target = attaching;
    attaching = undefined;
    if (target) {
      this.buffer = target.buffer;
      this.byteOffset = target.byteOffset;
      this.cells = new Int32Array(target.buffer, target.byteOffset, 3);
      return;
    }
    if (typeof permits !== 'number' || !(permits >= 0) || permits % 1 !== 0 || permits > 0x7fffffff) {
      throw new RangeError(`permits must be a whole number from 0 to 2147483647, not ${permits}`);
    }
    this.buffer = new SharedArrayBuffer(BYTES);
    this.byteOffset = 0;
    this.cells = new Int32Array(this.buffer);
    Atomics.store(this.cells, COUNT, permits);
    Atomics.store(this.cells, BOUND, permits);
  }

  static attach(buffer: SharedArrayBuffer, byteOffset = 0): Semaphore {
    if (Object.prototype.toString.call(buffer) !== '[object SharedArrayBuffer]') {
      throw new TypeError('attach() needs the SharedArrayBuffer of a Semaphore');
    }
    if (
      typeof byteOffset !== 'number' ||
      byteOffset < 0 ||
      byteOffset % 4 !== 0 ||
      byteOffset + BYTES > buffer.byteLength
    ) {
      throw new RangeError(`no Semaphore fits at offset ${byteOffset} of a ${buffer.byteLength}-byte buffer`);
    }
    attaching = { buffer, byteOffset };
    return new Semaphore(0);
  }

  get available(): number {
    return Atomics.load(this.cells, COUNT);
  }

  tryAcquire(): boolean {
    for (;;) {
      const n = Atomics.load(this.cells, COUNT);
      if (n === 0) return false;
      if (Atomics.compareExchange(this.cells, COUNT, n, n - 1) === n) return true;
    }
  }

  acquire(timeoutMs: number = Infinity): boolean {
    if (timeoutMs !== timeoutMs) throw new RangeError('timeoutMs is NaN');
    if (this.tryAcquire()) return true;
    if (timeoutMs <= 0) return false;
    const deadline = performance.now() + timeoutMs;
    for (;;) {
      // Announce the sleeper before looking at the count one last time: a release() that comes
      // after our look sees the announcement and notifies.
      Atomics.add(this.cells, SLEEPERS, 1);
      try {
        if (this.tryAcquire()) return true;
        const left = deadline - performance.now();
        if (left <= 0) return false;
        Atomics.wait(this.cells, COUNT, 0, left);
      } finally {
        Atomics.sub(this.cells, SLEEPERS, 1);
      }
    }
  }

  release(): void {
    for (;;) {
      const n = Atomics.load(this.cells, COUNT);
      if (n >= Atomics.load(this.cells, BOUND)) {
        throw new RangeError('release() without acquire(): every permit is already free');
      }
      if (Atomics.compareExchange(this.cells, COUNT, n, n + 1) === n) break;
    }
    if (Atomics.load(this.cells, SLEEPERS) > 0) Atomics.notify(this.cells, COUNT, 1);
  }
}
