/**
 * A bounded FIFO queue for async producers and consumers on one thread (Python's `queue.Queue`
 * with `maxsize`, for promises).
 *
 * - `put(item)` waits while the queue holds `capacity` items; `take()` waits while it is empty.
 * - Items come out in the order they went in; `size` never exceeds `capacity`.
 * - `close()`: `take()` still drains the items left, then rejects; a `take()` waiting on an
 *   empty queue rejects, and so do a `put()` waiting for room and every later `put()`. The errors
 *   mention "closed". Closing twice does nothing.
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
