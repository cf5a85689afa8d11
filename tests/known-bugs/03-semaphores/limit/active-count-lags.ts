/**
 * Known bug: a finished task hands its slot straight to the next waiting one but still
 * decrements the running count, so `activeCount` lags behind the functions really running (and a
 * call made later may start beyond the limit).
 *
 * @catches activeCount and pendingCount count running and waiting functions
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
    this.active--;
    const node = this.first;
    if (!node) return;
    this.first = node.next;
    if (!this.first) this.last = undefined;
    this.pending--;
    node.run(); // the slot passes to it, but `active` was decremented for good
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
