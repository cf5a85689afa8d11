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
 * Contract (what the tests check, and nothing else):
 *  §1 `limit(fn)` returns a promise that resolves with what `fn` returns (or what the promise it
 *     returns resolves with), and rejects with what `fn` throws (or what its promise rejects with).
 *  §2 At most `concurrency` functions passed to `limit` run at once (started, not yet settled);
 *     when a slot is free, the next waiting function starts without waiting for anything else.
 *  §3 Waiting functions start in the order they were passed in (first in, first out).
 *  §4 However `fn` ends (a return, a synchronous throw, a rejection) its slot is freed, and its
 *     failure rejects its own call only.
 *  §5 `activeCount` is the number of functions started and not yet settled, `pendingCount` the
 *     number waiting for a slot; both are up to date once pending microtasks have run.
 *  §6 `createLimit(concurrency)` throws a RangeError when `concurrency` is not a positive integer.
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
