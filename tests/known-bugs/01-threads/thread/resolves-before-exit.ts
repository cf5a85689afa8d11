/**
 * Known bug: `join()` resolves as soon as the result message arrives and leaves the worker to
 * exit by itself. The worker is still running after `join()` (here: until the timer its target
 * left behind fires), so code after `join()` races with it.
 *
 * @catches the worker is gone when join() settles
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
      let settled = false;
      worker.once('message', (outcome: Outcome) => {
        // BUG: settles now; the worker is neither terminated nor waited for.
        settled = true;
        this.#alive = false;
        if (outcome.ok) resolve(outcome.value as R);
        else reject(new Error(outcome.message));
      });
      worker.on('error', (error) => {
        if (settled) return;
        settled = true;
        reject(new Error(error.message));
      });
      worker.once('exit', (code) => {
        this.#alive = false;
        if (!settled)
          reject(new Error(`Thread exited with code ${code} before \`${exportName}()\` returned`));
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
    outcome = { ok: true, value: await fn(...target.args) };
  } catch (error) {
    const e = error instanceof Error ? error : new Error(String(error));
    outcome = { ok: false, name: e.name, message: e.message, stack: e.stack };
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
