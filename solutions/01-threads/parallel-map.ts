// A thread pool: map items through a task function on at most `concurrency` worker threads.
//
// This one file is both sides: on the main thread it exports `parallelMap`; started as a worker's
// entry (with the `kataPoolTask` workerData below) it loads the task once, then answers one
// `{ index, item }` message at a time with `{ index, ok, value | message }`.
import * as os from 'node:os';
import { parentPort, Worker, workerData } from 'node:worker_threads';

export interface Task {
  /** Absolute path of a .ts or .js module. */
  module: string;
  /** Name of the exported function, called with one item. */
  exportName: string;
}

type Reply = { index: number; ok: true; value: unknown } | { index: number; ok: false; message: string };

const TSX_REQUIRE = require.resolve('tsx/cjs');

export function parallelMap<T, R>(
  items: readonly T[],
  task: Task,
  options: { concurrency?: number } = {},
): Promise<R[]> {
  const concurrency = options.concurrency ?? os.availableParallelism();
  if (!Number.isInteger(concurrency) || concurrency < 1) {
    return Promise.reject(new RangeError(`\`concurrency\` must be a positive integer, got ${concurrency}`));
  }
  if (items.length === 0) return Promise.resolve([]);

  const workers: Worker[] = [];
  const run = new Promise<R[]>((resolve, reject) => {
    const results = new Map<number, unknown>(); // index → value
    let next = 0; // the next item to hand out

    const feed = (worker: Worker) => {
      if (next < items.length) {
        const index = next++;
        try {
          worker.postMessage({ index, item: items[index] });
        } catch (error) {
          reject(error); // an item that cannot be cloned (a function, …): a DataCloneError
        }
      }
    };

    for (let i = 0; i < Math.min(concurrency, items.length); i++) {
      const worker = new Worker(__filename, {
        workerData: { kataPoolTask: task },
        execArgv: ['--require', TSX_REQUIRE],
      });
      workers.push(worker);
      worker.on('message', (reply: Reply) => {
        if (!reply.ok) return reject(new Error(`item ${reply.index}: ${reply.message}`));
        results.set(reply.index, reply.value);
        if (results.size === items.length) resolve(items.map((_, index) => results.get(index) as R));
        else feed(worker);
      });
      // An uncaught error (a task module that cannot load) ends the worker: 'exit' rejects.
      worker.on('error', () => {});
      // Expected only once the call has settled (terminate() below): before that, the task ended
      // the thread. After that, rejecting is a no-op.
      worker.on('exit', (code) => reject(new Error(`a pool worker exited (code ${code}) before the end`)));
      feed(worker);
    }
  });
  // Settled, with a result or on the first error: no thread outlives the call.
  return run.finally(() => Promise.all(workers.map((worker) => worker.terminate())));
}

// ---- worker side -------------------------------------------------------------------------------

function serve({ module, exportName }: Task): void {
  const port = parentPort!;
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const fn = require(module)[exportName] as (item: unknown) => unknown;
  port.on('message', async ({ index, item }: { index: number; item: unknown }) => {
    try {
      port.postMessage({ index, ok: true, value: await fn(item) });
    } catch (error) {
      // The task threw or rejected, or its result cannot be cloned (postMessage threw).
      port.postMessage({ index, ok: false, message: (error as Error).message });
    }
  });
}

// On the main thread `workerData` is null; in another program's worker it has no such key.
if (workerData?.kataPoolTask) serve(workerData.kataPoolTask);
