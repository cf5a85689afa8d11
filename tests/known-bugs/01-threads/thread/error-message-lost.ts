/**
 * Known bug: the worker does not catch the target's error; it escapes as an uncaught exception,
 * and the main side, which listens only for `message` and `exit`, rejects with "exited with code
 * 1": the target's own message is lost.
 *
 * @catches join() rejects with the original message when the target throws or rejects
 */
import { isMainThread, parentPort, Worker, workerData } from 'node:worker_threads';

export interface ThreadOptions {
  /** Absolute path of a .ts or .js module. */
  module: string;
  /** Name of the exported function to call. */
  exportName: string;
  /** Arguments, structured-cloned into the worker (SharedArrayBuffers are shared, not copied). */
  args?: readonly unknown[];
}

/** What the worker posts back: the target's value, or its error as plain data. */
type Outcome = { ok: true; value: unknown } | { ok: false; name: string; message: string; stack?: string };

const WORKER_KEY = 'kataThreadTarget';
// The worker loads `module` (and this file) through tsx, so TypeScript targets work.
const TSX_REQUIRE = require.resolve('tsx/cjs');

export class Thread<R = unknown> {
  readonly #options: Required<ThreadOptions>;
  #result: Promise<R> | undefined;
  #alive = false;

  constructor(options: ThreadOptions) {
    const { module, exportName, args = [] } = options ?? {};
    if (typeof module !== 'string' || module === '') throw new TypeError('`module` must be a file path');
    if (typeof exportName !== 'string' || exportName === '') {
      throw new TypeError('`exportName` must be a non-empty string');
    }
    if (!Array.isArray(args)) throw new TypeError('`args` must be an array');
    this.#options = { module, exportName, args: [...args] };
  }

  /** Runs the target in a new worker thread. A thread can be started once. */
  start(): void {
    if (this.#result) throw new Error('Thread already started: a thread can only be started once');
    const { module, exportName, args } = this.#options;
    // Throws here (in the caller) if `args` cannot be cloned.
    const worker = new Worker(__filename, {
      workerData: { [WORKER_KEY]: { module, exportName, args } },
      execArgv: ['--require', TSX_REQUIRE],
    });
    this.#alive = true;

    this.#result = new Promise<R>((resolve, reject) => {
      let outcome: Outcome | undefined;
      worker.once('message', (message: Outcome) => {
        outcome = message;
        // The target is done; whatever it left running (timers, sockets) dies with the worker.
        void worker.terminate();
      });
      // BUG: no 'error' listener: only the exit code is left to report.
      worker.on('error', () => {});
      // Settle only on 'exit': the worker is gone by the time join() settles, and an early
      // exit (process.exit, a crash, an empty event loop) cannot leave join() hanging.
      worker.once('exit', (code) => {
        this.#alive = false;
        if (outcome === undefined) {
          reject(new Error(`Thread exited with code ${code} before \`${exportName}()\` returned`));
        } else if (outcome.ok) {
          resolve(outcome.value as R);
        } else {
          const error = new Error(outcome.message);
          error.name = outcome.name;
          if (outcome.stack) error.stack = outcome.stack;
          reject(error);
        }
      });
    });
    // A thread that is never joined must not crash the process with an unhandled rejection.
    this.#result.catch(() => {});
  }

  /** Resolves with the target's (awaited) return value; the same promise on every call. */
  join(): Promise<R> {
    return this.#result ?? Promise.reject(new Error('Thread not started: call `start()` before `join()`'));
  }

  /** True from `start()` until the worker has exited. */
  get isAlive(): boolean {
    return this.#alive;
  }
}

// ---- worker side -------------------------------------------------------------------------------

async function runTarget(target: { module: string; exportName: string; args: unknown[] }): Promise<void> {
  const port = parentPort!;
  let outcome: Outcome;
  try {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const fn = require(target.module)[target.exportName] as unknown;
    if (typeof fn !== 'function') {
      throw new TypeError(`\`${target.exportName}\` is not a function exported by ${target.module}`);
    }
    // BUG: a throwing target is not caught: it becomes an uncaught exception of the worker.
    outcome = { ok: true, value: await fn(...target.args) };
  } finally {
    // nothing to clean up
  }
  try {
    port.postMessage(outcome);
  } catch (error) {
    // A function, a class instance with private state, …: report it instead of dying silently.
    port.postMessage({
      ok: false,
      name: 'DataCloneError',
      message: `the return value of \`${target.exportName}()\` cannot be sent back: ${(error as Error).message}`,
    } satisfies Outcome);
  }
}

if (!isMainThread && workerData?.[WORKER_KEY]) {
  void runTarget(workerData[WORKER_KEY]);
}
