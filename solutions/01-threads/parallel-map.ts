// A thread pool: map items through a task function on at most `concurrency` worker threads.
//
// This one file is both sides: on the main thread it exports `parallelMap`; started as a worker's
// entry (with the `WORKER_KEY` workerData below) it loads the task once, then answers one
// `{ index, item }` message at a time with `{ index, ok, value | message }`.
import * as os from 'node:os';
import { isMainThread, parentPort, Worker, workerData } from 'node:worker_threads';

export interface Task {
  /** Absolute path of a .ts or .js module. */
  module: string;
  /** Name of the exported function, called with one item. */
  exportName: string;
}

type Reply = { index: number; ok: true; value: unknown } | { index: number; ok: false; message: string };

const WORKER_KEY = 'kataPoolTask';
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

  return new Promise<R[]>((resolve, reject) => {
    const results = new Array<R>(items.length);
    const workers: Worker[] = [];
    let next = 0; // the next item to hand out
    let done = 0; // items with a result
    let finished = false;

    // Settle once, after every worker has exited: no thread outlives the call.
    const finish = (error?: Error) => {
      if (finished) return;
      finished = true;
      void Promise.all(workers.map((w) => w.terminate())).then(() =>
        error ? reject(error) : resolve(results),
      );
    };

    // Which item each worker is running, to name it when the worker dies.
    const inFlight = new Map<Worker, number>();
    const feed = (worker: Worker) => {
      if (next < items.length) {
        const index = next++;
        inFlight.set(worker, index);
        try {
          worker.postMessage({ index, item: items[index] });
        } catch (error) {
          // An item that cannot be cloned (a function, …) fails like a task that threw.
          finish(new Error(`item ${index}: ${(error as Error).message}`));
        }
      } else {
        inFlight.delete(worker);
      }
    };

    const size = Math.min(concurrency, items.length);
    for (let i = 0; i < size; i++) {
      const worker = new Worker(__filename, {
        workerData: { [WORKER_KEY]: { module: task.module, exportName: task.exportName } },
        execArgv: ['--require', TSX_REQUIRE],
      });
      workers.push(worker);
      worker.on('message', (reply: Reply) => {
        if (finished) return;
        if (!reply.ok) return finish(new Error(`item ${reply.index}: ${reply.message}`));
        results[reply.index] = reply.value as R;
        if (++done === items.length) return finish();
        feed(worker);
      });
      worker.on('error', (error) => {
        const index = inFlight.get(worker);
        finish(new Error(`${index === undefined ? 'a worker' : `item ${index}`}: ${error.message}`));
      });
      worker.on('exit', (code) => {
        // Expected only after finish() terminated it; otherwise the task ended the thread.
        const index = inFlight.get(worker);
        finish(
          new Error(
            `${index === undefined ? 'a worker' : `item ${index}`}: the worker exited (code ${code})`,
          ),
        );
      });
      feed(worker);
    }
  });
}

// ---- worker side -------------------------------------------------------------------------------

function load(task: Task): (item: unknown) => unknown {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const fn = require(task.module)[task.exportName] as unknown;
  if (typeof fn !== 'function')
    throw new TypeError(`\`${task.exportName}\` is not a function in ${task.module}`);
  return fn as (item: unknown) => unknown;
}

function serve(task: Task): void {
  const port = parentPort!;
  let fn: ((item: unknown) => unknown) | undefined;
  port.on('message', async ({ index, item }: { index: number; item: unknown }) => {
    let reply: Reply;
    try {
      fn ??= load(task);
      reply = { index, ok: true, value: await fn(item) };
    } catch (error) {
      reply = { index, ok: false, message: error instanceof Error ? error.message : String(error) };
    }
    try {
      port.postMessage(reply);
    } catch (error) {
      port.postMessage({
        index,
        ok: false,
        message: `the result cannot be sent back: ${(error as Error).message}`,
      });
    }
  });
}

// Stryker disable next-line LogicalOperator,OptionalChaining: equivalent. On the main thread
// `!isMainThread` is false and `workerData` is null either way; in a pool worker both hold.
if (!isMainThread && workerData?.[WORKER_KEY]) {
  serve(workerData[WORKER_KEY]);
}
