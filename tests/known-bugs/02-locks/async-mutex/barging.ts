/**
 * Known bug: release clears the flag and wakes the first waiter, which then re-checks the flag
 * (the condition-variable pattern). Between the wake-up and the waiter running, a newcomer's
 * `acquire()` sees the lock free and takes it: the waiter is overtaken (and re-queued at the back).
 *
 * @catches a newcomer does not get the lock ahead of a waiter
 */
export class AsyncMutex {
  #locked = false;
  readonly #wakeups: (() => void)[] = [];

  async acquire(): Promise<() => void> {
    while (this.#locked) {
      await new Promise<void>((resolve) => this.#wakeups.push(resolve));
    }
    this.#locked = true;
    let released = false;
    return () => {
      if (released) return;
      released = true;
      this.#locked = false; // BUG: free for anyone until the woken waiter runs
      this.#wakeups.shift()?.();
    };
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
}
