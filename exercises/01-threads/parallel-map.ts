/**
 * Exercise 01-threads/parallel-map — a thread pool (like Python's `ThreadPoolExecutor.map`).
 *
 *   const squares = await parallelMap([1, 2, 3], { module: '/abs/path/tasks.ts', exportName: 'square' },
 *     { concurrency: 2 });   // [1, 4, 9]
 *
 * `task` names an exported function of a module; it is called with ONE item and may be async.
 * Start at most `concurrency` workers (default `os.availableParallelism()`), no more than there
 * are items, and REUSE them: when a worker answers, post it the next item. Results go back in
 * input order. A task that throws rejects the whole call with an Error like `item 3: <message>`.
 *
 * `module` (and this file) may be TypeScript: start each worker with
 * `execArgv: ['--require', require.resolve('tsx/cjs')]`. One way to write the worker side: start
 * the workers on THIS file (`__filename`) and, at the bottom, when
 * `!isMainThread && workerData?.yourKey`, listen on `parentPort` for `{ index, item }` messages.
 *
 * The trap: settling the promise is not the end. On the first error (and when all is done),
 * `terminate()` every worker: an idle pool worker listening on `parentPort` never exits by itself.
 *
 * Read: Node docs "worker_threads" (`postMessage`, `parentPort`, `terminate()`), `os.availableParallelism()`.
 * Hints, one layer at a time:
 *   1. Keep `next` (the next index to hand out) and `done` (results received).
 *   2. Send `{ index, item }`; reply `{ index, ok, value }` or `{ index, ok: false, message }`.
 *   3. `concurrency` is checked with `Number.isInteger(c) && c >= 1`, else `Promise.reject(new RangeError(…))`.
 */

export interface Task {
  /** Absolute path of a .ts or .js module. */
  module: string;
  /** Name of the exported function, called with one item. */
  exportName: string;
}

/**
 * Maps `items` through `task` on at most `concurrency` reused worker threads. Resolves with the
 * results in input order; `[]` resolves `[]` without starting a worker.
 */
export function parallelMap<T, R>(
  items: readonly T[],
  task: Task,
  options: { concurrency?: number } = {},
): Promise<R[]> {
  // TODO: validate `concurrency`, start the pool, hand out items, collect results by index.
  void items;
  void task;
  void options;
  throw new Error('Not implemented: map the items on a pool of reused worker threads');
}
