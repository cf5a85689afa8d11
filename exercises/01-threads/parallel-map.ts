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
 *
 * Contract (what the tests check, and nothing else):
 *  §1 Resolves with `task(item)` for every item, awaited (a task may be async), in input order
 *     whatever order the items finish in. The task is called with the item alone.
 *  §2 Runs the items in worker threads, never on the calling thread, `concurrency` of them at the
 *     same time when there are that many items.
 *  §3 Never runs more than `concurrency` items at once, on at most `concurrency` worker threads:
 *     the workers are reused from item to item.
 *  §4 `concurrency` defaults to `os.availableParallelism()`.
 *  §5 A `concurrency` that is not an integer of 1 or more makes the returned promise reject with a
 *     RangeError (the call itself does not throw).
 *  §6 `[]` resolves `[]` without starting a worker.
 *  §7 A task that throws or rejects makes the call reject with an Error whose message contains the
 *     item's index and the task's message, like `item 3: <message>`.
 *  §8 The call rejects with an Error, and never hangs, when a task ends its worker thread
 *     (`process.exit()`, an uncaught exception), when a result cannot be sent back, or when an
 *     item cannot be sent to a worker (a function).
 *  §9 When the call rejects, every worker it started is terminated (none goes on running a task).
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
