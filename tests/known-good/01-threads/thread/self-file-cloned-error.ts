/**
 * Known good: the worker runs this very file (through tsx) and posts back the target's Error
 * object itself, which structured clone carries across; `join()` rejects with that clone. The
 * solution instead runs an eval'd JavaScript source and rebuilds an Error from plain data.
 */
import { isMainThread, parentPort, Worker, workerData } from 'node:worker_threads';

export interface ThreadOptions {
  module: string;
  exportName: string;
  args?: readonly unknown[];
}

type Reply = { ok: true; value: unknown } | { ok: false; error: unknown };

export class Thread<R = unknown> {
  private readonly options: { module: string; exportName: string; args: unknown[] };
  private promise?: Promise<R>;
  private alive = false;

  constructor(options: ThreadOptions) {
    const { module, exportName, args = [] } = options;
    if (typeof module !== 'string' || !module) throw new TypeError('bad module');
    if (typeof exportName !== 'string' || !exportName) throw new TypeError('bad exportName');
    if (!Array.isArray(args)) throw new TypeError('bad args');
    this.options = { module, exportName, args: [...args] };
  }

  start(): void {
    if (this.promise) throw new Error('already started');
    const worker = new Worker(__filename, {
      workerData: { kataThreadTarget: this.options },
      execArgv: ['--require', require.resolve('tsx/cjs')],
    });
    this.alive = true;
    this.promise = new Promise<R>((resolve, reject) => {
      let reply: Reply | undefined;
      worker.on('message', (m: Reply) => {
        reply = m;
        void worker.terminate();
      });
      worker.on('error', (error) => {
        reply ??= { ok: false, error };
      });
      worker.on('exit', (code) => {
        this.alive = false;
        if (!reply) reject(new Error(`the worker exited (code ${code}) without a result`));
        else if (reply.ok) resolve(reply.value as R);
        else reject(reply.error);
      });
    });
    this.promise.catch(() => undefined);
  }

  join(): Promise<R> {
    return this.promise ?? Promise.reject(new Error('not started'));
  }

  get isAlive(): boolean {
    return this.alive;
  }
}

async function runTarget(target: { module: string; exportName: string; args: unknown[] }): Promise<void> {
  let reply: Reply;
  try {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const fn = require(target.module)[target.exportName] as (...a: unknown[]) => unknown;
    reply = { ok: true, value: await fn(...target.args) };
  } catch (error) {
    reply = { ok: false, error };
  }
  try {
    parentPort!.postMessage(reply);
  } catch (error) {
    parentPort!.postMessage({ ok: false, error });
  }
}

if (!isMainThread && workerData?.kataThreadTarget) void runTarget(workerData.kataThreadTarget);
