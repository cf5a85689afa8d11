/**
 * Known good: a class holding a singly linked list of waiting tasks, `limit` a bound method with
 * getters copied onto it; the slot passes straight from a finished task to the next waiting one
 * (the active count never dips), where the solution decrements and re-checks.
 */
export interface Limit {
  <T>(fn: () => T | Promise<T>): Promise<T>;
  readonly activeCount: number;
  readonly pendingCount: number;
}

interface Node {
  run: () => void;
  next?: Node;
}

class Limiter {
  active = 0;
  pending = 0;
  private first?: Node;
  private last?: Node;

  constructor(private readonly max: number) {}

  schedule<T>(fn: () => T | Promise<T>): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      const run = (): void => {
        let p: Promise<T>;
        try {
          p = Promise.resolve(fn());
        } catch (error) {
          p = Promise.reject(error);
        }
        p.then(resolve, reject).then(() => this.done());
      };
      if (this.active < this.max) {
        this.active++;
        run();
      } else {
        const node: Node = { run };
        if (this.last) this.last.next = node;
        else this.first = node;
        this.last = node;
        this.pending++;
      }
    });
  }

  private done(): void {
    const node = this.first;
    if (!node) {
      this.active--;
      return;
    }
    this.first = node.next;
    if (!this.first) this.last = undefined;
    this.pending--;
    node.run(); // the slot passes to it: `active` unchanged
  }
}

export function createLimit(concurrency: number): Limit {
  if (typeof concurrency !== 'number' || !Number.isInteger(concurrency) || concurrency < 1) {
    throw new RangeError(`concurrency must be a positive integer, got ${concurrency}`);
  }
  const limiter = new Limiter(concurrency);
  const limit = <T>(fn: () => T | Promise<T>) => limiter.schedule(fn);
  return Object.defineProperties(limit, {
    activeCount: { get: () => limiter.active },
    pendingCount: { get: () => limiter.pending },
  }) as Limit;
}
