/**
 * Known bug: the condition-variable pattern with `if` instead of `while`, and a put that wakes
 * EVERY waiting take. Two takers woken for one item both "take" it: one gets the item, the other
 * `undefined`. Likewise a woken put does not re-check for room, so a put arriving in between
 * can overfill the queue.
 *
 * @catches one put wakes exactly one waiting take
 * @catches many producers and consumers
 */
const closedError = (what: string) => new Error(`${what}: the queue is closed`);

export class BoundedQueue<T> {
  readonly #capacity: number;
  readonly #items: T[] = [];
  #notEmpty: (() => void)[] = [];
  #notFull: (() => void)[] = [];
  #closed = false;

  constructor(capacity: number) {
    if (!Number.isInteger(capacity) || capacity < 1) {
      throw new RangeError(`\`capacity\` must be a positive integer; got ${String(capacity)}`);
    }
    this.#capacity = capacity;
  }

  async put(item: T): Promise<void> {
    if (this.#closed) throw closedError('put()');
    if (this.#items.length >= this.#capacity) {
      // BUG: `if`, not `while`: after waking, the room may already be gone
      await new Promise<void>((resolve) => this.#notFull.push(resolve));
      if (this.#closed) throw closedError('put()');
    }
    this.#items.push(item);
    // BUG: wakes every waiting taker for one item
    const takers = this.#notEmpty;
    this.#notEmpty = [];
    for (const wake of takers) wake();
  }

  async take(): Promise<T> {
    if (this.#items.length === 0) {
      if (this.#closed) throw closedError('take()');
      // BUG: `if`, not `while`: after waking, the item may already be gone
      await new Promise<void>((resolve) => this.#notEmpty.push(resolve));
      if (this.#items.length === 0 && this.#closed) throw closedError('take()');
    }
    const item = this.#items.shift() as T;
    this.#notFull.shift()?.();
    return item;
  }

  get size(): number {
    return this.#items.length;
  }

  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    const waiters = [...this.#notEmpty, ...this.#notFull];
    this.#notEmpty = [];
    this.#notFull = [];
    for (const wake of waiters) wake();
  }
}
