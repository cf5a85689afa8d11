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
 * Contract (what the tests check, and nothing else):
 *  §1 Each item is passed alone to `task.exportName` of `task.module`, in a worker thread (never
 *     on the calling thread). A task may be async: its awaited value is the item's result. The
 *     call resolves with the results in input order, whatever order they finish in.
 *  §2 At most `concurrency` items run at once, and with enough items that many do run at the
 *     same time. `concurrency` defaults to `os.availableParallelism()`.
 *  §3 Workers are reused: never more than `concurrency` of them (20 items at concurrency 2 run
 *     on at most 2 threads).
 *  §4 A task that throws or rejects rejects the call with an Error whose message contains the
 *     item's index as a number (`item 3: …`).
 *  §5 A worker that ends while it runs an item, a result that cannot be sent back, or an item
 *     that cannot be sent to a worker rejects the call with an Error (checking the items before
 *     starting is fine).
 *  §6 Once the call has rejected, every worker it started is gone within 1 s.
 *  §7 `concurrency` not a positive integer → the returned promise rejects with a RangeError (no
 *     synchronous throw).
 *  §8 `[]` resolves `[]` without starting a worker.
 *
 * Read: Node docs "worker_threads" (`postMessage`, `parentPort`, `terminate()`), `os.availableParallelism()`.
 * Hints: `npm run hint -- parallel-map`, one layer at a time.
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
