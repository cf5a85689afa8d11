/**
 * An async concurrency limit (like the `p-limit` package): `limit(fn)` runs `fn` when fewer than
 * `concurrency` functions started through `limit` are still running, and resolves or rejects
 * with `fn`'s outcome. A counting semaphore for promises, on one thread.
 */
export interface Limit {
  <T>(fn: () => T | Promise<T>): Promise<T>;
  /** Functions started and not yet settled. */
  readonly activeCount: number;
  /** Functions waiting for a free slot. */
  readonly pendingCount: number;
}

/** `concurrency`: a positive integer, else RangeError. */
export function createLimit(concurrency: number): Limit {
  if (!Number.isInteger(concurrency) || concurrency < 1) {
    throw new RangeError(`\`concurrency\` must be a positive integer; got ${String(concurrency)}`);
  }

  let active = 0;
  /** Calls waiting for a slot, oldest first; each starts its `fn` when called. */
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
          // `await` inside the try: a synchronous throw and a rejection both land in `catch`.
          resolve(await fn());
        } catch (error) {
          reject(error);
        } finally {
          // Whatever happened, the slot is free again.
          active--;
          startNext();
        }
      });
      startNext();
    });

  return Object.defineProperties(limit, {
    activeCount: { get: () => active, enumerable: true },
    pendingCount: { get: () => queue.length, enumerable: true },
  }) as Limit;
}
