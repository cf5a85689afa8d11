/**
 * Known good: Dijkstra's producer/consumer with two promise-based counting semaphores, `slots`
 * (free room) and `filled` (items), around a plain array; the solution instead hands items and
 * slots to waiters directly from two waiter queues.
 */
class Semaphore {
  private readonly waiters: { resolve: () => void; reject: (e: Error) => void }[] = [];
  private closedWith?: Error;

  constructor(private permits: number) {}

  acquire(): Promise<void> {
    if (this.permits > 0) {
      this.permits--;
      return Promise.resolve();
    }
    if (this.closedWith) return Promise.reject(this.closedWith);
    return new Promise((resolve, reject) => this.waiters.push({ resolve, reject }));
  }

  release(): void {
    const waiter = this.waiters.shift();
    if (waiter)
      waiter.resolve(); // the permit passes to the oldest waiter
    else this.permits++;
  }

  /** Rejects the waiters, and later acquires that find no permit. */
  close(error: Error): void {
    this.closedWith = error;
    for (const waiter of this.waiters.splice(0)) waiter.reject(error);
  }
}

export class BoundedQueue<T> {
  private readonly items: T[] = [];
  private readonly slots: Semaphore;
  private readonly filled = new Semaphore(0);
  private closed = false;

  constructor(capacity: number) {
    if (!Number.isInteger(capacity) || capacity <= 0) {
      throw new RangeError(`capacity must be a positive integer (got ${capacity})`);
    }
    this.slots = new Semaphore(capacity);
  }

  async put(item: T): Promise<void> {
    if (this.closed) throw new Error('queue closed');
    await this.slots.acquire();
    if (this.closed) {
      this.slots.release();
      throw new Error('queue closed');
    }
    this.items.push(item);
    this.filled.release();
  }

  async take(): Promise<T> {
    await this.filled.acquire();
    const item = this.items.shift() as T;
    this.slots.release();
    return item;
  }

  get size(): number {
    return this.items.length;
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.slots.close(new Error('put() on a closed queue'));
    this.filled.close(new Error('take() on a closed, empty queue'));
  }
}
