/**
 * A bounded FIFO queue for async producers and consumers on one thread (Python's `queue.Queue`
 * with `maxsize`, for promises).
 *
 * Contract (what the tests check, and nothing else):
 *  §1 `take()` gives the items back in the order they were put (first in, first out).
 *  §2 `take()` on an empty queue waits; a `put(item)` then resolves it with `item`.
 *  §3 `put(item)` on a queue holding `capacity` items waits; a `take()` then lets it in.
 *  §4 `size` is the number of items in the queue now, and never exceeds `capacity`.
 *  §5 Each item is taken exactly once: one `put` resolves one waiting `take`, never two, and
 *     with many producers and consumers no item is lost or duplicated.
 *  §6 After `close()`, `take()` still returns the items left, then rejects; a `take()` waiting on
 *     an empty queue rejects at `close()`. The errors' messages contain "closed".
 *  §7 After `close()`, a `put()` waiting for room rejects and every later `put()` rejects, and
 *     their items are not added. The errors' messages contain "closed".
 *  §8 Calling `close()` again does nothing.
 *  §9 `new BoundedQueue(capacity)` throws a RangeError when `capacity` is not a positive integer.
 *
 * The trap: do not wake every waiting `take()` when one item arrives (or every `put()` when one
 * slot frees). They all resume and each takes "the" item: one gets it, the others get `undefined`
 * or overfill the queue. Hand each item (or free slot) to exactly one waiter.
 */
export class BoundedQueue<T> {
  /** `capacity`: a positive integer, else RangeError. */
  constructor(capacity: number) {
    // TODO: validate `capacity`; set up the items and the queues of waiting takers and putters.
    void capacity;
    throw new Error('Not implemented: BoundedQueue constructor — check `capacity`, set up the queues');
  }

  /** Adds `item`, waiting while the queue is full. Rejects once the queue is closed. */
  put(item: T): Promise<void> {
    // TODO: hand the item to a waiting taker, or store it if there is room, or wait for room.
    void item;
    throw new Error('Not implemented: put() — store the item or wait for room');
  }

  /** Removes and returns the oldest item, waiting while the queue is empty. */
  take(): Promise<T> {
    // TODO: return the oldest item (and admit one waiting put), or wait for an item.
    throw new Error('Not implemented: take() — return the oldest item or wait for one');
  }

  /** Items in the queue now. */
  get size(): number {
    // TODO: count the stored items.
    throw new Error('Not implemented: size — count the stored items');
  }

  /** No more puts; waiting takes (on an empty queue) and waiting puts reject. Idempotent. */
  close(): void {
    // TODO: mark the queue closed and reject every waiting take and put.
    throw new Error('Not implemented: close() — reject the waiters, keep the items');
  }
}
