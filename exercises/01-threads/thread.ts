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
 *   1. The worker posts back its outcome: `{ ok: true, value }` or `{ ok: false, error }`.
 *   2. Structured clone keeps an Error's message (and a built-in class such as TypeError, not a
 *      class of your own): post the error itself, or its message as plain data and rebuild one.
 *   3. `start()` creates the worker and ONE promise; `join()` returns that same promise.
 *
 * Contract (what the tests check, and nothing else):
 *  §1 `new Thread(options)` starts nothing. It throws a TypeError when `module` or `exportName` is
 *     not a non-empty string, or when `args` is given and is not an array.
 *  §2 Without `args` the target is called with no arguments.
 *  §3 `start()` runs `exportName(...args)` from `module` in a new worker thread at once, so that
 *     threads started together run at the same time (a SharedArrayBuffer in `args` is shared).
 *  §4 `join()` resolves with the target's return value, awaited, the same value on every call.
 *  §5 When the target throws or rejects, `join()` rejects with an Error whose message contains
 *     the target's error message.
 *  §6 When the worker ends without a result (`process.exit()`, an uncaught crash, a promise that
 *     never settles, a value `postMessage` cannot clone), `join()` rejects with an Error whose
 *     message is not empty: it never hangs.
 *  §7 By the time `join()` settles, the worker has exited (nothing the target left running goes on).
 *  §8 A second `start()` throws an Error whose message mentions "already started".
 *  §9 `join()` before `start()` returns a promise that rejects with an Error mentioning "not started".
 *  §10 `isAlive` is false before `start()`, true from `start()` while the target runs, and false
 *     once `join()` has settled (resolved or rejected).
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
