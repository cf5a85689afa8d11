/**
 * Known bug: the release function has no "already released" guard. Calling it twice hands the
 * lock to two waiters (two holders at once), and an old release function called later unlocks
 * whoever holds the lock now.
 *
 * @catches calling release twice lets only one waiter in
 * @catches a stale release does not unlock a later holder
 */
export class AsyncMutex {
  #locked = false;
  readonly #waiters: (() => void)[] = [];

  acquire(): Promise<() => void> {
    return new Promise((resolve) => {
      const grant = () => resolve(() => this.#release());
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

  // BUG: shared by every holder, no once-only guard
  #release(): void {
    const next = this.#waiters.shift();
    if (next) next();
    else this.#locked = false;
  }
}
