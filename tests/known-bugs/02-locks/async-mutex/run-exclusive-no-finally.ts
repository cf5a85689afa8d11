/**
 * Known bug: `runExclusive` releases only when fn succeeds (no try/finally). A throwing or
 * rejecting fn leaves the mutex locked forever, and every later `acquire()` hangs.
 *
 * @catches runExclusive(fn) rejects with the error and releases when fn throws or rejects
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
    const result = await fn(); // BUG: a throw skips the release below
    release();
    return result;
  }

  isLocked(): boolean {
    return this.#locked;
  }

  #releaser(): () => void {
    let released = false;
    return () => {
      if (released) return;
      released = true;
      const next = this.#waiters.shift();
      if (next) next();
      else this.#locked = false;
    };
  }
}
