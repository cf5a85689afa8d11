/**
 * Known bug: `maxQueue` defaults with `||`, so `maxQueue: 0` (no job may wait) becomes 100 and a
 * job that finds the only worker busy is queued instead of refused.
 *
 * @catches with `maxQueue: 0` refuses a job that would have to wait
 */
import * as net from 'node:net';
import * as os from 'node:os';
import { StringDecoder } from 'node:string_decoder';
import { parentPort, Worker, workerData } from 'node:worker_threads';

export interface JobServerOptions {
  /** Default `'127.0.0.1'`. */
  host?: string;
  /** Default 0: the OS picks a free port. */
  port?: number;
  /** Worker threads, i.e. jobs running at once. Default `os.availableParallelism()`. */
  workers?: number;
  /** Jobs that may wait for a worker; one more gets an error reply. Default 100. */
  maxQueue?: number;
}

export interface JobServer {
  /** The port it listens on (the one the OS picked when given 0). */
  readonly port: number;
  /** Stops listening, destroys connections, terminates the workers; idempotent. */
  close(): Promise<void>;
}

/** The jobs that run in a worker, and the largest `arg` each accepts. */
const LIMITS = { fib: 45, sleep: 60_000 } as const;
type JobName = keyof typeof LIMITS;

/** A job accepted from a client: what to run, and where its reply goes. */
interface Job {
  id: unknown;
  name: JobName;
  arg: number;
  reply: (message: object) => void;
}

const TSX_REQUIRE = require.resolve('tsx/cjs');

