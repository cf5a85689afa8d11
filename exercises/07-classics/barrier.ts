/**
 * Exercise 07-classics/barrier — Python's `threading.Barrier`, for worker threads.
 *
 * n threads each call `wait()`; nobody gets out until all n have come in. Then the barrier is
 * ready for the next round at once, with the same n. The state lives in a SharedArrayBuffer, so
 * a worker attaches with `new Barrier(n, buffer, byteOffset)`, like the Mutex.
 *
 * The traps (The Little Book of Semaphores, "Reusable barrier"):
 *  - a fast thread that passes round 1 comes straight back for round 2 while the others are still
 *    waking up from round 1: it must not count as, or sneak through with, round 1's arrivals;
 *  - the last arrival must wake the sleepers (Atomics.notify on the very Int32 they sleep on);
 *  - the count must start again from 0 in every round.
 * A round number (a "generation") that the last arrival bumps solves the first trap: a waiter
 * sleeps until the round number changes, not until the count looks right.
 *
 * Contract (what the tests check, and nothing else):
 *  §1 `new Barrier(n, buffer?, byteOffset?)`: `n` not an integer from 1 to 65535 → RangeError
 *     whose message states the limit (65535); `buffer` not a SharedArrayBuffer → TypeError whose
 *     message names `buffer`; `byteOffset` not a multiple of 4, negative,
 *     or with fewer than `Barrier.BYTES` (16) bytes after it in the buffer → RangeError.
 *     Defaults: a new `SharedArrayBuffer(Barrier.BYTES)` and 0. `n`, `buffer` and `byteOffset`
 *     are kept as read-only properties.
 *  §2 `wait()` returns true once n calls of `wait()` have arrived in the current round, and not
 *     before: every thread leaves a round only after all n have arrived in it. With n = 1 it
 *     returns true at once.
 *  §3 The barrier is reusable: round after round, a thread that comes back for the next round
 *     waits for all n arrivals of that round, however fast it comes back.
 *  §4 Barriers built over the same buffer and byteOffset (in any thread) are the same barrier.
 *     Zeroed bytes are a fresh barrier, and it uses only the `Barrier.BYTES` bytes at byteOffset.
 *  §5 `wait(timeoutMs)`: `undefined` or `Infinity` waits for ever. If the round has not completed
 *     when `timeoutMs` runs out (0 or less: at once), `wait` returns false and withdraws its
 *     arrival: the round still needs n arrivals.
 *
 * Read: MDN "Atomics.compareExchange", "Atomics.wait", "Atomics.notify"; The Little Book of
 * Semaphores, 3.7 "Reusable barrier".
 * Hints: `npm run hint -- barrier`.
 */
export class Barrier {
  /** Bytes of the buffer a barrier may use, from `byteOffset` on. */
  static readonly BYTES = 16;
  readonly n: number;
  readonly buffer: SharedArrayBuffer;
  readonly byteOffset: number;

  constructor(n: number, buffer?: SharedArrayBuffer, byteOffset?: number) {
    // TODO: validate n, buffer and byteOffset (§1), keep them, and view your Int32 cell(s).
    void n;
    void buffer;
    void byteOffset;
    throw new Error(
      'Not implemented: Barrier constructor (validate, keep n/buffer/byteOffset, view the cells)',
    );
  }

  /** Arrives and waits for the other n - 1 of this round (§2, §3); false after `timeoutMs` (§5). */
  wait(timeoutMs?: number): boolean {
    // TODO: remember the round, count your arrival atomically; the last arrival starts the next
    // round and wakes everybody; the others Atomics.wait until the round changes.
    void timeoutMs;
    throw new Error('Not implemented: Barrier.wait (count the arrival, wait for the round to change)');
  }
}
