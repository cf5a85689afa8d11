/** Known good: a promise chain (each acquire() waits on the previous caller's promise and becomes the new tail) with a counter of holders and waiters for isLocked(); the solution keeps a flag and an array of waiters and hands the lock over. */
export class AsyncMutex {
  private tail: Promise<void> = Promise.resolve();
  private pending = 0; // the holder plus everyone in line

  acquire(): Promise<() => void> {
    this.pending++;
    let open!: () => void;
    const mine = new Promise<void>((resolve) => (open = resolve));
    const before = this.tail;
    this.tail = mine;
    let released = false;
    const release = () => {
      if (released) return;
      released = true;
      this.pending--;
      open();
    };
    return before.then(() => release);
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
    return this.pending > 0;
  }
}
