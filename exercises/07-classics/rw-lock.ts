/**
 * Exercise 07-classics/rw-lock — a readers–writer lock for worker threads.
 *
 * Many threads may read shared data at once, but a writer needs it alone. The lock lives in a
 * SharedArrayBuffer, so a worker attaches with `new RWLock(buffer, byteOffset)`, like the Mutex.
 *
 * The traps (The Little Book of Semaphores, "Readers-writers" and "No-starve"):
 *  - a writer must not get in while readers are inside (nor readers while a writer is);
 *  - the last reader out must wake a waiting writer (Atomics.notify), or the writer sleeps on;
 *  - the "lightswitch" solution (readers in whenever other readers are in) starves writers: a
 *    steady stream of overlapping readers never lets the count fall to 0. Once a writer waits,
 *    new readers must wait behind it.
 *
 * Contract (what the tests check, and nothing else):
 *  §1 `new RWLock(buffer?, byteOffset?)`: `buffer` not a SharedArrayBuffer → TypeError whose
 *     message names `buffer`;
 *     `byteOffset` not a multiple of 4, negative, or with fewer than `RWLock.BYTES` (16) bytes
 *     after it → RangeError. Defaults: a new `SharedArrayBuffer(RWLock.BYTES)` and 0; `buffer`
 *     and `byteOffset` are kept as read-only properties.
 *  §2 Locks built over the same buffer and byteOffset (in any thread) are the same lock. Zeroed
 *     bytes are a free lock, and it uses only the `RWLock.BYTES` bytes at byteOffset.
 *  §3 Many readers at once: `acquireRead()` returns true while other readers hold the lock (and
 *     no writer holds or waits for it).
 *  §4 One writer alone: `acquireWrite()` waits while any reader or writer holds the lock, and
 *     while a writer holds it, `acquireRead()` waits too. Returns true once the lock is held.
 *  §5 No writer starvation: once a writer waits in `acquireWrite()`, later `acquireRead()` calls
 *     wait until that writer has had its turn, so the writer gets in as soon as the readers
 *     already inside have released.
 *  §6 `acquireRead(timeoutMs)` and `acquireWrite(timeoutMs)`: `undefined` or `Infinity` waits for
 *     ever; they return false when `timeoutMs` runs out (0 or less: at once, unless the lock can
 *     be taken without waiting). A writer that gave up no longer holds readers back.
 *  §7 `releaseRead()` wakes a waiting writer when the last reader leaves; `releaseWrite()` wakes
 *     the waiters. `releaseRead()` when no reader holds the lock, and `releaseWrite()` when no
 *     writer holds it, throw an Error whose message names the method (`releaseRead`,
 *     `releaseWrite`).
 *
 * Read: MDN "Atomics.compareExchange", "Atomics.wait", "Atomics.notify"; The Little Book of
 * Semaphores, 4.2 "Readers-writers problem" and 4.2.3 "No-starve readers-writers".
 * Hints: `npm run hint -- rw-lock`.
 */
export class RWLock {
  /** Bytes of the buffer a lock may use, from `byteOffset` on. */
  static readonly BYTES = 16;
  readonly buffer: SharedArrayBuffer;
  readonly byteOffset: number;

  constructor(buffer?: SharedArrayBuffer, byteOffset?: number) {
    // TODO: validate (§1), keep buffer and byteOffset, view your Int32 cell(s).
    void buffer;
    void byteOffset;
    throw new Error('Not implemented: RWLock constructor (validate, keep buffer/byteOffset, view the cells)');
  }

  /** Shares the lock with other readers (§3); waits behind a holding or waiting writer (§4, §5). */
  acquireRead(timeoutMs?: number): boolean {
    // TODO: one atomic step "no writer holds or waits → one more reader"; else Atomics.wait.
    void timeoutMs;
    throw new Error(
      'Not implemented: RWLock.acquireRead (count a reader atomically unless a writer holds or waits)',
    );
  }

  /** Frees one reader's share; the last reader out wakes a waiting writer (§7). */
  releaseRead(): void {
    // TODO: one reader less (throw if none); if it was the last, Atomics.notify.
    throw new Error(
      'Not implemented: RWLock.releaseRead (one reader less, wake a writer when none are left)',
    );
  }

  /** Takes the lock alone (§4); announces itself first so that new readers wait (§5). */
  acquireWrite(timeoutMs?: number): boolean {
    // TODO: count yourself as a waiting writer, wait until no reader or writer holds the lock,
    // then take it in one atomic step; on timeout, stop counting as waiting and wake the readers.
    void timeoutMs;
    throw new Error('Not implemented: RWLock.acquireWrite (announce, wait for the lock to empty, take it)');
  }

  /** Frees the writer's hold and wakes the waiters (§7). */
  releaseWrite(): void {
    // TODO: clear the writer (throw if none holds it), then Atomics.notify everybody.
    throw new Error('Not implemented: RWLock.releaseWrite (clear the writer, wake everybody)');
  }
}
