/**
 * Known bug: the worker posts `fn(item)` without awaiting it. Synchronous tasks work; an async
 * task's promise cannot be cloned, so every async task fails the call.
 *
 * @catches awaits an async task
 */
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

// Stryker disable next-line StringLiteral: equivalent. Any key works, the same constant is set and read.
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
    // Stryker disable next-line ArrayDeclaration: equivalent, every index is filled before resolve.
    const results = new Array<R>(items.length);
    const workers: Worker[] = [];
    let next = 0; // the next item to hand out
    let done = 0; // items with a result
    let finished = false;

    // Settle once, after every worker has exited: no thread outlives the call. (The guards on
    // `finished` only save work: a second settle is a no-op, and the workers are ending anyway.)
    const finish = (error?: Error) => {
      // Stryker disable next-line ConditionalExpression: equivalent, see above.
      if (finished) return;
      // Stryker disable next-line BooleanLiteral: equivalent, see above.
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
          // Stryker disable next-line StringLiteral: the contract leaves this message free.
          finish(new Error(`item ${index}: ${(error as Error).message}`));
        }
      }
      // With no item left the entry goes stale; it is read only if the worker dies after
      // finish(), which then ignores it.
    };

    const size = Math.min(concurrency, items.length);
    for (let i = 0; i < size; i++) {
      const worker = new Worker(__filename, {
        workerData: { [WORKER_KEY]: { module: task.module, exportName: task.exportName } },
        execArgv: ['--require', TSX_REQUIRE],
      });
      workers.push(worker);
      worker.on('message', (reply: Reply) => {
        // Stryker disable next-line ConditionalExpression: equivalent, see finish().
        if (finished) return;
        if (!reply.ok) return finish(new Error(`item ${reply.index}: ${reply.message}`));
        results[reply.index] = reply.value as R;
        if (++done === items.length) return finish();
        feed(worker);
      });
      // An uncaught error ends the worker, so 'exit' follows and fails the call anyway: this
      // handler only keeps the error's message. The contract pins the item's index only for a
      // task that throws, so the wording of both messages is free.
      // Stryker disable all: see above.
      worker.on('error', (error) => {
        const index = inFlight.get(worker);
        finish(new Error(`${index === undefined ? 'a worker' : `item ${index}`}: ${error.message}`));
      });
      // Stryker restore all
      worker.on('exit', (code) => {
        // Expected only after finish() terminated it; otherwise the task ended the thread.
        const index = inFlight.get(worker);
        // Stryker disable next-line all: the wording is free, see above.
        const who = index === undefined ? 'a worker' : `item ${index}`;
        // Stryker disable next-line StringLiteral: the wording is free, see above.
        finish(new Error(`${who}: the worker exited (code ${code})`));
      });
      feed(worker);
    }
  });
}

// ---- worker side -------------------------------------------------------------------------------

function load(task: Task): (item: unknown) => unknown {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const fn = require(task.module)[task.exportName] as unknown;
  // Calling a non-function throws a TypeError anyway; the check only words it.
  // Stryker disable next-line all: equivalent, see above.
  if (typeof fn !== 'function')
    // Stryker disable next-line StringLiteral: equivalent, see above.
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
      reply = { index, ok: true, value: fn(item) };
    } catch (error) {
      reply = { index, ok: false, message: error instanceof Error ? error.message : String(error) };
    }
    try {
      port.postMessage(reply);
    } catch (error) {
      // Any reply that is not `ok` fails the call; these fields only word the rejection.
      // Stryker disable next-line ObjectLiteral: see above.
      port.postMessage({
        index,
        ok: false,
        // Stryker disable next-line StringLiteral: the contract leaves this message free.
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
