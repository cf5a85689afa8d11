/**
 * The capstone: a TCP job server that runs CPU work on a pool of worker threads.
 *
 * Clients speak one JSON object a line:
 *
 *   → {"id":1,"job":"fib","arg":30}      ← {"id":1,"result":832040}
 *   → {"id":2,"job":"sleep","arg":100}   ← {"id":2,"result":null}        (100 ms later)
 *   → {"id":3,"job":"stats"}             ← {"id":3,"result":{"completed":2,"running":0,"queued":0}}
 *   → {"id":4,"job":"nope"}              ← {"id":4,"error":"unknown job …"}
 *   → {oops                              ← {"id":null,"error":"bad JSON: …"}
 *
 * Three parts of the kata meet here:
 *
 * - Threads: `fib` (naive, exponential: real CPU work) and `sleep` (a thread blocked in
 *   `Atomics.wait`) run in worker threads, so the main thread, which owns every socket, stays
 *   free: `stats` and bad requests are answered at once while `fib 40` runs.
 * - A semaphore: at most `workers` jobs run at once. The pool is the semaphore: a job takes an
 *   idle worker (a permit) or waits in `waiting`, bounded by `maxQueue`; a worker that finishes
 *   takes the oldest waiting job before it goes back to the idle list.
 * - TCP: a byte stream, so requests are cut at `\n` (a line may arrive in pieces, several in one
 *   chunk); replies go back on the connection that asked, carrying the request's `id`: jobs
 *   finish out of order, and the id is how a client matches them.
 *
 * Workers start when there is work and no idle worker (at most `workers` of them) and are then
 * reused. `close()` stops listening, destroys the connections, drops the waiting jobs and
 * terminates the workers (a running job is abandoned: `terminate()` stops even `Atomics.wait`).
 *
 * This one file is both sides: started as a worker's entry (with the `WORKER_KEY` workerData) it
 * answers one `{ name, arg }` message at a time with `{ ok: true, value }`.
 */
import * as net from 'node:net';
import * as os from 'node:os';
import { StringDecoder } from 'node:string_decoder';
import { isMainThread, parentPort, Worker, workerData } from 'node:worker_threads';

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

/** What a worker posts back for one job. */
type Outcome = { ok: true; value: unknown } | { ok: false; message: string };

/** A job accepted from a client: what to run, and where its reply goes. */
interface Job {
  id: unknown;
  name: JobName;
  arg: number;
  reply: (message: object) => void;
  socket: net.Socket;
}

// Stryker disable next-line StringLiteral: equivalent. Any key works, the same constant is set and read.
const WORKER_KEY = 'kataJobWorker';
const TSX_REQUIRE = require.resolve('tsx/cjs');

