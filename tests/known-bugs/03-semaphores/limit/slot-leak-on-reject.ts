/**
 * Known bug: the running count is decremented only after fn succeeds, not in a `finally`. Each
 * throwing or rejecting fn leaks a slot; once all are leaked, every later call waits forever.
 *
 * @catches a throwing or rejecting fn frees its slot
 * @catches a throwing or rejecting fn rejects its own call only
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
    const start = queue.shift();
    if (!start) return;
    active++;
    start();
  };

  const limit = <T>(fn: () => T | Promise<T>): Promise<T> =>
    new Promise<T>((resolve, reject) => {
      queue.push(async () => {
        try {
          const value = await fn();
          active--; // BUG: skipped when fn throws or rejects
          startNext();
          resolve(value);
        } catch (error) {
          reject(error);
        }
      });
      startNext();
    });

  return Object.defineProperties(limit, {
    activeCount: { get: () => active },
    pendingCount: { get: () => queue.length },
  }) as Limit;
}
