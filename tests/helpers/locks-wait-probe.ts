// Watches Atomics.wait in a lock fixture's worker (Mutex, Semaphore), to test the wake-up itself:
// a blocked acquire() must sleep until release() wakes it, not poll. Import it FIRST in the
// fixture, before the student's module is loaded, so that even a module that keeps its own
// reference to Atomics.wait gets the wrapped one.
//
// While armed (only around the student's acquire() call), every call to Atomics.wait is counted
// on the shared board: entries, and how each call ended. A sleeper enters once (twice at most,
// e.g. a "not-equal" return when the lock changed just before it slept) and is woken by
// Atomics.notify ("ok"). A poller re-enters every few ms, and its waits end "timed-out".

export interface WaitProbeSlots {
  /** Calls to Atomics.wait while armed. */
  entries: number;
  /** Of those, the calls that returned "timed-out". */
  timedOut: number;
}

let armed: { board: Int32Array; slots: WaitProbeSlots } | undefined;

const realWait = Atomics.wait;
Atomics.wait = function wait(
  typedArray: Int32Array | BigInt64Array,
  index: number,
  value: number | bigint,
  timeout?: number,
) {
  const probe = armed;
  if (probe) {
    Atomics.add(probe.board, probe.slots.entries, 1);
    Atomics.notify(probe.board, probe.slots.entries);
  }
  const result = (realWait as (...args: unknown[]) => 'ok' | 'not-equal' | 'timed-out').call(
    Atomics,
    typedArray,
    index,
    value,
    timeout,
  );
  if (probe && result === 'timed-out') Atomics.add(probe.board, probe.slots.timedOut, 1);
  return result;
} as typeof Atomics.wait;

/** Runs `fn` (the student's acquire()) with Atomics.wait counted on `board`. */
export function countingWaits<T>(board: Int32Array, slots: WaitProbeSlots, fn: () => T): T {
  armed = { board, slots };
  try {
    return fn();
  } finally {
    armed = undefined;
  }
}