export function startJobServer(options: JobServerOptions = {}): Promise<JobServer> {
  const { host = '127.0.0.1', port = 0, workers = os.availableParallelism(), maxQueue = 100 } = options;
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
  let closed = false;

  /** A job is done (result or error): count it and answer its client. */
  const finish = (job: Job, outcome: Outcome) => {
    completed++;
    job.reply(
      // Stryker disable next-line ObjectLiteral: unreachable from a request, see the 'exit' handler.
      outcome.ok ? { id: job.id, result: outcome.value ?? null } : { id: job.id, error: outcome.message },
    );
  };

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
      workerData: { [WORKER_KEY]: true },
      execArgv: ['--require', TSX_REQUIRE],
    });
    pool.add(worker);
    let crash: Error | undefined;
    // Stryker disable all: unreachable from a request. A pool worker never throws and exits only
    // when close() terminates it: every `arg` is checked before it reaches a worker, and `fib`
    // (≤ 45 deep) and `sleep` cannot fail. These lines defend against what no test can provoke
    // (a worker out of memory), and a message always answers a dispatched job.
    worker.on('message', (outcome: Outcome) => {
      const job = running.get(worker);
      running.delete(worker);
      if (job) finish(job, outcome);
      if (!closed) feed(worker);
    });
    worker.on('error', (error) => {
      crash = error; // 'exit' follows
    });
    worker.on('exit', (code) => {
      pool.delete(worker);
      const at = idle.indexOf(worker);
      if (at !== -1) idle.splice(at, 1);
      if (closed) return;
      // A worker that dies takes only its own job down; the next waiting job gets a new worker.
      const job = running.get(worker);
      running.delete(worker);
      if (job)
        finish(job, { ok: false, message: `the worker died: ${crash?.message ?? `exit code ${code}`}` });
      if (waiting.length > 0) feed(startWorker());
    });
    // Stryker restore all
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
  const handleLine = (line: string, socket: net.Socket, reply: (message: object) => void) => {
    // The contract leaves blank lines free: skipping them keeps a hand-typed session (`nc`)
    // quiet, and an error reply to them would be as correct.
    // Stryker disable next-line all: see above.
    if (line.trim() === '') return;
    let request: unknown;
    try {
      request = JSON.parse(line);
      // An empty catch would leave `request` undefined, and the next check answers
      // `{"id":null,"error":…}` all the same: an equivalent mutant, which Stryker reports as a
      // survivor (a disable comment cannot be attached to a catch clause).
    } catch (error) {
      reply({ id: null, error: `bad JSON: ${(error as Error).message}` });
      return;
    }
    // `null` would throw in the destructuring below; an array or a number only gets a vaguer error
    // there (`unknown job undefined`): hence one check, before the fields are read.
    if (typeof request !== 'object' || request === null) {
      reply({ id: null, error: 'a request is a JSON object like {"id":1,"job":"fib","arg":30}' });
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
    submit({ id, name: job, arg: arg as number, reply, socket });
  };

  const sockets = new Set<net.Socket>();
  const server = net.createServer((socket) => {
    sockets.add(socket);
    socket.on('error', () => {}); // a client's reset must not crash the server; 'close' follows
    // Stryker disable all: the contract leaves a departed client's waiting jobs free (dropping
    // them only saves work nobody reads), and a closed socket in `sockets` is only destroyed again.
    socket.once('close', () => {
      sockets.delete(socket);
      // Nobody is left to read the answers: drop this client's jobs that have not started.
      for (let i = waiting.length - 1; i >= 0; i--) if (waiting[i].socket === socket) waiting.splice(i, 1);
    });
    const reply = (message: object) => {
      // A write to a closed socket would only fail into the `error` listener above.
      if (socket.writable) socket.write(`${JSON.stringify(message)}\n`);
    };
    // Stryker restore all
    // TCP is a byte stream: keep what follows the last `\n` for the next chunk, and let the
    // decoder keep a UTF-8 character cut between two chunks.
    // Stryker disable next-line StringLiteral: equivalent, StringDecoder('') is utf8 too.
    const decoder = new StringDecoder('utf8');
    let buffered = '';
    socket.on('data', (chunk: Buffer) => {
      buffered += decoder.write(chunk);
      let end: number;
      while ((end = buffered.indexOf('\n')) !== -1) {
        const line = buffered.slice(0, end);
        buffered = buffered.slice(end + 1);
        handleLine(line, socket, reply);
      }
    });
  });

  let closing: Promise<void> | undefined;
  const close = (): Promise<void> => {
    closing ??= (async () => {
      // Were it left false, the 'exit' handlers would only answer destroyed sockets (`writable`
      // false) and start no worker (the queue is emptied below).
      // Stryker disable next-line BooleanLiteral: equivalent, see above.
      closed = true;
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
    port.postMessage({ ok: true, value: name === 'fib' ? fib(arg) : sleep(arg) });
  });
}

// Stryker disable next-line LogicalOperator,OptionalChaining: equivalent. On the main thread
// `!isMainThread` is false and `workerData` is null either way; in a pool worker both hold.
if (!isMainThread && workerData?.[WORKER_KEY]) {
  serveJobs();
}
