/**
 * A lock for async code on one thread (like the `async-mutex` package's `Mutex`).
 *
 * JavaScript never runs two functions at once on one thread, but an `await` inside a critical
 * section hands the thread to other tasks, and they may see (or change) state half-updated.
 * `AsyncMutex` makes them queue instead: only one holder at a time, waiters served in FIFO order.
 *
 * Design: a flag and a queue of waiters. `release()` hands the lock straight to the first waiter
 * (the flag stays set), so a newcomer can never barge in between the release and the hand-off.
 */
export class AsyncMutex {
  #locked = false;
  /** Waiters in the order they asked; each one is handed the lock by calling it. */
  readonly #waiters: (() => void)[] = [];

  /** Resolves, once the lock is ours, with a function that releases it (calling it again is a no-op). */
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

  /** Runs `fn` holding the lock; releases when `fn` settles, whether it returns, throws or rejects. */
  async runExclusive<T>(fn: () => T | Promise<T>): Promise<T> {
    const release = await this.acquire();
    try {
      return await fn();
    } finally {
      release();
    }
  }

  /** True while someone holds the lock (or it has just been handed to the next waiter). */
  isLocked(): boolean {
    return this.#locked;
  }

  /** A release function for one holder: only its first call has an effect. */
  #releaser(): () => void {
    let released = false;
    return () => {
      if (released) return;
      released = true;
      const next = this.#waiters.shift();
      if (next)
        next(); // hand-off: the lock stays locked, now held by `next`
      else this.#locked = false;
    };
  }
}
