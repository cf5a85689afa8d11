/**
 * Exercise 01-threads/thread — Python's `threading.Thread`, on Node worker threads.
 *
 *   const t = new Thread<number>({ module: '/abs/path/task.ts', exportName: 'fib', args: [30] });
 *   t.start();                 // fib(30) now runs in a new worker thread
 *   const n = await t.join();  // its return value
 *
 * How the worker finds the target (one way): start the `Worker` on THIS file (`__filename`),
 * with `workerData` saying what to call, and put the worker side at the bottom of this file:
 *
 *   if (!isMainThread && workerData?.yourKey) { ...require(module)[exportName](...args)... }
 *
 * `module` (and this file) may be TypeScript: start the worker with
 * `execArgv: ['--require', require.resolve('tsx/cjs')]` so that it can load .ts files.
 *
 * The trap: a worker can end without ever posting a result (`process.exit()`, a crash, a promise
 * that never settles, a value `postMessage` cannot clone). Settle `join()` on the worker's `exit`
 * event, so that it never hangs and the worker is gone by the time it settles.
 *
 * Read: Node docs "worker_threads": `new Worker`, events `message`, `error`, `exit`, `terminate()`.
 * Hints, one layer at a time:
 *   1. The worker posts back plain data: `{ ok: true, value }` or `{ ok: false, message }`.
 *   2. An Error's class does not survive the thread boundary: send its message, rebuild an Error.
 *   3. `start()` creates the worker and ONE promise; `join()` returns that same promise.
 */
export interface ThreadOptions {
  /** Absolute path of a .ts or .js module. */
  module: string;
  /** Name of the exported function to call. */
  exportName: string;
  /** Arguments, structured-cloned into the worker (SharedArrayBuffers are shared, not copied). */
  args?: readonly unknown[];
}

export class Thread<R = unknown> {
  /**
   * Remembers what to run; does not start anything yet.
   */
  constructor(options: ThreadOptions) {
    // TODO: validate and store the options.
    void options;
    throw new Error('Not implemented: store the options (module, exportName, args)');
  }

  /**
   * Runs `exportName(...args)` from `module` in a new `Worker`. A second call throws an Error
   * mentioning "already started".
   */
  start(): void {
    // TODO: start the worker and listen for its result, errors and exit.
    throw new Error('Not implemented: start a Worker that runs the target');
  }

  /**
   * Resolves with the target's (awaited) return value, the same value on every call. Rejects
   * when the target throws (with its message), when the worker ends without a result, and
   * (mentioning "not started") before `start()`.
   */
  join(): Promise<R> {
    // TODO: return the promise that start() created.
    throw new Error('Not implemented: return a promise of the target’s result');
  }

  /** True from `start()` until the target has finished; false once `join()` has settled. */
  get isAlive(): boolean {
    // TODO: report whether the worker is still running.
    throw new Error('Not implemented: report whether the worker is running');
  }
}
