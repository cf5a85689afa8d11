/**
 * Known bug: the slot check is `active <= concurrency`, so one function more than
 * `concurrency` runs at once.
 *
 * @catches never runs more than `concurrency` functions at once
 * @catches activeCount and pendingCount count running and waiting functions
 */
export interface Limit {
  <T>(fn: () => T | Promise<T>): Promise<T>;
  readonly activeCount: number;
  readonly pendingCount: number;
}

export function createLimit(concurrency: number): Limit {
  if (!Number.isInteger(concurrency) || concurrency < 1) {
    throw new RangeError(`\`concurrency\` must be a positive integer; got ${String(concurrency)}`);
  }
  let active = 0;
  const queue: (() => void)[] = [];

  const startNext = (): void => {
    if (active > concurrency) return; // BUG: should be >=
    const start = queue.shift();
    if (!start) return;
    active++;
    start();
  };

  const limit = <T>(fn: () => T | Promise<T>): Promise<T> =>
    new Promise<T>((resolve, reject) => {
      queue.push(async () => {
        try {
          resolve(await fn());
        } catch (error) {
          reject(error);
        } finally {
          active--;
          startNext();
        }
      });
      startNext();
    });

  return Object.defineProperties(limit, {
    activeCount: { get: () => active },
    pendingCount: { get: () => queue.length },
  }) as Limit;
}
