/**
 * An async concurrency limit (like the `p-limit` package):
 *
 *   const limit = createLimit(2);
 *   const pages = await Promise.all(urls.map((url) => limit(() => fetch(url))));
 *
 * `limit(fn)` starts `fn` when fewer than `concurrency` functions started through `limit` are
 * still running, and settles with `fn`'s result or error. Functions start in the order they were
 * passed in. `activeCount` counts the running ones, `pendingCount` the waiting ones.
 *
 * The trap: a slot must be freed however `fn` ends — a return, a rejected promise, or a
 * synchronous throw — and one call's failure must not reject any other call.
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
  // TODO: validate `concurrency`; keep a count of running functions and a FIFO queue of waiting
  // ones; return a function with `activeCount` and `pendingCount` getters
  // (Object.defineProperties works on functions).
  void concurrency;
  throw new Error('Not implemented: createLimit() — run at most `concurrency` functions at once');
}
