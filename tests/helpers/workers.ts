// Worker threads for tests, independent of the student's `Thread` (a broken Thread must not fail
// the Mutex tests). Student code that may block (Atomics.wait) or spin runs here, never on the
// test's own thread: jest cannot time out a blocked main thread, but it can end a worker.
import { randomUUID } from 'node:crypto';
import * as path from 'node:path';
import { Worker } from 'node:worker_threads';
import { SLACK_MS, type BoundMessage, type CallingMessage } from '../fixtures/bounded';

/** The tests' own TypeScript loader for their workers: tsx's job, at a fraction of its start-up. */
const TS_LOADER = path.join(__dirname, 'ts-loader.js');
const ENTRY = path.join(__dirname, 'worker-entry.ts');

/** A worker that can load TypeScript (the fixtures and the student's .ts modules). */
export function startTsWorker(file: string, workerData?: unknown): Worker {
  // `env`: this test file's process.env (which verify's known-bug run sets per project), not the
  // jest process's.
  return new Worker(file, { workerData, execArgv: ['--require', TS_LOADER], env: { ...process.env } });
}

export interface RunOptions {
  /** How long to wait for the call to finish before the worker is terminated. */
  timeoutMs?: number;
  /** What the worker is doing, for the timeout message: "worker 2 in `acquire()`". */
  what?: string;
  /** Called on timeout to add the current state (read from shared memory) to the message. */
  state?: () => string;
  /** Aborting terminates the worker and rejects. */
  signal?: AbortSignal;
  /**
   * The count of returned calls (an Int32 at 0) that this worker shares with the others of its
   * group (runAllInWorkers): a bounded call overruns only when no call of the group returned.
   */
  progress?: SharedArrayBuffer;
}

/** The usual causes, for both ways a worker's call is found never to return. */
const NEVER_RETURNED =
  'a call never returned (a loop that never ends, such as `while (true) {}`, or a wait that nothing wakes).';

/** Thrown when a worker did not finish in time: the message names the wait that never ended. */
export class WorkerTimeout extends Error {}

/**
 * Runs `exportName(...args)` from fixture `file` in a fresh worker and resolves with its return
 * value; rejects with the worker's error, or with WorkerTimeout (and terminates the worker) when
 * it takes longer than `timeoutMs`. The worker is gone when the promise settles.
 */
export function runInWorker<T>(
  file: string,
  exportName: string,
  args: unknown[] = [],
  options: RunOptions = {},
): Promise<T> {
  const { timeoutMs = 5000, what = `\`${exportName}()\` in a worker`, state, signal } = options;
  const progress = options.progress ?? new SharedArrayBuffer(4);
  const count = new Int32Array(progress);
  // Only messages with it count (worker-entry.ts): the student's code in that thread does not know it.
  const nonce = randomUUID();
  const worker = startTsWorker(ENTRY, { file, exportName, args, progress, nonce });
  return new Promise<T>((resolve, reject) => {
    let settled = false;
    const finish = (fn: () => void) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      clearInterval(watch);
      // Resolve only once the thread is gone, so a test never sees a live helper worker.
      worker.terminate().then(fn, fn);
    };
    const timer = setTimeout(() => {
      const extra = state ? ` ${state()}` : '';
      finish(() =>
        reject(new WorkerTimeout(`${what} did not finish within ${timeoutMs} ms: ${NEVER_RETURNED}${extra}`)),
      );
    }, timeoutMs);
    // The bounded call in progress (tests/fixtures/bounded.ts): it overruns when the count has
    // not moved for its limit.
    let call: { label: string; limitMs: number; why: string; count: number; since: number } | undefined;
    // The innermost method of the student's class in progress, when the fixture traces them.
    let calling: string | null = null;
    const watch = setInterval(() => {
      if (!call) return;
      const now = performance.now();
      const c = Atomics.load(count, 0);
      if (c !== call.count) {
        call.count = c;
        call.since = now;
        return;
      }
      if (now - call.since <= call.limitMs) return;
      const { label, limitMs, why } = call;
      const extra = state ? ` ${state()}` : '';
      const others = options.progress ? ' No call of the other workers returned in that time either.' : '';
      finish(() =>
        reject(
          new WorkerTimeout(
            `${what === label ? label : `${what}: ${label}`} had not returned after ${limitMs} ms (${why}; ${SLACK_MS} ms allow for a busy machine)${
              calling ? `, stuck in \`${calling}\`` : ''
            }: ${NEVER_RETURNED}${others}${extra}`,
          ),
        ),
      );
    }, 100);
    worker.on(
      'message',
      (
        msg: (
          | { ok: boolean; value?: T; message?: string; stack?: string; name?: string }
          | BoundMessage
          | CallingMessage
        ) & { nonce?: unknown },
      ) => {
        if (msg?.nonce !== nonce) return;
        if ('calling' in msg) {
          calling = msg.calling;
          return;
        }
        if ('bound' in msg) {
          const { label, limitMs, why } = msg.bound;
          call =
            limitMs === null
              ? undefined
              : { label, limitMs, why, count: Atomics.load(count, 0), since: performance.now() };
          return;
        }
        if (msg.ok) finish(() => resolve(msg.value as T));
        else {
          const err = new Error(msg.message);
          err.name = msg.name ?? 'Error';
          err.stack = msg.stack;
          finish(() => reject(err));
        }
      },
    );
    worker.once('error', (err) => finish(() => reject(err)));
    signal?.addEventListener(
      'abort',
      () => finish(() => reject(new Error(`${what}: stopped (the test ended, or another worker failed).`))),
      {
        once: true,
      },
    );
    worker.once('exit', (code) =>
      finish(() => reject(new Error(`${what}: the worker exited (code ${code}) before posting a result.`))),
    );
  });
}

/**
 * Runs several workers at once and resolves with their results in order. On the first failure
 * the other workers are terminated too, and that first failure is the rejection. A call's own
 * `signal` (the test's) terminates them all as well.
 */
export async function runAllInWorkers<T>(
  calls: { file: string; exportName: string; args?: unknown[]; options?: RunOptions }[],
): Promise<T[]> {
  const abort = new AbortController();
  const progress = new SharedArrayBuffer(4);
  for (const c of calls) c.options?.signal?.addEventListener('abort', () => abort.abort(), { once: true });
  let first: unknown;
  const results = await Promise.allSettled(
    calls.map((c) =>
      runInWorker<T>(c.file, c.exportName, c.args ?? [], {
        progress,
        ...c.options,
        signal: abort.signal,
      }).catch((err) => {
        if (first === undefined) first = err;
        abort.abort();
        throw err;
      }),
    ),
  );
  if (first !== undefined) throw first;
  return results.map((r) => (r as PromiseFulfilledResult<T>).value);
}
