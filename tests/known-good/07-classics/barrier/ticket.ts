/** Known good: a monotonic ticket counter (round = floor(ticket / n)), waiters sleep until the counter reaches the end of their round; the solution packs a round number and a count in one word instead. */
export class Barrier {
  static readonly BYTES = 16;
  readonly n: number;
  readonly buffer: SharedArrayBuffer;
  readonly byteOffset: number;
  private readonly tickets: Int32Array;

  constructor(n: number, buffer?: SharedArrayBuffer, byteOffset = 0) {
    if (!Number.isInteger(n) || n < 1 || n > 65535)
      throw new RangeError(`n must be an integer from 1 to 65535, got ${n}`);
    if (buffer === undefined) buffer = new SharedArrayBuffer(Barrier.BYTES);
    if (!(buffer instanceof SharedArrayBuffer)) throw new TypeError('buffer must be a SharedArrayBuffer');
    // Node's own checks refuse a misaligned or negative offset, and one without 16 bytes after it.
    new Int32Array(buffer, byteOffset, Barrier.BYTES / 4);
    this.n = n;
    this.buffer = buffer;
    this.byteOffset = byteOffset;
    this.tickets = new Int32Array(buffer, byteOffset, 1);
  }

  wait(timeoutMs?: number): boolean {
    const forever = timeoutMs === undefined || timeoutMs === Infinity;
    const deadline = Date.now() + (forever ? 0 : (timeoutMs as number));
    const ticket = Atomics.add(this.tickets, 0, 1);
    const end = (Math.floor(ticket / this.n) + 1) * this.n; // the ticket count that completes my round
    if (ticket + 1 === end) {
      Atomics.notify(this.tickets, 0);
      return true;
    }
    for (;;) {
      const now = Atomics.load(this.tickets, 0);
      if (now >= end) return true;
      const left = forever ? Infinity : deadline - Date.now();
      if (left <= 0) {
        // Hand my ticket back, unless the round completed meanwhile (then the load above sees it).
        if (Atomics.compareExchange(this.tickets, 0, now, now - 1) === now) return false;
        continue;
      }
      Atomics.wait(this.tickets, 0, now, left);
    }
  }
}
