// Leak detection shared by every test file (installed by tests/helpers/setup.ts).
import type { Worker as WorkerType } from 'node:worker_threads';
import { activeHandles as nodeActiveHandles, isPendingTimer } from './node-internals';

// The real module object: `import` through the transform's interop would give a read-only copy.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const workerThreads = require('node:worker_threads') as typeof import('node:worker_threads');

const ESBUILD = require.resolve('esbuild');
const TRACKED = Symbol.for('kata.trackedWorkers');
interface Tracked {
  live: Map<WorkerType, string>;
  started: number;
}

/** Replace `worker_threads.Worker` with a subclass that records every live worker. */
export function trackWorkers(): void {
  const holder = globalThis as unknown as Record<symbol, Tracked | undefined>;
  if (holder[TRACKED]) return;
  const live = new Map<WorkerType, string>();
  const tracked: Tracked = { live, started: 0 };
  holder[TRACKED] = tracked;
  const Base = workerThreads.Worker;
  class TrackedWorker extends Base {
    constructor(filename: string | URL, options?: import('node:worker_threads').WorkerOptions) {
      super(filename, options);
      // esbuild's compiler thread, which jest's transform (tools/common/ts-transform.js) starts
      // when a test first requires a file not yet compiled: jest's, not the test's. (By its file:
      // a worker running esbuild's code runs no one else's.)
      if (String(filename) === ESBUILD) return;
      const what = options?.eval ? 'an eval worker' : `a worker running ${String(filename)}`;
      live.set(this, what);
      tracked.started++;
      this.once('exit', () => live.delete(this));
    }
  }
  workerThreads.Worker = TrackedWorker as typeof Base;
}

/** Workers started and not yet exited (the student's and the helpers'). */
export function liveWorkers(): Map<WorkerType, string> {
  return (globalThis as unknown as Record<symbol, Tracked>)[TRACKED]?.live ?? new Map();
}

/** How many workers were ever started in this test file (compare before and after a call). */
export function workersStarted(): number {
  return (globalThis as unknown as Record<symbol, Tracked | undefined>)[TRACKED]?.started ?? 0;
}

// Sockets, servers and child processes are followed as objects, so a leak can be named (address,
// port, command) and closed; ref'd timers can only be counted (unref'd ones are not listed).
type Handle = { constructor: { name: string } } & Record<string, unknown>;
const activeHandles = (): Handle[] => nodeActiveHandles<Handle>();

function timerCount(): number {
  return process.getActiveResourcesInfo().filter((kind) => kind === 'Timeout').length;
}

// Timers made through this test file's globals, so that leaked ones can be cleared (a pending
// ref'd timer would keep the run alive). Detection itself counts every ref'd timer.
const timers = new Set<NodeJS.Timeout>();
let timersPatched = false;
function trackTimers(): void {
  if (timersPatched) return;
  timersPatched = true;
  const g = globalThis as unknown as Record<string, (...a: unknown[]) => NodeJS.Timeout>;
  for (const name of ['setTimeout', 'setInterval']) {
    const original = g[name];
    g[name] = Object.assign((...args: unknown[]) => {
      const t = original(...args);
      timers.add(t);
      return t;
    }, original);
  }
}
function pendingTimers(): NodeJS.Timeout[] {
  return [...timers].filter(isPendingTimer);
}

let handlesBefore = new Set<Handle>();
let timersBefore = 0;

export function snapshotResources(): void {
  trackTimers();
  timers.clear();
  handlesBefore = new Set(activeHandles());
  timersBefore = timerCount();
}

function describeHandle(h: Handle): string {
  const any = h as any; // eslint-disable-line @typescript-eslint/no-explicit-any
  try {
    if (h.constructor.name === 'Server' && typeof any.address === 'function') {
      const a = any.address();
      return `a TCP server listening on ${a ? `${a.address}:${a.port}` : '(unknown)'}`;
    }
    if (h.constructor.name === 'ChildProcess')
      return `a child process (pid ${any.pid}: ${(any.spawnargs ?? []).join(' ')})`;
    if (
      typeof any.send === 'function' &&
      typeof any.bind === 'function' &&
      typeof any.address === 'function'
    ) {
      const a = any.address();
      return `a UDP socket bound to ${a.address}:${a.port}`;
    }
    if (h.constructor.name === 'Socket') {
      if (any.remotePort)
        return `a TCP socket ${any.localAddress}:${any.localPort} -> ${any.remoteAddress}:${any.remotePort}`;
      return 'a socket or pipe';
    }
  } catch {
    /* a half-closed handle may throw on address(); the generic name below will do */
  }
  return `a ${h.constructor.name}`;
}

