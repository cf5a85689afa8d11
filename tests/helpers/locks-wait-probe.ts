// Watches Atomics.wait and Atomics.notify in a lock fixture's worker (Mutex, Semaphore), to test
// the wake-up itself: a blocked acquire() must sleep until release() wakes it, not poll. Import it
// FIRST in the fixture, before the student's module is loaded, so that even a module that keeps
// its own reference to Atomics.wait or Atomics.notify gets the wrapped one.
//
// While armed (only around the student's acquire() call), every call to Atomics.wait is counted
// on the shared board: entries, how each call ended, and the calls in progress. A sleeper enters
// once (twice at most, e.g. a "not-equal" return when the lock changed just before it slept) and
// is woken by Atomics.notify ("ok"). A poller re-enters every few ms, and its waits end
// "timed-out". countingNotifies() counts the Atomics.notify calls of a release().

export interface WaitProbeSlots {
  /** Calls to Atomics.wait while armed. */
  entries: number;
  /** Of those, the calls that returned "timed-out". */
  timedOut?: number;
  /** Calls in progress: 1 from the call until it returns (the thread sleeps, or is about to). */
  inside?: number;
}

/** Which calls count (all, by default). */
export interface WaitProbeFilter {
  /** Only waits with no time limit (a timed wait is a poll or a pause, not a block). */
  untimedOnly?: boolean;
  /** Not the waits on this buffer (the test's own board). */
  except?: ArrayBufferLike;
}

let armed: { board: Int32Array; slots: WaitProbeSlots; filter: WaitProbeFilter } | undefined;
let notifies = 0;
let countNotifies = false;

const realWait = Atomics.wait;
const realNotify = Atomics.notify as (...args: unknown[]) => number;
Atomics.notify = function notify(typedArray: Int32Array | BigInt64Array, index: number, count?: number) {
  if (countNotifies) notifies++;
  return realNotify.call(Atomics, typedArray, index, count);
} as typeof Atomics.notify;
Atomics.wait = function wait(
  typedArray: Int32Array | BigInt64Array,
  index: number,
  value: number | bigint,
  timeout?: number,
) {
  const probe =
    armed &&
    typedArray.buffer !== armed.filter.except &&
    !(armed.filter.untimedOnly && timeout !== undefined && timeout !== Infinity)
      ? armed
      : undefined;
  if (probe) {
    if (probe.slots.inside !== undefined) Atomics.add(probe.board, probe.slots.inside, 1);
    Atomics.add(probe.board, probe.slots.entries, 1);
    realNotify.call(Atomics, probe.board, probe.slots.entries);
  }
  const result = (realWait as (...args: unknown[]) => 'ok' | 'not-equal' | 'timed-out').call(
    Atomics,
    typedArray,
    index,
    value,
    timeout,
  );
  if (probe?.slots.timedOut !== undefined && result === 'timed-out')
    Atomics.add(probe.board, probe.slots.timedOut, 1);
  if (probe?.slots.inside !== undefined) Atomics.sub(probe.board, probe.slots.inside, 1);
  return result;
} as typeof Atomics.wait;

/** Runs `fn` (the student's acquire()) with Atomics.wait counted on `board`. */
export function countingWaits<T>(
  board: Int32Array,
  slots: WaitProbeSlots,
  fn: () => T,
  filter: WaitProbeFilter = {},
): T {
  armed = { board, slots, filter };
  try {
    return fn();
  } finally {
    armed = undefined;
  }
}

/** Runs `fn` (the student's release()) and returns how many times it called Atomics.notify. */
export function countingNotifies(fn: () => void): number {
  notifies = 0;
  countNotifies = true;
  try {
    fn();
  } finally {
    countNotifies = false;
  }
  return notifies;
}
