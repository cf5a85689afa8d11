/**
 * Known good: the worker is an eval'd CommonJS source that registers tsx itself, posts the
 * error's message as plain data, and the main side is one async function that awaits the
 * worker's 'exit' with `events.once`. Validation is exactly what §1 states, with bare messages.
 */
import { once } from 'node:events';
import { Worker } from 'node:worker_threads';

export interface ThreadOptions {
  module: string;
  exportName: string;
  args?: readonly unknown[];
}

const SOURCE = `
require(${JSON.stringify(require.resolve('tsx/cjs'))});
const { parentPort, workerData } = require('node:worker_threads');
(async () => {
  const { module, exportName, args } = workerData;
  let out;
  try {
    out = { value: await require(module)[exportName](...args) };
  } catch (e) {
    out = { error: String(e && e.message) };
  }
  try { parentPort.postMessage(out); } catch (e) { parentPort.postMessage({ error: 'not cloneable' }); }
})();
`;

export class Thread<R = unknown> {
  #target: { module: string; exportName: string; args: readonly unknown[] };
  #done: Promise<R> | null = null;
  #running = false;

  constructor({ module, exportName, args = [] }: ThreadOptions) {
    if (typeof module !== 'string' || module.length === 0) throw new TypeError('module');
    if (typeof exportName !== 'string' || exportName.length === 0) throw new TypeError('exportName');
    if (!Array.isArray(args)) throw new TypeError('args');
    this.#target = { module, exportName, args };
  }

  start(): void {
    if (this.#done !== null) throw new Error('Thread already started');
    const worker = new Worker(SOURCE, { eval: true, workerData: this.#target });
    this.#running = true;
    this.#done = this.#wait(worker);
    this.#done.catch(() => {});
  }

  async #wait(worker: Worker): Promise<R> {
    let out: { value?: unknown; error?: string } | undefined;
    worker.on('message', (m) => {
      out = m;
      void worker.terminate();
    });
    worker.on('error', () => {});
    await once(worker, 'exit');
    this.#running = false;
    if (out === undefined) throw new Error('the thread died before returning');
    if ('error' in out) throw new Error(out.error);
    return out.value as R;
  }

  join(): Promise<R> {
    if (this.#done === null) return Promise.reject(new Error('Thread not started'));
    return this.#done;
  }

  get isAlive(): boolean {
    return this.#running;
  }
}
