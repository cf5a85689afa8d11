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
 * Contract (what the tests check, and nothing else):
 *  §1 `new Thread(options)` starts nothing. `module` and `exportName` must be non-empty strings,
 *     and `args` an array or left out: anything else throws a TypeError.
 *  §2 `start()` runs `exportName(...args)` from `module` in a new worker thread at once (no
 *     `args`: called with none). `args` are structured-cloned; SharedArrayBuffers are shared.
 *     Two started threads run at the same time.
 *  §3 `join()` resolves with the target's return value (awaited, when it is a promise), and may
 *     be called many times: the same value every time.
 *  §4 When the target throws or rejects, `join()` rejects with an Error whose message contains
 *     the original message. (Structured clone keeps an Error's message: forwarding the cloned
 *     Error and rebuilding one from its message are both fine.)
 *  §5 When the worker ends without a result (`process.exit()`, a crash, a promise that never
 *     settles, a value that cannot be cloned back), `join()` rejects. It never hangs.
 *  §6 A second `start()` throws an Error mentioning "already started"; `join()` before `start()`
 *     rejects with an Error mentioning "not started".
 *  §7 `isAlive` is false before `start()`, true while the target runs, and false once `join()`
 *     has settled (resolved or rejected).
 *  §8 The worker thread is gone (exited or terminated) when `join()` settles.
 *
 * Read: Node docs "worker_threads": `new Worker`, events `message`, `error`, `exit`, `terminate()`.
 * Hints: `npm run hint -- thread`, one layer at a time.
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
