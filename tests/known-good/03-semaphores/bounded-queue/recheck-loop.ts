/**
 * Known good: a monitor with two condition queues; a woken waiter re-checks its condition in a
 * `while` loop and waits again if a newcomer got there first (Mesa style), and `close()` wakes
 * everyone to re-check; the solution hands each item or slot to exactly one waiter instead.
 */
export class BoundedQueue<T> {
  readonly #items: T[] = [];
  readonly #notEmpty: (() => void)[] = [];
  readonly #notFull: (() => void)[] = [];
  readonly #capacity: number;
  #closed = false;

  constructor(capacity: number) {
    if (!Number.isInteger(capacity) || capacity < 1) {
      throw new RangeError(`Invalid capacity: ${capacity}`);
    }
    this.#capacity = capacity;
  }

  static #signal(queue: (() => void)[]): void {
    queue.shift()?.();
  }

  async put(item: T): Promise<void> {
    for (;;) {
      if (this.#closed) throw new Error('BoundedQueue is closed');
      if (this.#items.length < this.#capacity) break;
      await new Promise<void>((wake) => this.#notFull.push(wake));
    }
    this.#items.push(item);
    BoundedQueue.#signal(this.#notEmpty);
  }

  async take(): Promise<T> {
    while (this.#items.length === 0) {
      if (this.#closed) throw new Error('BoundedQueue is closed and empty');
      await new Promise<void>((wake) => this.#notEmpty.push(wake));
    }
    const item = this.#items.shift() as T;
    BoundedQueue.#signal(this.#notFull);
    return item;
  }

  get size(): number {
    return this.#items.length;
  }

  close(): void {
    this.#closed = true;
    for (const wake of this.#notEmpty.splice(0)) wake();
    for (const wake of this.#notFull.splice(0)) wake();
  }
}
