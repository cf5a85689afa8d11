/** Known good: the bound in the first Int32 and the count in the second, a release() that wakes every sleeper (they race for the permit and the losers sleep again), and attach() validated exactly as stated with Node's own errors where Int32Array gives them (the solution keeps the count first, wakes one, and words its own errors). */
const BOUND = 0;
const COUNT = 1;

export class Semaphore {
  readonly buffer: SharedArrayBuffer;
  readonly byteOffset: number;
  private readonly view: Int32Array;

  constructor(permits: number) {
    if (!Number.isInteger(permits) || permits < 0 || permits > 2 ** 31 - 1) {
      throw new RangeError(`The value of "permits" is out of range. Received ${permits}`);
    }
    this.buffer = new SharedArrayBuffer(8);
    this.byteOffset = 0;
    this.view = new Int32Array(this.buffer);
    this.view[BOUND] = permits;
    this.view[COUNT] = permits;
  }

  static attach(buffer: SharedArrayBuffer, byteOffset = 0): Semaphore {
    if (!(buffer instanceof SharedArrayBuffer)) {
      throw new TypeError('The "buffer" argument must be an instance of SharedArrayBuffer');
    }
    if (!(Number.isInteger(byteOffset) && byteOffset >= 0)) {
      throw new RangeError(`The value of "byteOffset" is out of range. Received ${byteOffset}`);
    }
    // Misaligned, or no room for 2 Int32s: Int32Array's own RangeError.
    const view = new Int32Array(buffer, byteOffset, 2);
    const handle: Semaphore = Object.create(Semaphore.prototype);
    Object.defineProperties(handle, {
      buffer: { value: buffer },
      byteOffset: { value: byteOffset },
      view: { value: view },
    });
    return handle;
  }

  get available(): number {
    return Atomics.load(this.view, COUNT);
  }

  tryAcquire(): boolean {
    let seen = Atomics.load(this.view, COUNT);
    while (seen > 0) {
      const was = Atomics.compareExchange(this.view, COUNT, seen, seen - 1);
      if (was === seen) return true;
      seen = was;
    }
    return false;
  }

  acquire(timeoutMs?: number): boolean {
    if (Number.isNaN(timeoutMs))
      throw new RangeError('The value of "timeoutMs" is out of range. Received NaN');
    const end = timeoutMs === undefined ? Infinity : Date.now() + timeoutMs;
    while (!this.tryAcquire()) {
      const left = end - Date.now();
      if (left <= 0) return false;
      Atomics.wait(this.view, COUNT, 0, left);
    }
    return true;
  }

  release(): void {
    const bound = Atomics.load(this.view, BOUND);
    let seen = Atomics.load(this.view, COUNT);
    for (;;) {
      if (seen >= bound) throw new RangeError(`Semaphore released too many times (bound ${bound})`);
      const was = Atomics.compareExchange(this.view, COUNT, seen, seen + 1);
      if (was === seen) break;
      seen = was;
    }
    Atomics.notify(this.view, COUNT);
  }
}
