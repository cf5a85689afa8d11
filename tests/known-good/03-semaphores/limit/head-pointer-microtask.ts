/**
 * Known good: waiting calls kept in an array read through a head index (no `shift()`), and each
 * `fn` started in a microtask (`Promise.resolve().then(fn)`) rather than inside `limit()`.
 */
export interface Limit {
  <T>(fn: () => T | Promise<T>): Promise<T>;
  readonly activeCount: number;
  readonly pendingCount: number;
}

export function createLimit(concurrency: number): Limit {
  if (!(Number.isSafeInteger(concurrency) && concurrency > 0)) {
    throw new RangeError('The value of "concurrency" is out of range. It must be a positive integer.');
  }
  let running = 0;
  let head = 0;
  const waiting: (() => void)[] = [];

  const next = (): void => {
    while (running < concurrency && head < waiting.length) {
      const run = waiting[head];
      waiting[head++] = () => {};
      if (head > 1024 && head * 2 > waiting.length) {
        waiting.splice(0, head);
        head = 0;
      }
      running++;
      run();
    }
  };

  function limit<T>(fn: () => T | Promise<T>): Promise<T> {
    let resolve!: (value: T) => void;
    let reject!: (reason: unknown) => void;
    const result = new Promise<T>((res, rej) => {
      resolve = res;
      reject = rej;
    });
    waiting.push(() => {
      Promise.resolve()
        .then(fn)
        .then(resolve, reject)
        .finally(() => {
          running--;
          next();
        });
    });
    next();
    return result;
  }

  Object.defineProperty(limit, 'activeCount', { get: () => running });
  Object.defineProperty(limit, 'pendingCount', { get: () => waiting.length - head });
  return limit as Limit;
}
