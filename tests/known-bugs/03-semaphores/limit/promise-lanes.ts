/**
 * Known bug: `concurrency` promise chains ("lanes"), each call appended to the next lane with
 * `.then(fn)`. A rejection travels down its lane: every later call on that lane rejects with the
 * same error without running its fn.
 *
 * @catches a throwing or rejecting fn rejects its own call only
 * @catches a throwing or rejecting fn frees its slot
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
  const lanes: Promise<unknown>[] = Array.from({ length: concurrency }, () => Promise.resolve());
  let nextLane = 0;
  let active = 0;
  let pending = 0;

  const limit = <T>(fn: () => T | Promise<T>): Promise<T> => {
    const lane = nextLane;
    nextLane = (nextLane + 1) % concurrency;
    pending++;
    // BUG: `.then` only: when the lane's previous call rejected, fn never runs and this call
    // rejects with that other call's error.
    const run = lanes[lane].then(async () => {
      pending--;
      active++;
      try {
        return await fn();
      } finally {
        active--;
      }
    });
    lanes[lane] = run;
    return run;
  };

  return Object.defineProperties(limit, {
    activeCount: { get: () => active },
    pendingCount: { get: () => pending },
  }) as Limit;
}
