/**
 * Known bug: waiters are kept on a stack. `release()` hands the lock to the waiter that asked
 * LAST (`pop()` instead of `shift()`), so under contention the first waiter can starve.
 *
 * @catches waiters get the lock in the order they asked (FIFO)
 */
export class AsyncMutex {
  #locked = false;
  readonly #waiters: (() => void)[] = [];

  acquire(): Promise<() => void> {
    return new Promise((resolve) => {
      const grant = () => resolve(this.#releaser());
      if (this.#locked) {
        this.#waiters.push(grant);
      } else {
        this.#locked = true;
        grant();
      }
    });
  }

  async runExclusive<T>(fn: () => T | Promise<T>): Promise<T> {
    const release = await this.acquire();
    try {
      return await fn();
    } finally {
      release();
    }
  }

  isLocked(): boolean {
    return this.#locked;
  }

  #releaser(): () => void {
    let released = false;
    return () => {
      if (released) return;
      released = true;
      const next = this.#waiters.pop(); // BUG: the newest waiter, not the oldest
      if (next) next();
      else this.#locked = false;
    };
  }
}
