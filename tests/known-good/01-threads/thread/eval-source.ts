/** Known good: the worker runs an `eval: true` JavaScript source that registers tsx itself (no compile cache, no own loader); `start()` keeps one async function's promise that awaits the worker's `exit` and then reads the reply, and a thread's state is one field instead of a flag and a promise. */
import { Worker } from 'node:worker_threads';

export interface ThreadOptions {
  /** Absolute path of a .ts or .js module. */
  module: string;
  /** Name of the exported function to call. */
  exportName: string;
  /** Arguments, structured-cloned into the worker (SharedArrayBuffers are shared, not copied). */
  args?: readonly unknown[];
}

const SOURCE = `
const { parentPort, workerData } = require('node:worker_threads');
require(workerData.tsx);
Promise.resolve()
  .then(() => require(workerData.module)[workerData.exportName](...workerData.args))
  .then(
    (value) => parentPort.postMessage({ value }),
    (error) => parentPort.postMessage({ message: String(error && error.message) }),
  );
`;

type Reply<R> = { value: R } | { message: string };

export class Thread<R = unknown> {
  readonly #options: ThreadOptions;
  #state: 'new' | 'running' | 'done' = 'new';
  #run: Promise<R> | undefined;

  constructor(options: ThreadOptions) {
    for (const key of ['module', 'exportName'] as const) {
      if (typeof options[key] !== 'string' || options[key] === '') {
        throw new TypeError(`The "${key}" option must be a non-empty string`);
      }
    }
    if (options.args !== undefined && !Array.isArray(options.args)) {
      throw new TypeError('The "args" option must be an array');
    }
    this.#options = options;
  }

  start(): void {
    if (this.#state !== 'new') throw new Error('This thread has already started');
    const { module, exportName, args = [] } = this.#options;
    const worker = new Worker(SOURCE, {
      eval: true,
      workerData: { module, exportName, args, tsx: require.resolve('tsx/cjs') },
    });
    this.#state = 'running';
    let reply: Reply<R> | undefined;
    worker.once('message', (message: Reply<R>) => {
      reply = message;
      void worker.terminate();
    });
    worker.on('error', () => {}); // an uncaught error: 'exit' follows, without a reply
    const exited = new Promise<number>((resolve) => worker.once('exit', resolve));
    this.#run = (async () => {
      const code = await exited;
      this.#state = 'done';
      if (reply === undefined) throw new Error(`Thread ended (exit code ${code}) before it returned`);
      if ('message' in reply) throw new Error(reply.message);
      return reply.value;
    })();
    this.#run.catch(() => {});
  }

  join(): Promise<R> {
    return this.#run ?? Promise.reject(new Error('Thread not started'));
  }

  get isAlive(): boolean {
    return this.#state === 'running';
  }
}
