// BoundedQueue: producer/consumer on one thread. "Still waiting" is checked after `flush()` (every
// pending microtask has run); every wait on the student's code is bounded by `within()`.
import { describe, it } from '@jest/globals';
import { BoundedQueue } from '@kata/03-semaphores/bounded-queue';
import { check, checkBadArgument, settle, show, thrown, within } from '../helpers/assert';
import { flush, messageOf, outcome, promiseFrom, resolvesWithin, track } from '../helpers/async';

const WAIT_MS = 1000;

const put = <T>(q: BoundedQueue<T>, item: T): Promise<void> => promiseFrom(() => q.put(item), 'put(item)');
/** `q.size`, read through a function so that TypeScript does not narrow it between reads. */
const sizeOf = (q: BoundedQueue<unknown>): number => q.size;
const take = <T>(q: BoundedQueue<T>): Promise<T> => promiseFrom(() => q.take(), 'take()');

/** `q.take()`, which must resolve within WAIT_MS. */
const taken = <T>(q: BoundedQueue<T>, what: string, hint?: string): Promise<T> =>
  resolvesWithin(take(q), WAIT_MS, what, hint);

/** Settles `promise` (bounded) and checks it rejected with an error that mentions "closed". */
async function expectClosedRejection(promise: Promise<unknown>, what: string, hint: string): Promise<void> {
  const result = await within(settle(promise), WAIT_MS, `${what} to reject`, hint);
  check(
    !result.ok && /closed/i.test(messageOf(result.error)),
    `Expected ${what} to reject with an error that mentions "closed"; it ${outcome(result)}.`,
  );
}

