/** Known good: no messages hand out work; every worker gets all the items in `workerData` and claims the next index itself from a counter in a SharedArrayBuffer (`Atomics.add`), posting `{ index, value }` per item and `{ done }` when the counter runs out, instead of the solution's main-thread dispatcher. */
import { availableParallelism } from 'node:os';
import { isMainThread, parentPort, Worker, workerData } from 'node:worker_threads';

export interface Task {
  /** Absolute path of a .ts or .js module. */
  module: string;
  /** Name of the exported function, called with one item. */
  exportName: string;
}

type Message =
  | { index: number; ok: true; value: unknown }
  | { index: number; ok: false; message: string }
  | { done: true };

const KEY = 'knownGoodSharedIndexPool';

export function parallelMap<T, R>(
  items: readonly T[],
  task: Task,
  options: { concurrency?: number } = {},
): Promise<R[]> {
  const { concurrency = availableParallelism() } = options;
  if (!(Number.isInteger(concurrency) && concurrency >= 1)) {
    return Promise.reject(new RangeError(`expected an integer >= 1, got ${concurrency}`));
  }
  if (items.length === 0) return Promise.resolve([]);
  const counter = new Int32Array(new SharedArrayBuffer(4));
  const results: R[] = [];
  const workers: Worker[] = [];
  let received = 0;
  let settled = false;
  return new Promise<R[]>((resolve, reject) => {
    const end = (error?: Error) => {
      if (settled) return;
      settled = true;
      Atomics.store(counter, 0, items.length); // nobody claims another item
      void Promise.all(workers.map((w) => w.terminate())).then(() =>
        error ? reject(error) : resolve(results),
      );
    };
    for (let i = 0; i < Math.min(concurrency, items.length) && !settled; i++) {
      let worker: Worker;
      try {
        worker = new Worker(__filename, {
          workerData: { [KEY]: { task, items, counter: counter.buffer } },
          execArgv: ['--require', require.resolve('tsx/cjs')],
        });
      } catch (error) {
        end(error as Error); // an item that cannot be cloned: nothing has run
        break;
      }
      workers.push(worker);
      let finished = false;
      worker.on('message', (m: Message) => {
        if ('done' in m) finished = true;
        else if (!m.ok) end(new Error(`item ${m.index}: ${m.message}`));
        else {
          results[m.index] = m.value as R;
          if (++received === items.length) end();
        }
      });
      worker.on('error', (error) => end(new Error(`a pool worker failed: ${error.message}`)));
      worker.on('exit', (code) => {
        if (!finished) end(new Error(`a pool worker exited (code ${code}) in the middle of its work`));
      });
    }
  });
}

if (!isMainThread && workerData?.[KEY]) {
  const { task, items, counter } = workerData[KEY] as {
    task: Task;
    items: unknown[];
    counter: SharedArrayBuffer;
  };
  const next = new Int32Array(counter);
  const port = parentPort!;
  void (async () => {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const fn = require(task.module)[task.exportName] as (item: unknown) => unknown;
    for (let index = Atomics.add(next, 0, 1); index < items.length; index = Atomics.add(next, 0, 1)) {
      let message: Message;
      try {
        message = { index, ok: true, value: await fn(items[index]) };
      } catch (error) {
        message = { index, ok: false, message: (error as Error).message };
      }
      try {
        port.postMessage(message);
      } catch (error) {
        port.postMessage({ index, ok: false, message: `unsendable result (${(error as Error).message})` });
      }
    }
    port.postMessage({ done: true });
  })();
}
