/**
 * `npm run bench [-- --json] [--only name,name] [--rounds N]`: benchmarks of the reference
 * solutions (solutions/), each against a raw floor doing the same work with bare Node APIs.
 *
 * Each figure is a ratio, ours / floor, of the time for the same work (lower is better). Every
 * round measures ours and the floor back to back (alternating which goes first), so the load of a
 * shared machine weighs on both alike; `ratio` is the median of the per-round ratios, `ours_ms`
 * and `floor_ms` the medians of the per-round times. Benchmarks, not tests: a missed goal is
 * reported (`MISS`), and only a benchmark that could not run makes the exit status 1.
 *
 * Everything runs on 127.0.0.1; each measurement has a time limit, and each benchmark closes
 * what it opened (servers, sockets, workers), so the process exits by itself.
 */
import * as dgram from 'node:dgram';
import { once } from 'node:events';
import * as net from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import { parseArgs } from 'node:util';
import { Worker } from 'node:worker_threads';
import { Mutex as LibMutex } from 'async-mutex';
import pLimit from 'p-limit';
import { AsyncMutex } from '../solutions/02-locks/async-mutex';
import { createLimit } from '../solutions/03-semaphores/limit';
import { Mutex } from '../solutions/02-locks/mutex';
import { Thread } from '../solutions/01-threads/thread';
import { startEchoServer } from '../solutions/04-tcp/echo-server';
import { startUdpEchoServer } from '../solutions/05-udp/udp-echo-server';
import { UdpClient } from '../solutions/05-udp/udp-client';
import type { MutexJob } from './mutex-worker';
import type { TcpJob, TcpResult } from './tcp-clients';

const TSX_REQUIRE = require.resolve('tsx/cjs');
/** The longest one measurement (one block of one side) may take. */
const SAMPLE_LIMIT_MS = 60_000;

/** One prepared benchmark: each call measures one block of one side and resolves with its ms. */
interface Prepared {
  ours(): Promise<number>;
  floor(): Promise<number>;
  close(): Promise<void>;
}

interface Benchmark {
  name: string;
  /** The ratio to stay at or under. */
  goal: number;
  /**
   * A round runs this many blocks of each side, alternating ours and floor block by block, and
   * adds them up: the finer the alternation, the more alike both sides see the machine's load.
   */
  blocks: number;
  /** Opens what both sides need and warms them up (not measured). */
  prepare(): Promise<Prepared>;
}

export interface Result {
  name: string;
  ratio: number;
  ours_ms: number;
  floor_ms: number;
}

// ---- helpers -----------------------------------------------------------------------------------

function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