describe('BoundedQueue', () => {
  it('§1 gives items back in the order they were put (FIFO)', async () => {
    const q = new BoundedQueue<number>(10);
    for (const item of [1, 2, 3, 4, 5]) {
      await resolvesWithin(put(q, item), WAIT_MS, `\`put(${item})\` on a queue with room to resolve`);
    }
    const out: number[] = [];
    for (let i = 0; i < 5; i++)
      out.push(await taken(q, `\`take()\` #${i + 1} on a queue holding items to resolve`));
    check(
      out.join() === '1,2,3,4,5',
      `Expected the items in the order they were put, [1, 2, 3, 4, 5]; got ${show(out)}. Take from the front (\`shift\`).`,
    );
  });

  it('§2 §4 take() waits while the queue is empty', async () => {
    const q = new BoundedQueue<string>(2);
    const t = track(take(q));
    await flush();
    check(
      !t.settled,
      `Expected \`take()\` on an empty queue to wait; it already ${t.ok ? 'resolved' : 'rejected'}.`,
    );
    await resolvesWithin(put(q, 'x'), WAIT_MS, "`put('x')` to resolve");
    const value = await resolvesWithin(
      t.promise,
      WAIT_MS,
      "the waiting `take()` to resolve after `put('x')`",
      'Does `put()` hand the item to a waiting taker?',
    );
    check(value === 'x', `Expected the waiting \`take()\` to resolve with 'x', got ${show(value)}.`);
    await flush();
    check(
      sizeOf(q) === 0,
      `Expected \`size\` 0 once the waiting taker got the item, got ${show(sizeOf(q))}.`,
    );
  });

  it('§3 §4 put() waits while the queue is full', async () => {
    const q = new BoundedQueue<string>(2);
    await resolvesWithin(put(q, 'a'), WAIT_MS, "`put('a')` on an empty queue to resolve");
    await resolvesWithin(put(q, 'b'), WAIT_MS, "`put('b')` on a queue with room to resolve");
    const p = track(put(q, 'c'));
    await flush();
    check(!p.settled, `Expected \`put('c')\` on a full queue (capacity 2) to wait; it already settled.`);
    check(sizeOf(q) === 2, `Expected \`size\` 2 on a full queue of capacity 2, got ${show(sizeOf(q))}.`);
    const first = await taken(q, '`take()` on a full queue to resolve');
    check(first === 'a', `Expected \`take()\` to resolve with 'a', got ${show(first)}.`);
    await resolvesWithin(
      p.promise,
      WAIT_MS,
      "the waiting `put('c')` to resolve once `take()` made room",
      'Does `take()` let one waiting put in?',
    );
    check(sizeOf(q) === 2, `Expected \`size\` 2 after the waiting put got in, got ${show(sizeOf(q))}.`);
    const rest = [await taken(q, '`take()` to resolve'), await taken(q, '`take()` to resolve')];
    check(rest.join() === 'b,c', `Expected the remaining items ['b', 'c'], got ${show(rest)}.`);
  });

  it('§3 §4 size counts the items and never exceeds capacity', async () => {
    const q = new BoundedQueue<number>(3);
    check(sizeOf(q) === 0, `Expected \`size\` 0 on a new queue, got ${show(sizeOf(q))}.`);
    const puts = [0, 1, 2, 3, 4, 5].map((i) => put(q, i));
    await flush();
    check(
      sizeOf(q) === 3,
      `Expected \`size\` 3 after 6 puts into a queue of capacity 3, got ${show(sizeOf(q))}. ` +
        'A put must wait while `size` equals `capacity` (check `size < capacity`, not `<=`).',
    );
    const out: number[] = [];
    for (let i = 0; i < 6; i++) {
      out.push(
        await taken(q, `\`take()\` #${i + 1} of 6 to resolve`, 'Does every take let one waiting put in?'),
      );
      await flush();
      check(
        sizeOf(q) <= 3,
        `Expected \`size\` never above the capacity 3; it was ${show(sizeOf(q))} after ${i + 1} takes. ` +
          'Does a take let in one waiting put, not all of them?',
      );
    }
    await resolvesWithin(Promise.all(puts), WAIT_MS, 'all 6 puts to resolve');
    check(
      [...out].sort().join() === '0,1,2,3,4,5',
      `Expected to take back the 6 items put, [0 … 5] in any order, got ${show(out)}.`,
    );
    check(sizeOf(q) === 0, `Expected \`size\` 0 once everything was taken, got ${show(sizeOf(q))}.`);
  });

  it('§5 one put wakes exactly one waiting take', async () => {
    const q = new BoundedQueue<string>(1);
    const t1 = track(take(q));
    const t2 = track(take(q));
    await flush();
    check(!t1.settled && !t2.settled, 'Expected both `take()` calls on an empty queue to wait; one settled.');
    await resolvesWithin(put(q, 'only'), WAIT_MS, "`put('only')` with two takers waiting to resolve");
    await resolvesWithin(
      Promise.race([t1.promise, t2.promise]),
      WAIT_MS,
      'one of two waiting `take()` calls to resolve after a put',
      'Does `put()` hand the item to a waiting taker?',
    );
    await flush();
    const done = [t1, t2].filter((t) => t.settled);
    check(
      done.length === 1,
      `Expected one put to satisfy exactly one of two waiting takes, but both settled: ` +
        `${show(done.map((t) => (t.ok ? t.value : messageOf(t.error))))}. Waking every taker for one item lets ` +
        'each one take "the" item: hand each item to exactly one waiter.',
    );
    check(
      done[0].ok && done[0].value === 'only',
      `Expected the take to resolve with 'only', got ${show(done[0].value)}.`,
    );
    const other = done[0] === t1 ? t2 : t1;
    await resolvesWithin(put(q, 'next'), WAIT_MS, "`put('next')` to resolve");
    const value = await resolvesWithin(
      other.promise,
      WAIT_MS,
      "the other waiting `take()` to resolve after `put('next')`",
    );
    check(value === 'next', `Expected the other take to resolve with 'next', got ${show(value)}.`);
  });

  it('§5 §4 many producers and consumers: nothing lost or duplicated, size within capacity', async () => {
    const capacity = 3;
    const q = new BoundedQueue<number>(capacity);
    const producers = 6;
    const perProducer = 40;
    const consumers = 4;
    const total = producers * perProducer;
    let maxSize = 0;
    const seen: unknown[] = [];
    const produce = async (p: number) => {
      for (let i = 0; i < perProducer; i++) {
        await put(q, p * 1000 + i);
        maxSize = Math.max(maxSize, sizeOf(q));
        if ((i + p) % 3 === 0) await Promise.resolve(); // vary the interleaving
      }
    };
    const consume = async (c: number) => {
      for (let i = 0; i < total / consumers; i++) {
        seen.push(await take(q));
        maxSize = Math.max(maxSize, sizeOf(q));
        if ((i + c) % 4 === 0) await flush();
      }
    };
    await resolvesWithin(
      Promise.all([
        ...Array.from({ length: consumers }, (_, c) => consume(c)),
        ...Array.from({ length: producers }, (_, p) => produce(p)),
      ]),
      WAIT_MS,
      `${producers} producers × ${perProducer} puts and ${consumers} consumers × ${total / consumers} takes to finish`,
      'An item lost, or a waiter never woken, leaves someone waiting forever.',
    );
    const expected = new Set(
      Array.from({ length: total }, (_, k) => Math.floor(k / perProducer) * 1000 + (k % perProducer)),
    );
    const bogus = seen.filter((v) => !expected.has(v as number));
    const counts = new Map<unknown, number>();
    for (const v of seen) counts.set(v, (counts.get(v) ?? 0) + 1);
    const duplicated = [...counts].filter(([, n]) => n > 1).map(([v]) => v);
    check(
      bogus.length === 0,
      `Expected every take to return an item that was put; got ${show(bogus)}. ` +
        '`undefined` usually means two woken takers both took "the" item: hand each item to one waiter.',
    );
    check(
      duplicated.length === 0,
      `Expected each item taken once; taken twice or more: ${show(duplicated)}.`,
    );
    check(
      maxSize <= capacity,
      `Expected \`size\` never above the capacity ${capacity}; it reached ${maxSize}.`,
    );
    check(sizeOf(q) === 0, `Expected an empty queue at the end, \`size\` is ${show(sizeOf(q))}.`);
  });

  it('§6 after close(), take() drains the items left, then rejects', async () => {
    const q = new BoundedQueue<number>(3);
    await resolvesWithin(put(q, 1), WAIT_MS, '`put(1)` to resolve');
    await resolvesWithin(put(q, 2), WAIT_MS, '`put(2)` to resolve');
    q.close();
    const out = [
      await taken(
        q,
        '`take()` on a closed queue that still holds items to resolve',
        'close() keeps the items.',
      ),
      await taken(q, 'the second `take()` on a closed queue that still holds an item to resolve'),
    ];
    check(
      out.join() === '1,2',
      `Expected the items left in a closed queue, [1, 2], got ${show(out)}. \`close()\` keeps the items.`,
    );
    await expectClosedRejection(
      take(q),
      '`take()` on a closed, drained queue',
      'Once the items are gone, take() on a closed queue rejects instead of waiting.',
    );
  });

  it('§6 close() rejects a take() waiting on an empty queue', async () => {
    const q = new BoundedQueue<number>(2);
    const t = track(take(q));
    await flush();
    check(!t.settled, 'Expected `take()` on an empty queue to wait until `close()`; it settled before.');
    q.close();
    await expectClosedRejection(
      t.promise,
      'a waiting `take()` after `close()`',
      'close() rejects every waiting take.',
    );
    await expectClosedRejection(take(q), '`take()` called after `close()` on an empty queue', '');
  });

  it('§7 §6 close() rejects a put() waiting for room; the items already in stay', async () => {
    const q = new BoundedQueue<string>(1);
    await resolvesWithin(put(q, 'in'), WAIT_MS, "`put('in')` on an empty queue to resolve");
    const p = track(put(q, 'waiting'));
    await flush();
    check(
      !p.settled,
      "Expected `put('waiting')` on a full queue to wait until `close()`; it settled before.",
    );
    q.close();
    await expectClosedRejection(
      p.promise,
      'a `put()` waiting for room after `close()`',
      'close() rejects every waiting put.',
    );
    const item = await taken(
      q,
      '`take()` on a closed queue still holding an item to resolve',
      'close() keeps the items.',
    );
    check(item === 'in', `Expected the item already in the queue, 'in', got ${show(item)}.`);
    await expectClosedRejection(
      take(q),
      '`take()` after the last item of a closed queue (the rejected put must not have added its item)',
      '',
    );
  });

  it('§7 §4 put() after close() rejects', async () => {
    const q = new BoundedQueue<number>(2);
    q.close();
    await expectClosedRejection(put(q, 1), '`put(1)` after `close()`', '');
    check(sizeOf(q) === 0, `Expected \`size\` 0: a put after close() adds nothing; got ${show(sizeOf(q))}.`);
  });

  it('§8 §6 close() twice does nothing more', async () => {
    const q = new BoundedQueue<number>(2);
    await resolvesWithin(put(q, 7), WAIT_MS, '`put(7)` to resolve');
    q.close();
    q.close();
    const item = await taken(q, '`take()` after closing twice to resolve', 'close() keeps the items.');
    check(item === 7, `Expected the item left in the queue, 7, got ${show(item)}.`);
    await expectClosedRejection(take(q), '`take()` on a drained queue closed twice', '');
  });

  it('§9 throws RangeError for a `capacity` that is not a positive integer', () => {
    for (const bad of [0, -1, 1.5, NaN]) {
      const error = thrown(
        () => new BoundedQueue(bad),
        `Expected \`new BoundedQueue(${bad})\` to throw a RangeError, but it returned.`,
      );
      checkBadArgument(error, `\`new BoundedQueue(${bad})\``, 'capacity', 'RangeError');
    }
  });
});
