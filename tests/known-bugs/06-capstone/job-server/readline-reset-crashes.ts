/**
 * Known bug: lines read with `readline`, but with no `error` listener on the interface: readline
 * re-emits the socket's ECONNRESET, and unhandled it is thrown, so a client that resets its
 * connection takes the server down.
 *
 * @catches keeps serving when a client resets its connection
 */
import * as net from 'node:net';
import * as os from 'node:os';
import * as readline from 'node:readline';
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

interface Task {
  id: unknown;
  job: 'fib' | 'sleep';
  arg: number;
  send: (reply: object) => void;
}

interface Slot {
  worker: Worker;
  task?: Task;
}

const MAX = { fib: 45, sleep: 60_000 };

export async function startJobServer(options: JobServerOptions = {}): Promise<JobServer> {
  const host = options.host ?? '127.0.0.1';
  const port = options.port ?? 0;
  const size = options.workers ?? os.availableParallelism();
  const maxQueue = options.maxQueue ?? 100;
  if (!Number.isInteger(size) || size < 1) throw new RangeError('workers must be a positive integer');
  if (!Number.isInteger(maxQueue) || maxQueue < 0) throw new RangeError('maxQueue must be an integer >= 0');

  const queue: Task[] = [];
  const slots: Slot[] = [];
  let completed = 0;
  let stopped = false;

  /** Every idle worker pulls the oldest task, while there are both. */
  const pull = () => {
    for (const slot of slots) {
      if (queue.length === 0) return;
      if (slot.task) continue;
      slot.task = queue.shift()!;
      slot.worker.postMessage({ job: slot.task.job, arg: slot.task.arg });
    }
  };

  const sockets = new Set<net.Socket>();
  const server = net.createServer((socket) => {
    sockets.add(socket);
    socket.on('error', () => {});
    socket.on('close', () => sockets.delete(socket));
    const send = (reply: object) => {
      if (!socket.destroyed) socket.write(JSON.stringify(reply) + '\n');
    };
    const lines = readline.createInterface({ input: socket, crlfDelay: Infinity });
    lines.on('line', (line) => {
      let request: unknown;
      try {
        request = JSON.parse(line);
      } catch {
        send({ id: null, error: 'bad JSON' });
        return;
      }
      if (request === null || typeof request !== 'object' || Array.isArray(request)) {
        send({ id: null, error: 'not a request object' });
        return;
      }
      const { id = null, job, arg } = request as Record<string, unknown>;
      if (job === 'stats') {
        const running = slots.filter((s) => s.task).length;
        send({ id, result: { completed, running, queued: queue.length } });
      } else if (job !== 'fib' && job !== 'sleep') {
        send({ id, error: `unknown job: ${String(job)}` });
      } else if (typeof arg !== 'number' || !Number.isInteger(arg) || arg < 0 || arg > MAX[job]) {
        send({ id, error: `bad arg for ${job}` });
      } else if (slots.some((s) => !s.task) || queue.length < maxQueue) {
        queue.push({ id, job, arg, send });
        pull();
      } else {
        send({ id, error: 'queue full' });
      }
    });
  });

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve();
    });
  });

  for (let i = 0; i < size; i++) {
    const slot: Slot = {
      worker: new Worker(__filename, {
        workerData: { kgReadlineJobs: true },
        execArgv: ['--require', require.resolve('tsx/cjs')],
      }),
    };
    slot.worker.on('message', (result: unknown) => {
      const task = slot.task!;
      slot.task = undefined;
      completed++;
      task.send({ id: task.id, result });
      if (!stopped) pull();
    });
    slot.worker.on('error', () => {});
    slots.push(slot);
  }

  let closing: Promise<void> | undefined;
  return {
    port: (server.address() as net.AddressInfo).port,
    close() {
      closing ??= (async () => {
        stopped = true;
        queue.length = 0;
        const done = new Promise((resolve) => server.close(resolve));
        for (const socket of sockets) socket.destroy();
        await Promise.all(slots.map((slot) => slot.worker.terminate()));
        await done;
      })();
      return closing;
    },
  };
}

const fib = (n: number): number => (n < 2 ? n : fib(n - 1) + fib(n - 2));

if (!isMainThread && workerData?.kgReadlineJobs) {
  parentPort!.on('message', ({ job, arg }: { job: string; arg: number }) => {
    if (job === 'fib') parentPort!.postMessage(fib(arg));
    else {
      Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, arg);
      parentPort!.postMessage(null);
    }
  });
}
