/**
 * Known good: every worker gets all the items in `workerData` and claims the next index itself
 * with `Atomics.add` on a shared counter, posting `{ index, … }` replies. The solution instead
 * has the main thread hand out one item per message.
 */
import * as os from 'node:os';
import { isMainThread, parentPort, Worker, workerData } from 'node:worker_threads';

export interface Task {
  module: string;
  exportName: string;
}

export function parallelMap<T, R>(
  items: readonly T[],
  task: Task,
  options: { concurrency?: number } = {},
): Promise<R[]> {
  const concurrency = options.concurrency ?? os.availableParallelism();
  if (!Number.isInteger(concurrency) || concurrency < 1)
    return Promise.reject(new RangeError('bad concurrency'));
  if (items.length === 0) return Promise.resolve([]);
  return new Promise((resolve, reject) => {
    const counter = new Int32Array(new SharedArrayBuffer(4));
    const results: R[] = new Array(items.length);
    const workers: Worker[] = [];
    let received = 0;
    let over = false;
    const end = (error?: Error) => {
      if (over) return;
      over = true;
      Atomics.store(counter, 0, items.length); // no more work for anyone
      void Promise.all(workers.map((w) => w.terminate())).then(() =>
        error ? reject(error) : resolve(results),
      );
    };
    try {
      for (let i = 0; i < Math.min(concurrency, items.length); i++) {
        const worker = new Worker(__filename, {
          workerData: { sharedPool: { task, items, counter } },
          execArgv: ['--require', require.resolve('tsx/cjs')],
        });
        workers.push(worker);
        let holding = -1; // the index this worker claimed and has not answered yet
        worker.on('message', (m: { index: number; claim?: true; value?: unknown; error?: string }) => {
          if (m.claim) {
            holding = m.index;
            return;
          }
          holding = -1;
          if (m.error !== undefined) return end(new Error(`item ${m.index}: ${m.error}`));
          results[m.index] = m.value as R;
          if (++received === items.length) end();
        });
        worker.on('error', (e) => end(new Error(`a worker failed: ${e.message}`)));
        worker.on('exit', (code) => {
          if (holding >= 0 || code !== 0) end(new Error(`item ${holding}: its worker exited (${code})`));
        });
      }
    } catch (error) {
      end(error as Error); // an item that cannot be cloned into workerData
    }
  });
}

async function work({ task, items, counter }: { task: Task; items: unknown[]; counter: Int32Array }) {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const fn = require(task.module)[task.exportName] as (item: unknown) => unknown;
  for (let index = Atomics.add(counter, 0, 1); index < items.length; index = Atomics.add(counter, 0, 1)) {
    parentPort!.postMessage({ index, claim: true });
    try {
      const value = await fn(items[index]);
      try {
        parentPort!.postMessage({ index, value });
      } catch {
        parentPort!.postMessage({ index, error: 'the result cannot be cloned' });
      }
    } catch (e) {
      parentPort!.postMessage({ index, error: String((e as Error)?.message ?? e) });
    }
  }
}

if (!isMainThread && workerData?.sharedPool) void work(workerData.sharedPool);
