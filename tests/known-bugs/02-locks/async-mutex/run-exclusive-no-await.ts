/**
 * Known bug: `runExclusive` returns fn's promise without awaiting it, so the `finally` releases
 * as soon as fn reaches its first `await`: the next holder enters while fn is still running.
 *
 * @catches an await inside the critical section does not let another holder in
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
      return fn(); // BUG: `return fn()` in an async function does not wait before `finally`
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
      const next = this.#waiters.shift();
      if (next) next();
      else this.#locked = false;
    };
  }
}
