/** Known good: a writer first claims a flag cell (one writer at a time), then waits for the reader count to drain; readers add themselves optimistically and back out if they find the flag set. No packed word, no internal lock: two cells and sequentially consistent Atomics. */
export class RWLock {
  static readonly BYTES = 16;
  readonly buffer: SharedArrayBuffer;
  readonly byteOffset: number;
  private readonly readers: Int32Array;
  private readonly writer: Int32Array; // 0 free, 1 claimed (waiting for readers), 2 held

  constructor(buffer: SharedArrayBuffer = new SharedArrayBuffer(16), byteOffset = 0) {
    if (Object.prototype.toString.call(buffer) !== '[object SharedArrayBuffer]') {
      throw new TypeError('The "buffer" argument must be an instance of SharedArrayBuffer.');
    }
    if (byteOffset % 4 !== 0 || byteOffset < 0 || byteOffset > buffer.byteLength - 16) {
      throw new RangeError(`The value of "byteOffset" is out of range. Received ${byteOffset}`);
    }
    this.buffer = buffer;
    this.byteOffset = byteOffset;
    this.readers = new Int32Array(buffer, byteOffset, 1);
    this.writer = new Int32Array(buffer, byteOffset + 4, 1);
  }

  private left(end: number): number {
    return end - performance.now();
  }

  acquireRead(timeoutMs: number = Infinity): boolean {
    const end = performance.now() + timeoutMs;
    for (;;) {
      const w = Atomics.load(this.writer, 0);
      if (w === 0) {
        Atomics.add(this.readers, 0, 1);
        if (Atomics.load(this.writer, 0) === 0) return true;
        // A writer claimed the flag meanwhile: back out, and wake it if we were the last.
        if (Atomics.sub(this.readers, 0, 1) === 1) Atomics.notify(this.readers, 0);
        continue;
      }
      const left = this.left(end);
      if (left <= 0) return false;
      Atomics.wait(this.writer, 0, w, left);
    }
  }

  releaseRead(): void {
    for (;;) {
      const r = Atomics.load(this.readers, 0);
      if (r <= 0) throw new Error('releaseRead(): no reader holds the lock');
      if (Atomics.compareExchange(this.readers, 0, r, r - 1) === r) {
        if (r === 1) Atomics.notify(this.readers, 0);
        return;
      }
    }
  }

  acquireWrite(timeoutMs: number = Infinity): boolean {
    const end = performance.now() + timeoutMs;
    // 1. Claim the flag (new readers now wait or back out).
    for (;;) {
      const w = Atomics.compareExchange(this.writer, 0, 0, 1);
      if (w === 0) break;
      const left = this.left(end);
      if (left <= 0) return false;
      Atomics.wait(this.writer, 0, w, left);
    }
    // 2. Wait for the readers inside to leave.
    for (;;) {
      const r = Atomics.load(this.readers, 0);
      if (r === 0) {
        Atomics.store(this.writer, 0, 2);
        return true;
      }
      const left = this.left(end);
      if (left <= 0) {
        Atomics.store(this.writer, 0, 0);
        Atomics.notify(this.writer, 0);
        return false;
      }
      Atomics.wait(this.readers, 0, r, left);
    }
  }

  releaseWrite(): void {
    if (Atomics.compareExchange(this.writer, 0, 2, 0) !== 2) {
      throw new Error('releaseWrite(): no writer holds the lock');
    }
    Atomics.notify(this.writer, 0);
  }
}