function closeHandle(h: Handle): void {
  const any = h as any; // eslint-disable-line @typescript-eslint/no-explicit-any
  try {
    if (h.constructor.name === 'ChildProcess') any.kill('SIGKILL');
    else if (typeof any.destroy === 'function') any.destroy();
    else if (typeof any.close === 'function') any.close();
  } catch {
    /* already closing */
  }
}

function newHandles(): Handle[] {
  // Child-process stdio pipes show up as Sockets; the ChildProcess itself is reported instead.
  // The IPC channel of a jest worker process (process.channel; its fd from environment.js) is
  // listed only while a message to jest is on its way: never the test's, and closing it ended the
  // process, with exit code 0 and every result of its test file lost ("a jest worker process
  // crashed": a Mutex that spins in a worker scored 0 in a grade instead of its 5 passing tests).
  const ipc = (globalThis as Record<string, unknown>).__kataIpcFd;
  return activeHandles().filter(
    (h) =>
      !handlesBefore.has(h) &&
      !(h.constructor.name === 'Socket' && (h as any)._type === 'pipe') && // eslint-disable-line @typescript-eslint/no-explicit-any
      !(h.constructor.name === 'Pipe' && ipc !== undefined && (h as any).fd === ipc), // eslint-disable-line @typescript-eslint/no-explicit-any
  );
}

const cleanups: (() => unknown)[] = [];

/**
 * Registers `fn` to run after the current test, before the leak check (last registered runs
 * first). Use it for servers, sockets and workers a test opens: a root-level `afterEach` in a
 * test file would run after the leak check.
 */
export function onCleanup(fn: () => unknown): void {
  cleanups.push(fn);
}

/** Runs the registered cleanups; the first error is rethrown after all have run. */
export async function runCleanups(): Promise<void> {
  let first: unknown;
  while (cleanups.length > 0) {
    const fn = cleanups.pop()!;
    try {
      await fn();
    } catch (err) {
      first ??= err;
    }
  }
  if (first !== undefined) throw first;
}

const tick = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/**
 * True when the test now ending failed by jest's own timeout ("Exceeded timeout of N ms"), as
 * tests/helpers/environment.js saw it through jest-circus's `handleTestEvent`; false under any
 * other environment.
 */
export function currentTestTimedOut(): boolean {
  return (globalThis as Record<string, unknown>).__kataTestTimedOut === true;
}

/**
 * Fails (throws) when the test left workers, sockets, servers, child processes or timers behind.
 * Waits up to `graceMs` first: closing is asynchronous, and a terminated worker exits a moment
 * later. What leaked is then closed, so that one leak fails one test and the run still exits.
 * `timedOut`: the test already failed by jest's timeout, and what it left open is what it was
 * waiting on: close it all at once, and do not report it again as a leak.
 */
export async function checkLeaks(graceMs = 1000, timedOut = false): Promise<void> {
  const deadline = timedOut ? Date.now() : Date.now() + graceMs;
  const dirty = () => liveWorkers().size > 0 || newHandles().length > 0 || timerCount() > timersBefore;
  while (Date.now() < deadline && dirty()) await tick(10);
  const problems: string[] = [];
  const workers = [...liveWorkers().entries()];
  if (workers.length > 0) {
    problems.push(
      `${workers.length} worker thread${workers.length > 1 ? 's' : ''} still running ${graceMs} ms after the test ` +
        `(${workers.map(([, what]) => what).join('; ')}). A worker must be gone when the call that ` +
        'started it settles: `terminate()` it on errors, and let it exit (or terminate it) when done.',
    );
    await Promise.all(workers.map(([worker]) => worker.terminate()));
  }
  const leaked = newHandles();
  if (leaked.length > 0) {
    problems.push(
      `Left open after the test: ${leaked.map(describeHandle).join('; ')}. Close every server and ` +
        'socket the code opens: does `close()` destroy open connections and wait for the `close` event?',
    );
    leaked.forEach(closeHandle);
  }
  const extraTimers = timerCount() - timersBefore;
  if (extraTimers > 0) {
    pendingTimers().forEach((t) => clearTimeout(t));
    problems.push(
      `${extraTimers} timer${extraTimers > 1 ? 's' : ''} (setTimeout/setInterval) still pending after the test: ` +
        'clear every timeout and interval when the work is done or closed (or `unref()` it).',
    );
  }
  if (problems.length > 0 && !timedOut) throw new Error(`Leak check failed.\n${problems.join('\n')}`);
}
