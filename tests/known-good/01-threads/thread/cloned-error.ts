/** Known good: the worker side is this very file run with tsx (no eval source, no compile cache); it posts the target's Error object itself, and `join()` rejects with that structured-cloned Error (not an instance of the caller's Error class) instead of rebuilding one from plain data. */
import { isMainThread, parentPort, Worker, workerData } from 'node:worker_threads';

export interface ThreadOptions {
  /** Absolute path of a .ts or .js module. */
  module: string;
  /** Name of the exported function to call. */
  exportName: string;
  /** Arguments, structured-cloned into the worker (SharedArrayBuffers are shared, not copied). */
  args?: readonly unknown[];
}

type Outcome<R> = { ok: true; value: R } | { ok: false; error: unknown };

const KEY = 'knownGoodClonedErrorThread';

export class Thread<R = unknown> {
  private readonly target: { module: string; exportName: string; args: readonly unknown[] };
  private promise: Promise<R> | undefined;
  private alive = false;

  constructor(options: ThreadOptions) {
    const { module, exportName, args } = options;
    if (typeof module !== 'string' || module.length === 0) throw new TypeError('module: a non-empty string');
    if (typeof exportName !== 'string' || exportName.length === 0) {
      throw new TypeError('exportName: a non-empty string');
    }
    if (args !== undefined && !Array.isArray(args)) throw new TypeError('args: an array');
    this.target = { module, exportName, args: args ?? [] };
  }

  start(): void {
    if (this.promise) throw new Error('already started');
    const worker = new Worker(__filename, {
      workerData: { [KEY]: this.target },
      execArgv: ['--require', require.resolve('tsx/cjs')],
    });
    this.alive = true;
    this.promise = new Promise<R>((resolve, reject) => {
      let outcome: Outcome<R> | undefined;
      worker.once('message', (message: Outcome<R>) => {
        outcome = message;
        void worker.terminate();
      });
      worker.on('error', (error) => {
        outcome ??= { ok: false, error };
      });
      worker.once('exit', (code) => {
        this.alive = false;
        if (!outcome) reject(new Error(`the worker exited (code ${code}) without a result`));
        else if (outcome.ok) resolve(outcome.value);
        else reject(outcome.error);
      });
    });
    this.promise.catch(() => {});
  }

  join(): Promise<R> {
    return this.promise ?? Promise.reject(new Error('not started'));
  }

  get isAlive(): boolean {
    return this.alive;
  }
}

if (!isMainThread && workerData?.[KEY]) {
  const { module, exportName, args } = workerData[KEY] as {
    module: string;
    exportName: string;
    args: unknown[];
  };
  const port = parentPort!;
  Promise.resolve()
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    .then(() => require(module)[exportName](...args))
    .then(
      (value: unknown) => {
        try {
          port.postMessage({ ok: true, value });
        } catch (error) {
          port.postMessage({
            ok: false,
            error: new Error(`cannot send the result: ${(error as Error).message}`),
          });
        }
      },
      (error: unknown) => port.postMessage({ ok: false, error }),
    );
}
