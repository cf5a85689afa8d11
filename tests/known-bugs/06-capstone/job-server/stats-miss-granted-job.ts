/**
 * Known bug: a job counts as `running` only once the `await` for its permit has resumed, a
 * microtask after the permit was taken: `stats` answered in that window counts the accepted job
 * neither as running nor as queued.
 *
 * @catches answers `stats` while a `fib` job runs
 */
import * as net from 'node:net';
import { availableParallelism } from 'node:os';
import { isMainThread, parentPort, Worker, workerData } from 'node:worker_threads';

export interface JobServerOptions {
  host?: string;
  port?: number;
  workers?: number;
  maxQueue?: number;
}

export interface JobServer {
  readonly port: number;
  close(): Promise<void>;
}

const WORKER_FLAG = 'kgByteLinesWorker';

function validateInteger(value: number, name: string, min: number): void {
  if (!Number.isInteger(value) || value < min) {
    const err = new RangeError(
      `The value of "${name}" is out of range. It must be an integer >= ${min}. Received ${value}`,
    );
    (err as Error & { code?: string }).code = 'ERR_OUT_OF_RANGE';
    throw err;
  }
}

export function startJobServer(options: JobServerOptions = {}): Promise<JobServer> {
  try {
    validateInteger(options.workers ?? 1, 'workers', 1);
    validateInteger(options.maxQueue ?? 0, 'maxQueue', 0);
  } catch (error) {
    return Promise.reject(error);
  }
  const workers = options.workers ?? availableParallelism();
  const maxQueue = options.maxQueue ?? 100;

  let permits = workers;
  const permitWaiters: { grant: () => void; drop: () => void }[] = [];
  const acquire = () =>
    new Promise<boolean>((resolve) => {
      if (permits > 0) {
        permits--;
        resolve(true);
      } else permitWaiters.push({ grant: () => resolve(true), drop: () => resolve(false) });
    });
  const release = () => {
    const next = permitWaiters.shift();
    if (next) next.grant();
    else permits++;
  };

  const all: Worker[] = [];
  const free: Worker[] = [];
  const pending = new Map<number, (value: unknown) => void>();
  let seq = 0;
  let completed = 0;
  let running = 0;
  let closed = false;

  const borrow = (): Worker => {
    const existing = free.pop();
    if (existing) return existing;
    const worker = new Worker(__filename, {
      workerData: { [WORKER_FLAG]: true },
      execArgv: ['--require', require.resolve('tsx/cjs')],
    });
    worker.on('message', ({ n, value }: { n: number; value: unknown }) => {
      const settle = pending.get(n);
      pending.delete(n);
      free.push(worker);
      settle?.(value);
    });
    all.push(worker);
    return worker;
  };

  const run = async (job: string, arg: number): Promise<{ value: unknown } | undefined> => {
    if (!(await acquire())) return undefined; // dropped by close()
    running++;
    try {
      const worker = borrow();
      const n = ++seq;
      const value = await new Promise((resolve) => {
        pending.set(n, resolve);
        worker.postMessage({ n, job, arg });
      });
      completed++;
      return { value };
    } finally {
      running--;
      release();
    }
  };

  const answer = (request: unknown, send: (reply: object) => void): void => {
    if (typeof request !== 'object' || request === null || Array.isArray(request)) {
      send({ id: null, error: 'expected a JSON object' });
      return;
    }
    const r = request as { id?: unknown; job?: unknown; arg?: unknown };
    const id = r.id ?? null;
    const limits: Record<string, number> = { fib: 45, sleep: 60000 };
    if (r.job === 'stats') {
      send({ id, result: { completed, running, queued: permitWaiters.length } });
      return;
    }
    if (typeof r.job !== 'string' || !(r.job in limits)) {
      send({ id, error: 'unknown job' });
      return;
    }
    const arg = r.arg;
    if (typeof arg !== 'number' || !Number.isInteger(arg) || arg < 0 || arg > limits[r.job]) {
      send({ id, error: 'bad arg' });
      return;
    }
    if (permits === 0 && permitWaiters.length >= maxQueue) {
      send({ id, error: 'too many jobs waiting' });
      return;
    }
    void run(r.job, arg).then((outcome) => {
      if (outcome) send({ id, result: outcome.value });
    });
  };

  const sockets = new Set<net.Socket>();
  const server = net.createServer((socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    socket.on('error', () => {});
    const send = (reply: object) => void (socket.writable && socket.write(`${JSON.stringify(reply)}\n`));
    let rest = Buffer.alloc(0);
    socket.on('data', (chunk: Buffer) => {
      let data = Buffer.concat([rest, chunk]);
      let nl: number;
      while ((nl = data.indexOf(0x0a)) >= 0) {
        const line = data.subarray(0, nl).toString('utf8');
        data = data.subarray(nl + 1);
        let request: unknown;
        try {
          request = JSON.parse(line);
        } catch (error) {
          send({ id: null, error: String(error) });
          continue;
        }
        answer(request, send);
      }
      rest = data;
    });
  });

  const close = async (): Promise<void> => {
    if (!closed) {
      closed = true;
      for (const waiter of permitWaiters.splice(0)) waiter.drop();
      server.close();
      for (const socket of sockets) socket.destroy();
    }
    await Promise.all(all.map((worker) => worker.terminate()));
  };

  return new Promise((resolve, reject) => {
    server.on('error', reject);
    try {
      server.listen(options.port ?? 0, options.host ?? '127.0.0.1', () =>
        resolve({ port: (server.address() as net.AddressInfo).port, close }),
      );
    } catch (error) {
      reject(error);
    }
  });
}

function fib(n: number): number {
  return n < 2 ? n : fib(n - 1) + fib(n - 2);
}

if (!isMainThread && workerData?.[WORKER_FLAG]) {
  parentPort!.on('message', ({ n, job, arg }: { n: number; job: string; arg: number }) => {
    let value: number | null = null;
    if (job === 'fib') value = fib(arg);
    else Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, arg);
    parentPort!.postMessage({ n, value });
  });
}
