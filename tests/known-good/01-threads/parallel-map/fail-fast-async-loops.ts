/**
 * Known good: checks up front that every item can be sent (`structuredClone`, fail fast), then
 * runs one async loop per worker that awaits each reply before taking the next index. The
 * solution instead feeds workers from event callbacks and finds an unsendable item when it sends it.
 */
import * as os from 'node:os';
import { once } from 'node:events';
import { isMainThread, parentPort, Worker, workerData } from 'node:worker_threads';

export interface Task {
  module: string;
  exportName: string;
}

type Reply = { ok: true; value: unknown } | { ok: false; message: string };

export async function parallelMap<T, R>(
  items: readonly T[],
  task: Task,
  options: { concurrency?: number } = {},
): Promise<R[]> {
  const concurrency = options.concurrency ?? os.availableParallelism();
  if (!Number.isInteger(concurrency) || concurrency < 1) throw new RangeError('concurrency');
  if (items.length === 0) return [];
  structuredClone(items); // throws a DataCloneError before any worker starts
  const results: R[] = new Array(items.length);
  const workers: Worker[] = [];
  let next = 0;
  const ask = async (worker: Worker, index: number): Promise<R> => {
    const reply = once(worker, 'message') as Promise<[Reply]>;
    const exit = once(worker, 'exit').then(([code]) => {
      throw new Error(`item ${index}: worker exited with ${code}`);
    });
    worker.postMessage(items[index]);
    const [r] = await Promise.race([reply, exit]);
    if (!r.ok) throw new Error(`item ${index}: ${r.message}`);
    return r.value as R;
  };
  const loop = async (worker: Worker) => {
    while (next < items.length) {
      const index = next++;
      results[index] = await ask(worker, index);
    }
  };
  try {
    for (let i = 0; i < Math.min(concurrency, items.length); i++) {
      workers.push(
        new Worker(__filename, {
          workerData: { poolTask: task },
          execArgv: ['--require', require.resolve('tsx/cjs')],
        }),
      );
    }
    await Promise.all(workers.map(loop));
    return results;
  } finally {
    await Promise.all(workers.map((w) => w.terminate()));
  }
}

if (!isMainThread && workerData?.poolTask) {
  const { module, exportName } = workerData.poolTask as Task;
  parentPort!.on('message', async (item: unknown) => {
    let reply: Reply;
    try {
      // eslint-disable-next-line @typescript-eslint/no-require-imports
      reply = { ok: true, value: await require(module)[exportName](item) };
    } catch (e) {
      reply = { ok: false, message: String((e as Error)?.message ?? e) };
    }
    try {
      parentPort!.postMessage(reply);
    } catch {
      parentPort!.postMessage({ ok: false, message: 'result not cloneable' });
    }
  });
}