/** Rejects when `promise` takes longer than `ms`; `what` names the measurement in the message. */
function limited<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what} did not finish within ${ms} ms`)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

/** Starts a worker that runs a bench .ts file through tsx, and waits until it is online. */
async function startTsWorker(file: string): Promise<Worker> {
  const worker = new Worker(path.join(__dirname, file), { execArgv: ['--require', TSX_REQUIRE] });
  await limited(once(worker, 'online'), SAMPLE_LIMIT_MS, `worker ${file} coming online`);
  return worker;
}

/** The next message from `worker`; rejects if the worker fails or exits first. */
function nextMessage<T>(worker: Worker): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const onMessage = (message: T) => {
      cleanup();
      resolve(message);
    };
    const onError = (error: Error) => {
      cleanup();
      reject(error);
    };
    const onExit = (code: number) => {
      cleanup();
      reject(new Error(`worker exited with code ${code}`));
    };
    const cleanup = () => {
      worker.off('message', onMessage);
      worker.off('error', onError);
      worker.off('exit', onExit);
    };
    worker.on('message', onMessage);
    worker.on('error', onError);
    worker.on('exit', onExit);
  });
}

/** What a benchmark opened: `closeAll()` closes it, last opened first (at the end, or on failure). */
class Opened {
  readonly #closers: Array<() => unknown> = [];

  add<T>(thing: T, close: (thing: T) => unknown): T {
    this.#closers.push(() => close(thing));
    return thing;
  }

  async closeAll(): Promise<void> {
    for (const close of this.#closers.splice(0).reverse()) await close();
  }

  /** Runs `prepare`; if it fails, closes what it had opened before rethrowing. */
  async prepare(prepare: () => Promise<Omit<Prepared, 'close'>>): Promise<Prepared> {
    try {
      return { ...(await prepare()), close: () => this.closeAll() };
    } catch (error) {
      await this.closeAll();
      throw error;
    }
  }
}

// ---- mutex-uncontended -------------------------------------------------------------------------

/** Acquire/release pairs in a block; a round runs 20 blocks (2 million pairs) of each side. */
const PAIRS = 100_000;
/** Warm-up (not measured) lasts at least this long, so both loops run optimized code. */
const WARM_UP_MS = 500;

// Top-level loops, one call site each, so V8 optimizes each once and keeps it.
function acquireReleasePairs(mutex: Mutex, n: number): number {
  const started = performance.now();
  for (let i = 0; i < n; i++) {
    mutex.acquire();
    mutex.release();
  }
  return performance.now() - started;
}

/** The floor: the two atomic operations any lock needs, a compare-and-swap in, a store out. */
function compareExchangeStorePairs(cell: Int32Array, n: number): number {
  const started = performance.now();
  for (let i = 0; i < n; i++) {
    if (Atomics.compareExchange(cell, 0, 0, 1) !== 0) throw new Error('the raw lock was taken');
    Atomics.store(cell, 0, 0);
  }
  return performance.now() - started;
}

const mutexUncontended: Benchmark = {
  name: 'mutex-uncontended',
  goal: 1.5,
  blocks: 20,
  async prepare() {
    const mutex = new Mutex();
    const cell = new Int32Array(new SharedArrayBuffer(4));
    // On a busy machine V8's background compiler can take a while to deliver optimized code.
    const warmUntil = performance.now() + WARM_UP_MS;
    for (let i = 0; i < 10 || performance.now() < warmUntil; i++) {
      acquireReleasePairs(mutex, PAIRS);
      compareExchangeStorePairs(cell, PAIRS);
      await new Promise((resolve) => setImmediate(resolve));
    }
    return {
      ours: async () => acquireReleasePairs(mutex, PAIRS),
      floor: async () => compareExchangeStorePairs(cell, PAIRS),
      close: async () => {},
    };
  },
};

// ---- mutex-contended ---------------------------------------------------------------------------

const MUTEX_WORKERS = 4;
const INCREMENTS = 100_000;

const mutexContended: Benchmark = {
  name: 'mutex-contended',
  goal: 1.3,
  /** A block is 4 workers × 100,000 increments. */
  blocks: 5,
  async prepare() {
    const workers: Worker[] = [];
    const control = new Int32Array(new SharedArrayBuffer(8));
    let generation = 0;

    // Releases all workers at once, and times from the release to the last worker's finish.
    const run = async (kind: MutexJob['kind'], iterations: number): Promise<number> => {
      const cells = new SharedArrayBuffer(8);
      generation++;
      Atomics.store(control, 0, 0);
      const finished = workers.map((worker) => nextMessage<number>(worker));
      const job: MutexJob = {
        kind,
        control: control.buffer as SharedArrayBuffer,
        generation,
        cells,
        iterations,
      };
      for (const worker of workers) worker.postMessage(job);
      for (let ready; (ready = Atomics.load(control, 0)) < workers.length;) {
        const wait = Atomics.waitAsync(control, 0, ready, SAMPLE_LIMIT_MS);
        if (wait.async && (await wait.value) === 'timed-out')
          throw new Error('mutex workers never got ready');
      }
      const started = performance.timeOrigin + performance.now();
      Atomics.store(control, 1, generation);
      Atomics.notify(control, 1);
      const ends = await Promise.all(finished);
      const count = new Int32Array(cells)[1];
      const expected = workers.length * iterations;
      if (count !== expected) throw new Error(`${kind}: lost updates, counted ${count} of ${expected}`);
      return Math.max(...ends) - started;
    };

    const opened = new Opened();
    return opened.prepare(async () => {
      for (let i = 0; i < MUTEX_WORKERS; i++) {
        workers.push(opened.add(await startTsWorker('mutex-worker.ts'), (worker) => worker.terminate()));
      }
      for (let i = 0; i < 3; i++) {
        await run('ours', INCREMENTS / 10);
        await run('floor', INCREMENTS / 10);
      }
      return { ours: () => run('ours', INCREMENTS), floor: () => run('floor', INCREMENTS) };
    });
  },
};

// ---- tcp-echo ----------------------------------------------------------------------------------

const TCP_CLIENTS = 100;
const TCP_BYTES = 1024 * 1024;

/** The floor: `socket.pipe(socket)`, with what any server needs to close. */
async function startPipeServer(): Promise<{ port: number; close(): Promise<void> }> {
  const sockets = new Set<net.Socket>();
  const server = net.createServer((socket) => {
    sockets.add(socket);
    socket.once('close', () => sockets.delete(socket));
    socket.on('error', () => {});
    socket.pipe(socket);
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  return {
    port: (server.address() as net.AddressInfo).port,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        for (const socket of sockets) socket.destroy();
      }),
  };
}

const tcpEcho: Benchmark = {
  name: 'tcp-echo',
  goal: 1.25,
  /** A block is 100 clients × 1 MiB. */
  blocks: 4,
  async prepare() {
    const opened = new Opened();
    return opened.prepare(async () => {
      // The clients run in a worker, so the server has the main thread's event loop to itself.
      const clients = opened.add(await startTsWorker('tcp-clients.ts'), (worker) => worker.terminate());
      const ours = opened.add(await startEchoServer(), (server) => server.close());
      const floor = opened.add(await startPipeServer(), (server) => server.close());
      const run = async (port: number, clientCount: number): Promise<number> => {
        const reply = nextMessage<TcpResult>(clients);
        clients.postMessage({ port, clients: clientCount, bytes: TCP_BYTES } satisfies TcpJob);
        const result = await reply;
        if ('error' in result) throw new Error(`tcp client: ${result.error}`);
        return result.ms;
      };
      await run(ours.port, 10);
      await run(floor.port, 10);
      return { ours: () => run(ours.port, TCP_CLIENTS), floor: () => run(floor.port, TCP_CLIENTS) };
    });
  },
};

// ---- udp-echo ----------------------------------------------------------------------------------

/** Round trips in a block; a round runs 10 blocks (10,000 round trips) of each side. */
const ROUND_TRIPS = 1_000;

/** The floor: a dgram socket that sends each datagram back to its sender. */
async function startRawUdpServer(): Promise<dgram.Socket> {
  const socket = dgram.createSocket('udp4');
  socket.on('message', (msg, rinfo) => socket.send(msg, rinfo.port, rinfo.address));
  socket.bind(0, '127.0.0.1');
  await once(socket, 'listening');
  return socket;
}

const udpEcho: Benchmark = {
  name: 'udp-echo',
  goal: 1.25,
  blocks: 10,
  async prepare() {
    const opened = new Opened();
    const closeSocket = (socket: dgram.Socket) =>
      new Promise<void>((resolve) => socket.close(() => resolve()));
    return opened.prepare(async () => {
      const ourServer = opened.add(await startUdpEchoServer(), (server) => server.close());
      const ourClient = opened.add(await UdpClient.open(), (client) => client.close());
      const rawServer = opened.add(await startRawUdpServer(), closeSocket);
      const rawClient = opened.add(dgram.createSocket('udp4'), closeSocket);
      rawClient.bind(0, '127.0.0.1');
      await once(rawClient, 'listening');
      const rawPort = rawServer.address().port;

      // Sequential round trips: send one datagram, wait for its echo, send the next.
      const ours = async (n: number) => {
        const server = { port: ourServer.port };
        const started = performance.now();
        for (let i = 0; i < n; i++) await ourClient.request(`ping ${i}`, server);
        return performance.now() - started;
      };
      const floor = async (n: number) => {
        const started = performance.now();
        for (let i = 0; i < n; i++) {
          const echoed = once(rawClient, 'message');
          rawClient.send(Buffer.from(`ping ${i}`), rawPort, '127.0.0.1');
          await echoed;
        }
        return performance.now() - started;
      };
      await ours(ROUND_TRIPS);
      await floor(ROUND_TRIPS);
      return { ours: () => ours(ROUND_TRIPS), floor: () => floor(ROUND_TRIPS) };
    });
  },
};

// ---- thread-start-join -------------------------------------------------------------------------

const THREAD_TARGET = path.join(__dirname, 'thread-target.ts');
const PLAIN_WORKER = path.join(__dirname, 'plain-worker.js');

const threadStartJoin: Benchmark = {
  name: 'thread-start-join',
  goal: 1.3,
  /** One start+join a block: 5 threads and 5 plain workers a round. */
  blocks: 5,
  async prepare() {
    const ours = async (n: number) => {
      const started = performance.now();
      for (let i = 0; i < n; i++) {
        const thread = new Thread<number>({ module: THREAD_TARGET, exportName: 'add', args: [i, 1] });
        thread.start();
        const sum = await thread.join();
        if (sum !== i + 1) throw new Error(`Thread: join() resolved with ${sum}, expected ${i + 1}`);
      }
      return performance.now() - started;
    };
    // The floor: a plain .js worker, no TypeScript loader (execArgv: [] drops the --require of
    // tsx that this process was started with); like Thread, terminated once it has posted.
    const floor = async (n: number) => {
      const started = performance.now();
      for (let i = 0; i < n; i++) {
        const worker = new Worker(PLAIN_WORKER, { workerData: { args: [i, 1] }, execArgv: [] });
        const exited = once(worker, 'exit');
        const sum = await nextMessage<number>(worker);
        void worker.terminate();
        await exited;
        if (sum !== i + 1) throw new Error(`plain worker posted ${sum}, expected ${i + 1}`);
      }
      return performance.now() - started;
    };
    await ours(1);
    await floor(1);
    return {
      ours: () => ours(1),
      floor: () => floor(1),
      close: async () => {},
    };
  },
};

// ---- async-mutex-lib, p-limit-lib: ours against the npm packages --------------------------------
// Here the "floor" is the npm package doing the same work, measured side by side in one run:
// a ratio above 1 means ours is slower than the library students would otherwise install.

interface RunExclusive {
  runExclusive<T>(fn: () => T | Promise<T>): Promise<T>;
}

const UNCONTENDED_CALLS = 20_000;
const WAITERS = 100;
const CONTENDED_BATCHES = 50;

/** `runExclusive` one call at a time, then batches of 100 callers queued at once. */
async function runExclusiveWork(mutex: RunExclusive): Promise<number> {
  const started = performance.now();
  let inside = 0;
  for (let i = 0; i < UNCONTENDED_CALLS; i++) await mutex.runExclusive(() => inside++);
  for (let b = 0; b < CONTENDED_BATCHES; b++) {
    const calls: Promise<number>[] = [];
    for (let w = 0; w < WAITERS; w++) {
      calls.push(
        mutex.runExclusive(async () => {
          await null;
          return inside++;
        }),
      );
    }
    await Promise.all(calls);
  }
  const expected = UNCONTENDED_CALLS + CONTENDED_BATCHES * WAITERS;
  if (inside !== expected) throw new Error(`runExclusive ran ${inside} functions, expected ${expected}`);
  return performance.now() - started;
}

const asyncMutexLib: Benchmark = {
  name: 'async-mutex-lib',
  goal: 1.1,
  blocks: 4,
  async prepare() {
    const ours = new AsyncMutex();
    const theirs = new LibMutex();
    for (let i = 0; i < 3; i++) {
      await runExclusiveWork(ours);
      await runExclusiveWork(theirs);
    }
    return {
      ours: () => runExclusiveWork(ours),
      floor: () => runExclusiveWork(theirs),
      close: async () => {},
    };
  },
};

const LIMIT_TASKS = 10_000;
const LIMIT_CONCURRENCY = 8;

/** 10,000 async tasks through a limit of 8, all queued at once. */
async function limitWork(limit: <T>(fn: () => Promise<T>) => Promise<T>): Promise<number> {
  const started = performance.now();
  let done = 0;
  const tasks: Promise<void>[] = [];
  for (let i = 0; i < LIMIT_TASKS; i++) {
    tasks.push(
      limit(async () => {
        await null;
        done++;
      }),
    );
  }
  await Promise.all(tasks);
  if (done !== LIMIT_TASKS) throw new Error(`the limit ran ${done} tasks, expected ${LIMIT_TASKS}`);
  return performance.now() - started;
}

const pLimitLib: Benchmark = {
  name: 'p-limit-lib',
  goal: 1.1,
  blocks: 4,
  async prepare() {
    // A fresh limit per block on both sides, as a program would make one per batch.
    const ours = () => limitWork(createLimit(LIMIT_CONCURRENCY));
    const theirs = () => limitWork(pLimit(LIMIT_CONCURRENCY));
    for (let i = 0; i < 3; i++) {
      await ours();
      await theirs();
    }
    return { ours, floor: theirs, close: async () => {} };
  },
};

// ---- runner ------------------------------------------------------------------------------------

const BENCHMARKS: readonly Benchmark[] = [
  mutexUncontended,
  mutexContended,
  tcpEcho,
  udpEcho,
  threadStartJoin,
  asyncMutexLib,
  pLimitLib,
];

const USAGE = `Usage: npm run bench -- [--json] [--only NAME,NAME] [--rounds N]

