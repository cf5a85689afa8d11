/** Known good: waiters in a singly linked list (O(1) dequeue, no array shift) and the current holder's token instead of a boolean flag, so a stale release is recognised by its token; runExclusive chains with then() instead of async/await (the solution keeps a flag, an array, and a per-holder `released` boolean). */
interface Waiter {
  grant: (release: () => void) => void;
  next: Waiter | undefined;
}

export class AsyncMutex {
  private holder: object | undefined;
  private head: Waiter | undefined;
  private last: Waiter | undefined;

  acquire(): Promise<() => void> {
    return new Promise((resolve) => {
      if (this.holder === undefined) {
        resolve(this.grantTo());
        return;
      }
      const waiter: Waiter = { grant: resolve, next: undefined };
      if (this.last) this.last.next = waiter;
      else this.head = waiter;
      this.last = waiter;
    });
  }

  runExclusive<T>(fn: () => T | Promise<T>): Promise<T> {
    return this.acquire().then((release) => {
      let result: Promise<T>;
      try {
        result = Promise.resolve(fn());
      } catch (error) {
        result = Promise.reject(error);
      }
      return result.then(
        (value) => (release(), value),
        (error: unknown) => {
          release();
          throw error;
        },
      );
    });
  }

  isLocked(): boolean {
    return this.holder !== undefined;
  }

  /** Makes a new holder token and its release function. */
  private grantTo(): () => void {
    const token = {};
    this.holder = token;
    return () => {
      if (this.holder !== token) return; // stale: released already, or someone else holds it
      const next = this.head;
      if (!next) {
        this.holder = undefined;
        return;
      }
      this.head = next.next;
      if (!this.head) this.last = undefined;
      next.grant(this.grantTo());
    };
  }
}
