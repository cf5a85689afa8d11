/**
 * Known bug: no reuse. Each item gets a brand-new worker (never more than `concurrency` at once),
 * which is terminated after that one item: 8 items start 8 threads, and pay 8 start-ups.
 *
 * @catches reuses its workers
 */
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

/** Runs one item in a new worker (a pool worker serving a single message), then terminates it. */
function runOne<R>(task: Task, index: number, item: unknown, workers: Set<Worker>): Promise<R> {
  const worker = new Worker(__filename, {
    workerData: { [WORKER_KEY]: { module: task.module, exportName: task.exportName } },
    execArgv: ['--require', TSX_REQUIRE],
  });
  workers.add(worker);
  worker.once('exit', () => workers.delete(worker));
  return new Promise<R>((resolve, reject) => {
    worker.once('message', (reply: Reply) => {
      void worker.terminate();
      if (reply.ok) resolve(reply.value as R);
      else reject(new Error(`item ${index}: ${reply.message}`));
    });
    worker.once('error', (error) => reject(new Error(`item ${index}: ${error.message}`)));
    worker.postMessage({ index, item });
  });
}

export function parallelMap<T, R>(
  items: readonly T[],
  task: Task,
  options: { concurrency?: number } = {},
): Promise<R[]> {
  const concurrency = options.concurrency ?? os.availableParallelism();
  if (!Number.isInteger(concurrency) || concurrency < 1) {
    return Promise.reject(new RangeError(`\`concurrency\` must be a positive integer, got ${concurrency}`));
  }
  const results = new Array<R>(items.length);
  const workers = new Set<Worker>();
  let next = 0;
  // `concurrency` lanes; BUG: each lane starts a new worker for every item it takes.
  const lane = async (): Promise<void> => {
    while (next < items.length) {
      const index = next++;
      results[index] = await runOne<R>(task, index, items[index], workers);
    }
  };
  const lanes = Array.from({ length: Math.min(concurrency, items.length) }, lane);
  return Promise.all(lanes).then(
    () => results,
    async (error) => {
      await Promise.all([...workers].map((w) => w.terminate()));
      throw error;
    },
  );
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

if (!isMainThread && workerData?.[WORKER_KEY]) {
  serve(workerData[WORKER_KEY]);
}
