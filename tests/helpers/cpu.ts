// CPU-time checks for "a blocked thread sleeps, it does not spin" (Semaphore, Mutex, …).
//
// Node 20 has no clock for another thread's CPU time (`process.threadCpuUsage()` arrived in
// Node 23.9, and it only measures the calling thread). Two ways are used, best first:
//
// 1. Per thread, on Linux: the worker under test reports its kernel thread id (`threadId()`,
//    from /proc/thread-self), and the test reads that thread's CPU time from
//    /proc/self/task/<tid>/schedstat. A thread asleep in Atomics.wait uses exactly none, so even
//    a spinner that gets only a sliver of a core on a very busy machine stands out.
// 2. Anywhere else: the whole process with `process.cpuUsage()`, while the test's own thread idles
//    on a timer. Then every thread the test started must be blocked during the window (the waiter
//    under test, and any holder asleep in Atomics.wait on a shared flag); a sleeping waiter shows
//    up as a few ms (the process's own housekeeping), a spinning one as its share of a core.
import * as fs from 'node:fs';

// Taken when this module loads, before a fixture loads the student's module in the same thread:
// a hand-in that replaced fs.readFileSync (or String.prototype.split) could otherwise report an
// idle thread's id for its spinning one.
const readFileSync = fs.readFileSync;
const split = String.prototype.split;
const apply = Reflect.apply;
const toNumber = Number;
/** The first space-separated field of a /proc file, as a number (NaN if unreadable text). */
const firstField = (file: string): number =>
  toNumber((apply(split, readFileSync(file, 'utf8'), [' ', 1]) as string[])[0]);

/**
 * Call it IN the worker under test (a fixture), and pass the result to the test (e.g. on a shared
 * Int32Array): this thread's kernel thread id on Linux, or undefined where /proc is missing.
 */
export function threadId(): number | undefined {
  try {
    const tid = firstField('/proc/thread-self/stat');
    return Number.isInteger(tid) && tid > 0 && threadCpuMs(tid) !== undefined ? tid : undefined;
  } catch {
    return undefined;
  }
}

/** CPU time (ms) used so far by thread `tid` of this process, or undefined if it cannot be read. */
export function threadCpuMs(tid: number): number | undefined {
  try {
    // First field: nanoseconds spent on a CPU (precise, unlike the clock ticks of /stat).
    const ns = firstField(`/proc/self/task/${tid}/schedstat`);
    return Number.isFinite(ns) ? ns / 1e6 : undefined;
  } catch {
    return undefined;
  }
}

export interface CpuSample {
  /** CPU time used during the window, in ms (by the thread, or by the whole process). */
  cpuMs: number;
  /** wall-clock length of the window, in ms. */
  wallMs: number;
  /** cpuMs / wallMs: ~0 when asleep, up to 1 for a thread that spins on a core of its own. */
  share: number;
  /** What was measured: one thread (by its id) or the whole process. */
  scope: 'thread' | 'process';
}

/**
 * CPU used over `windowMs` of wall time, while this thread awaits a timer: by thread `tid` when
 * given and readable, else by the whole process.
 */
export async function cpuWhileIdle(windowMs = 300, tid?: number): Promise<CpuSample> {
  const thread0 = tid === undefined ? undefined : threadCpuMs(tid);
  const process0 = process.cpuUsage();
  const t0 = performance.now();
  await new Promise((resolve) => setTimeout(resolve, windowMs));
  const wallMs = performance.now() - t0;
  const thread1 = tid === undefined ? undefined : threadCpuMs(tid);
  if (thread0 !== undefined && thread1 !== undefined) {
    const cpuMs = thread1 - thread0;
    return { cpuMs, wallMs, share: cpuMs / wallMs, scope: 'thread' };
  }
  const used = process.cpuUsage(process0);
  const cpuMs = (used.user + used.system) / 1000;
  return { cpuMs, wallMs, share: cpuMs / wallMs, scope: 'process' };
}

export interface SleepCheckOptions {
  /** The kernel thread id the worker under test reported with `threadId()`, if it did. */
  tid?: number;
  /** Length of one measuring window (default 300 ms). */
  windowMs?: number;
  /**
   * Largest CPU share that still counts as asleep. Default: 0.03 of a core for one thread (asleep
   * is 0), 0.1 for the whole process (asleep is ~0.01-0.03: timers, GC, jest's own messages).
   */
  maxShare?: number;
  /** The usual cause, appended to the failure message. */
  hint?: string;
}

/**
 * Fails unless `what` (e.g. "worker 1, blocked in `acquire()`,") uses (almost) no CPU while it is
 * blocked. Call it once the thread is known to be inside the blocking call; without a `tid`, every
 * other thread of the test must be asleep too. A busy window is measured a second time before
 * failing (a GC or a neighbour's burst can spoil one), so a spinning thread costs two windows, a
 * sleeping one usually one. Resolves with the quieter sample.
 */
export async function checkSleeps(what: string, options: SleepCheckOptions = {}): Promise<CpuSample> {
  const { tid, windowMs = 300, hint = '' } = options;
  let sample = await cpuWhileIdle(windowMs, tid);
  const maxShare = options.maxShare ?? (sample.scope === 'thread' ? 0.03 : 0.1);
  if (sample.share > maxShare) {
    const again = await cpuWhileIdle(windowMs, tid);
    if (again.share < sample.share) sample = again;
  }
  if (sample.share > maxShare) {
    const who = sample.scope === 'thread' ? 'it' : 'the process';
    throw new Error(
      `Expected ${what} to sleep (almost no CPU), but ${who} used ${Math.round(sample.cpuMs)} ms of CPU in ` +
        `${Math.round(sample.wallMs)} ms (${Math.round(sample.share * 100)}% of a core) while it waited. ` +
        (hint || 'Is it spinning in a loop? A waiter must sleep in `Atomics.wait` until it is notified.'),
    );
  }
  return sample;
}
