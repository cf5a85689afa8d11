/**
 * Known bug: waiting calls are kept on a stack (`pop()`), so the newest waiting call starts
 * first instead of the oldest.
 *
 * @catches starts functions in the order they were passed in
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
    if (active >= concurrency) return;
    const start = queue.pop(); // BUG: newest first
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