export function startJobServer(options: JobServerOptions = {}): Promise<JobServer> {
  const { host = '127.0.0.1', port = 0, workers = os.availableParallelism() } = options;
  const maxQueue = options.maxQueue || 100; // 0 is falsy: `maxQueue: 0` becomes 100
  if (!Number.isInteger(workers) || workers < 1) {
    return Promise.reject(new RangeError(`\`workers\` must be a positive integer, got ${workers}`));
  }
  if (!Number.isInteger(maxQueue) || maxQueue < 0) {
    return Promise.reject(new RangeError(`\`maxQueue\` must be an integer ≥ 0, got ${maxQueue}`));
  }

  // ---- the pool: `workers` permits, a bounded queue of jobs waiting for one ----------------------
  const pool = new Set<Worker>(); // every live worker
  const idle: Worker[] = []; // live workers with no job
  const running = new Map<Worker, Job>(); // busy workers and their job
  const waiting: Job[] = []; // accepted jobs with no worker yet, oldest first
  let completed = 0;

  const dispatch = (worker: Worker, job: Job) => {
    running.set(worker, job);
    worker.postMessage({ name: job.name, arg: job.arg }); // queued by Node while the worker boots
  };

  /** Gives `worker` its next job: the oldest waiting one, or it goes idle. */
  const feed = (worker: Worker) => {
    const job = waiting.shift();
    if (job) dispatch(worker, job);
    else idle.push(worker);
  };

  const startWorker = (): Worker => {
    const worker = new Worker(__filename, {
      workerData: __filename, // marks a pool worker (see the bottom of this file)
      execArgv: ['--require', TSX_REQUIRE],
    });
    pool.add(worker);
    worker.on('message', (value: unknown) => {
      const job = running.get(worker)!; // a worker answers only the job it was given
      running.delete(worker);
      completed++;
      job.reply({ id: job.id, result: value });
      feed(worker);
    });
    return worker;
  };

  /** Runs `job` now if a permit is free, else queues it, else refuses it. */
  const submit = (job: Job) => {
    if (idle.length > 0 || pool.size < workers) {
      dispatch(idle.pop() ?? startWorker(), job);
    } else if (waiting.length < maxQueue) {
      waiting.push(job);
    } else {
      // Refused, not run: it does not count as completed.
      job.reply({ id: job.id, error: `queue full: ${maxQueue} jobs are already waiting for a worker` });
    }
  };

  // ---- the protocol: one JSON request a line, one JSON reply a line ------------------------------
  const handleLine = (line: string, reply: (message: object) => void) => {
    // A line that is not JSON leaves `request` null, and is answered as JSON that is not an
    // object is: `null` would throw in the destructuring below, and an array or a number would
    // only get a vaguer error there (`unknown job undefined`).
    let request: unknown = null;
    try {
      request = JSON.parse(line);
    } catch {
      // not JSON: `request` stays null
    }
    if (typeof request !== 'object' || request === null) {
      reply({ id: null, error: 'a request is one JSON object a line, like {"id":1,"job":"fib","arg":30}' });
      return;
    }
    const { id = null, job, arg } = request as { id?: unknown; job?: unknown; arg?: unknown };
    if (job === 'stats') {
      // Answered here, on the main thread: this is what stays free while the workers compute.
      reply({ id, result: { completed, running: running.size, queued: waiting.length } });
      return;
    }
    if (job !== 'fib' && job !== 'sleep') {
      reply({ id, error: `unknown job ${JSON.stringify(job)}: expected "fib", "sleep" or "stats"` });
      return;
    }
    const max = LIMITS[job];
    if (!Number.isInteger(arg) || (arg as number) < 0 || (arg as number) > max) {
      reply({ id, error: `bad arg ${JSON.stringify(arg)}: ${job} takes an integer from 0 to ${max}` });
      return;
    }
    submit({ id, name: job, arg: arg as number, reply });
  };

  const sockets = new Set<net.Socket>();
  const server = net.createServer((socket) => {
    sockets.add(socket);
    socket.on('error', () => {}); // a client's reset must not crash the server; 'close' follows
    // Stryker disable next-line StringLiteral,ArrowFunction: equivalent, a closed socket left in `sockets` is only destroyed again by close(), a no-op.
    socket.once('close', () => sockets.delete(socket));
    // A reply for a client that left fails into the `error` listener above: nobody reads it anyway.
    const reply = (message: object) => socket.write(`${JSON.stringify(message)}\n`);
    // TCP is a byte stream: keep what follows the last `\n` for the next chunk, and let the
    // decoder keep a UTF-8 character cut between two chunks.
    const decoder = new StringDecoder(); // UTF-8
    let buffered = '';
    socket.on('data', (chunk: Buffer) => {
      buffered += decoder.write(chunk);
      let end: number;
      while ((end = buffered.indexOf('\n')) !== -1) {
        const line = buffered.slice(0, end);
        buffered = buffered.slice(end + 1);
        handleLine(line, reply);
      }
    });
  });

  let closing: Promise<void> | undefined;
  const close = (): Promise<void> => {
    closing ??= (async () => {
      waiting.length = 0; // queued jobs are dropped
      const stopped = new Promise<void>((resolve) => server.close(() => resolve()));
      for (const socket of sockets) socket.destroy();
      await Promise.all([...pool].map((worker) => worker.terminate()));
      await stopped;
    })();
    return closing;
  };

  return new Promise<JobServer>((resolve, reject) => {
    const onError = (error: Error) => reject(error); // EADDRINUSE, EACCES, …: keeps its `code`
    server.once('error', onError);
    try {
      server.listen(port, host, () => {
        // Stryker disable next-line StringLiteral: equivalent, a stale `onError` rejects a settled promise.
        server.off('error', onError);
        resolve({ port: (server.address() as net.AddressInfo).port, close });
      });
    } catch (error) {
      reject(error); // a bad port or host: listen() throws synchronously
    }
  });
}

// ---- worker side -------------------------------------------------------------------------------

/** The naive, exponential recursion on purpose: it is the CPU work the pool exists for. */
function fib(n: number): number {
  return n < 2 ? n : fib(n - 1) + fib(n - 2);
}

/** Blocks this thread for `ms`, like Python's `time.sleep`: the worker is busy meanwhile. */
function sleep(ms: number): null {
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);
  return null;
}

function serveJobs(): void {
  const port = parentPort!;
  // Neither job can throw: `arg` was checked on the main thread (fib ≤ 45 deep, sleep ≤ 60 s).
  port.on('message', ({ name, arg }: { name: JobName; arg: number }) => {
    port.postMessage(name === 'fib' ? fib(arg) : sleep(arg));
  });
}

// A pool worker's workerData is this file's path; on the main thread workerData is null.
if (workerData === __filename) {
  serveJobs();
}