Benchmarks of the reference solutions, each as a ratio ours / raw floor (lower is better).
  --json        print {"results": [{"name", "ratio", "ours_ms", "floor_ms"}]} instead of a table
  --only NAMES  run only these (comma-separated): ${BENCHMARKS.map((b) => b.name).join(', ')}
  --rounds N    rounds per benchmark, a positive integer (default 5); the median is reported
`;

function usageError(message: string): never {
  process.stderr.write(`${message}\n\n${USAGE}`);
  process.exit(2);
}

async function measure(bench: Benchmark, rounds: number): Promise<Result> {
  const preparing = bench.prepare();
  let prepared: Prepared;
  try {
    prepared = await limited(preparing, SAMPLE_LIMIT_MS * 2, `${bench.name}: preparing`);
  } catch (error) {
    preparing.then((late) => late.close()).catch(() => {}); // if it ever finishes, close it
    throw error;
  }
  const ours: number[] = [];
  const floor: number[] = [];
  const ratios: number[] = [];
  try {
    for (let round = 1; round <= rounds; round++) {
      const sample = (side: 'ours' | 'floor') =>
        limited(prepared[side](), SAMPLE_LIMIT_MS, `${bench.name}: round ${round}, ${side}`);
      let o = 0;
      let f = 0;
      for (let block = 0; block < bench.blocks; block++) {
        // Alternate the order, so neither side always runs right after the other.
        if ((round + block) % 2) {
          o += await sample('ours');
          f += await sample('floor');
        } else {
          f += await sample('floor');
          o += await sample('ours');
        }
      }
      ours.push(o);
      floor.push(f);
      ratios.push(o / f);
      process.stderr.write(
        `${bench.name} round ${round}/${rounds}: ours ${o.toFixed(1)} ms, floor ${f.toFixed(1)} ms, ratio ${(o / f).toFixed(2)}\n`,
      );
    }
  } finally {
    await prepared.close();
  }
  const round3 = (n: number) => Math.round(n * 1000) / 1000;
  return {
    name: bench.name,
    ratio: round3(median(ratios)),
    ours_ms: round3(median(ours)),
    floor_ms: round3(median(floor)),
  };
}

function table(results: readonly Result[], errors: ReadonlyMap<string, string>, rounds: number): string {
  const rows = [['benchmark', 'goal', 'ratio', 'ours ms', 'floor ms', '']];
  for (const bench of BENCHMARKS) {
    const result = results.find((r) => r.name === bench.name);
    const error = errors.get(bench.name);
    if (result) {
      rows.push([
        bench.name,
        `≤ ${bench.goal}`,
        result.ratio.toFixed(2),
        result.ours_ms.toFixed(1),
        result.floor_ms.toFixed(1),
        result.ratio <= bench.goal ? 'ok' : 'MISS',
      ]);
    } else if (error) {
      rows.push([bench.name, `≤ ${bench.goal}`, '-', '-', '-', `ERROR: ${error}`]);
    }
  }
  const widths = rows[0].map((_, i) => Math.max(...rows.map((row) => row[i].length)));
  const lines = rows.map((row) =>
    row
      .map((cell, i) => (i === 0 || i === row.length - 1 ? cell.padEnd(widths[i]) : cell.padStart(widths[i])))
      .join('  ')
      .trimEnd(),
  );
  const cpus = os.cpus();
  lines.push(
    '',
    `ratio = ours / floor, median of ${rounds} rounds (lower is better). ${new Date().toISOString()}, ` +
      `Node ${process.version}, ${cpus[0]?.model ?? 'unknown CPU'} × ${os.availableParallelism()}, ` +
      `load average ${os.loadavg()[0].toFixed(1)}.`,
  );
  return lines.join('\n') + '\n';
}

async function main(): Promise<void> {
  let values;
  try {
    ({ values } = parseArgs({
      options: {
        json: { type: 'boolean', default: false },
        only: { type: 'string' },
        rounds: { type: 'string', default: '5' },
        help: { type: 'boolean', short: 'h', default: false },
      },
    }));
  } catch (error) {
    usageError((error as Error).message);
  }
  if (values.help) {
    process.stdout.write(USAGE);
    return;
  }
  const rounds = Number(values.rounds);
  if (!Number.isInteger(rounds) || rounds < 1)
    usageError(`--rounds must be a positive integer, got ${values.rounds}`);
  let selected = BENCHMARKS;
  if (values.only !== undefined) {
    const names = values.only.split(',').filter(Boolean);
    const unknown = names.filter((name) => !BENCHMARKS.some((b) => b.name === name));
    if (unknown.length || !names.length)
      usageError(`--only: unknown benchmark ${unknown.join(', ') || '(none)'}`);
    selected = BENCHMARKS.filter((b) => names.includes(b.name));
  }

  const results: Result[] = [];
  const errors = new Map<string, string>();
  for (const bench of selected) {
    try {
      results.push(await measure(bench, rounds));
    } catch (error) {
      errors.set(bench.name, (error as Error).message);
      process.stderr.write(`${bench.name} failed: ${(error as Error).stack}\n`);
    }
  }
  process.stdout.write(
    values.json ? `${JSON.stringify({ results }, null, 2)}\n` : table(results, errors, rounds),
  );
  if (errors.size) {
    process.exitCode = 1;
    // A benchmark that timed out may have left something running (a thread cannot be cancelled):
    // give the rest a moment to close, then exit anyway.
    setTimeout(() => process.exit(), 2000).unref();
  }
}

void main();
