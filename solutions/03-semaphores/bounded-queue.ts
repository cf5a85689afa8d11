/**
 * A bounded FIFO queue for async producers and consumers on one thread (Python's `queue.Queue`
 * with `maxsize`, for promises): `put` waits while the queue is full, `take` waits while it is
 * empty, and `close()` ends the stream.
 *
 * Design: the items, plus two queues of waiters. An item is handed straight to a waiting taker,
 * and a taken item makes room for exactly one waiting putter, so a waiter that is woken never has
 * to re-check a condition that someone else could have changed in between.
 */
interface Taker<T> {
  resolve(item: T): void;
  reject(error: Error): void;
}
interface Putter<T> {
  item: T;
  resolve(): void;
  reject(error: Error): void;
}

/** One wording for every refusal: the contract asks only that it mention "closed". */
const closedError = () => new Error('the queue is closed');

export class BoundedQueue<T> {
  readonly #capacity: number;
  readonly #items: T[] = [];
  /** Takes waiting for an item (only while `#items` is empty). */
  readonly #takers: Taker<T>[] = [];
  /** Puts waiting for room (only while `#items` is full). */
  readonly #putters: Putter<T>[] = [];
  #closed = false;

  /** `capacity`: a positive integer, else RangeError. */
  constructor(capacity: number) {
    if (!Number.isInteger(capacity) || capacity < 1) {
      throw new RangeError(`\`capacity\` must be a positive integer; got ${String(capacity)}`);
    }
    this.#capacity = capacity;
  }

  /** Adds `item`, waiting while the queue is full. Rejects once the queue is closed. */
  put(item: T): Promise<void> {
    if (this.#closed) return Promise.reject(closedError());
    const taker = this.#takers.shift();
    if (taker) {
      // Someone is waiting on an empty queue: hand the item over directly.
      taker.resolve(item);
      return Promise.resolve();
    }
    if (this.#items.length < this.#capacity) {
      this.#items.push(item);
      return Promise.resolve();
    }
    return new Promise((resolve, reject) => this.#putters.push({ item, resolve, reject }));
  }

  /** Removes and returns the oldest item, waiting while the queue is empty. */
  take(): Promise<T> {
    if (this.#items.length > 0) {
      const item = this.#items.shift() as T;
      // Room for one more: admit the oldest waiting put, if any.
      const putter = this.#putters.shift();
      if (putter) {
        this.#items.push(putter.item);
        putter.resolve();
      }
      return Promise.resolve(item);
    }
    if (this.#closed) return Promise.reject(closedError());
    return new Promise((resolve, reject) => this.#takers.push({ resolve, reject }));
  }

  /** Items in the queue now (never more than `capacity`). */
  get size(): number {
    return this.#items.length;
  }

  /**
   * No more puts. Items already in the queue can still be taken; takes waiting on an empty queue
   * and puts waiting for room reject. Calling it again does nothing.
   */
  close(): void {
    // A second call finds no one waiting: it changes nothing, with no check needed.
    this.#closed = true;
    for (const taker of this.#takers.splice(0)) taker.reject(closedError());
    for (const putter of this.#putters.splice(0)) putter.reject(closedError());
  }
}
