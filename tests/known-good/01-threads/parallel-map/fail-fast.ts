/** Known good: checks up front that every item can be sent (`structuredClone`, so a bad item rejects before any worker starts), and its workers ask for work: each posts `ready` when it starts and with every answer, and the pool answers a `ready` with the next item from a queue; settles through one async function that awaits every worker's termination. */
import * as os from 'node:os';
import { isMainThread, parentPort, Worker, workerData } from 'node:worker_threads';

export interface Task {
  /** Absolute path of a .ts or .js module. */
  module: string;
  /** Name of the exported function, called with one item. */
  exportName: string;
}

type FromWorker = {
  ready: true;
  answer?: { index: number; value: unknown } | { index: number; error: string };
};

const KEY = 'knownGoodFailFastPool';

export async function parallelMap<T, R>(
  items: readonly T[],
  task: Task,
  options: { concurrency?: number } = {},
): Promise<R[]> {
  const concurrency = options.concurrency === undefined ? os.availableParallelism() : options.concurrency;
  if (!Number.isInteger(concurrency) || concurrency < 1) {
    throw new RangeError(`The value of "concurrency" is out of range. Received ${concurrency}`);
  }
  for (const item of items) structuredClone(item); // throws a DataCloneError for a function
  if (items.length === 0) return [];

  const queue = items.map((item, index) => ({ item, index }));
  const results = new Map<number, R>();
  const workers: Worker[] = [];
  let failure: Error | undefined;
  let stopped = false;
  await new Promise<void>((resolve) => {
    const stop = (error?: Error) => {
      if (stopped) return; // the exits that terminate() causes come later
      stopped = true;
      failure = error;
      resolve();
    };
    for (let i = 0; i < Math.min(concurrency, items.length); i++) {
      const worker = new Worker(__filename, {
        workerData: { [KEY]: task },
        execArgv: ['--require', require.resolve('tsx/cjs')],
      });
      workers.push(worker);
      worker.on('message', ({ answer }: FromWorker) => {
        if (answer && 'error' in answer) return stop(new Error(`item ${answer.index}: ${answer.error}`));
        if (answer) results.set(answer.index, answer.value as R);
        if (results.size === items.length) return stop();
        const job = queue.shift();
        if (job) worker.postMessage(job);
      });
      worker.on('error', (error) => stop(error));
      worker.on('exit', (code) => stop(new Error(`worker exited early with code ${code}`)));
    }
  });
  await Promise.all(workers.map((w) => w.terminate()));
  if (failure) throw failure;
  return items.map((_, index) => results.get(index) as R);
}

if (!isMainThread && workerData?.[KEY]) {
  const task = workerData[KEY] as Task;
  const port = parentPort!;
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const fn = require(task.module)[task.exportName] as (item: unknown) => unknown;
  port.on('message', async ({ item, index }: { item: unknown; index: number }) => {
    try {
      const value = await fn(item);
      try {
        port.postMessage({ ready: true, answer: { index, value } });
      } catch (error) {
        port.postMessage({ ready: true, answer: { index, error: String(error) } });
      }
    } catch (error) {
      port.postMessage({ ready: true, answer: { index, error: (error as Error).message } });
    }
  });
  port.postMessage({ ready: true });
}
