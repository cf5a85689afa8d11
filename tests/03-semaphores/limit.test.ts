// createLimit: an async concurrency limit on one thread. Functions are gated by deferreds the
// test opens one at a time; counters are read after `flush()` (fn may start inside the call or a
// microtask later), and every wait on the student's code is bounded by `within()`.
import { describe, it } from '@jest/globals';
import { createLimit, type Limit } from '@kata/03-semaphores/limit';
import { check, checkBadArgument, settle, show, thrown, within } from '../helpers/assert';
import { deferred, flush, messageOf, outcome, promiseFrom, type Deferred } from '../helpers/async';

const WAIT_MS = 1000;

/** `limit(fn)`, which must return a promise. */
const call = <T>(limit: Limit, fn: () => T | Promise<T>): Promise<T> =>
  promiseFrom(() => limit(fn), 'limit(fn)');

/**
 * `n` functions, each started through `limit`, that record when they start and wait for their own
 * gate. `inside` counts those running now; `most` the highest it reached.
 */
function gated(limit: Limit, n: number) {
  const gates: Deferred<number>[] = [];
  const stats = { started: [] as number[], inside: 0, most: 0 };
  const calls = Array.from({ length: n }, (_, i) => {
    gates.push(deferred<number>());
    return call(limit, async () => {
      stats.started.push(i);
      stats.inside++;
      stats.most = Math.max(stats.most, stats.inside);
      try {
        return await gates[i].promise;
      } finally {
        stats.inside--;
      }
    });
  });
  return { gates, stats, calls };
}

describe('createLimit', () => {
  it('§1 resolves with what fn returns, sync or async', async () => {
    const limit = createLimit(2);
    const sync = await within(
      call(limit, () => 1),
      WAIT_MS,
      '`limit(() => 1)` to resolve',
    );
    check(sync === 1, `Expected \`limit(() => 1)\` to resolve with 1, got ${show(sync)}.`);
    const async = await within(
      call(limit, async () => {
        await flush();
        return 'two';
      }),
      WAIT_MS,
      '`limit(async fn)` to resolve',
    );
    check(
      async === 'two',
      `Expected \`limit(async fn)\` to resolve with what fn resolved ('two'), got ${show(async)}.`,
    );
  });

  it('§2 runs up to `concurrency` functions at once', async () => {
    const limit = createLimit(3);
    const { gates, stats, calls } = gated(limit, 3);
    await flush();
    check(
      stats.started.length === 3,
      `Expected all 3 functions to start at once under \`createLimit(3)\`; ${stats.started.length} started. ` +
        'A free slot must start the next function right away.',
    );
    gates.forEach((gate, i) => gate.resolve(i));
    await within(Promise.all(calls), WAIT_MS, 'the 3 calls to resolve once their functions finished');
  });

  it('§2 never runs more than `concurrency` functions at once', async () => {
    const limit = createLimit(2);
    const { gates, stats, calls } = gated(limit, 8);
    const opened = new Set<number>();
    for (let done = 0; done < 8; done++) {
      await flush();
      check(
        stats.inside <= 2,
        `Expected at most 2 functions running under \`createLimit(2)\`; ${stats.inside} were running at once ` +
          `(${done} had finished). Is the slot check \`active < concurrency\`, done before starting?`,
      );
      // Finish one of the running ones (the newest: slots must not depend on start order).
      const running = stats.started.filter((i) => !opened.has(i));
      check(
        running.length > 0,
        `Expected a function to be running with ${8 - done} calls left, but none had started. ` +
          'Does a finished function start the next waiting one?',
      );
      const i = running[running.length - 1];
      opened.add(i);
      gates[i].resolve(i);
    }
    await within(
      Promise.all(calls),
      WAIT_MS,
      'all 8 calls to resolve',
      'Does a finished function free its slot?',
    );
    check(stats.most <= 2, `Expected at most 2 functions running at once; ${stats.most} were.`);
  });

  it('§3 starts functions in the order they were passed in', async () => {
    const limit = createLimit(1);
    const order: number[] = [];
    const calls = [0, 1, 2, 3, 4, 5].map((i) =>
      call(limit, async () => {
        order.push(i);
        await flush();
      }),
    );
    await within(Promise.all(calls), WAIT_MS, '6 calls under `createLimit(1)` to run one after another');
    check(
      order.join() === '0,1,2,3,4,5',
      `Expected the functions to start in call order [0, 1, 2, 3, 4, 5]; got ${show(order)}. ` +
        'Waiting calls form a FIFO queue: take the next from the front (`shift`), not the back (`pop`).',
    );
  });

  it('§1 §4 a throwing or rejecting fn rejects its own call only', async () => {
    const limit = createLimit(1);
    const thrownError = new Error('thrown by fn');
    const rejectedError = new Error('rejected by fn');
    const results = await within(
      Promise.all([
        settle(
          call(limit, () => {
            throw thrownError;
          }),
        ),
        settle(call(limit, () => 'second')),
        settle(
          call(limit, async () => {
            await flush();
            throw rejectedError;
          }),
        ),
        settle(call(limit, async () => 'fourth')),
      ]),
      WAIT_MS,
      '4 calls under `createLimit(1)` to settle (the 1st fn throws, the 3rd rejects)',
      'Does a throwing or rejecting fn free its slot?',
    );
    const [r1, r2, r3, r4] = results;
    check(
      !r1.ok && r1.error === thrownError,
      `Expected the 1st call to reject with fn's thrown error; it ${outcome(r1)}.`,
    );
    check(
      r2.ok && r2.value === 'second',
      `Expected the 2nd call to resolve with 'second' (its own fn succeeded); it ${outcome(r2)}. ` +
        "One call's failure must not reject the calls after it: is each call chained onto the previous one?",
    );
    check(
      !r3.ok && r3.error === rejectedError,
      `Expected the 3rd call to reject with fn's error; it ${outcome(r3)}.`,
    );
    check(
      r4.ok && r4.value === 'fourth',
      `Expected the 4th call to resolve with 'fourth' (its own fn succeeded); it ${outcome(r4)}.`,
    );
  });

  it('§4 §5 a throwing or rejecting fn frees its slot', async () => {
    const limit = createLimit(1);
    const r1 = await within(
      settle(
        call(limit, () => {
          throw new Error('thrown by fn');
        }),
      ),
      WAIT_MS,
      'a call whose fn throws to reject',
    );
    check(
      !r1.ok && messageOf(r1.error) === 'thrown by fn',
      `Expected the call whose fn throws \`Error: thrown by fn\` to reject with that error; it ${outcome(r1)}.`,
    );
    const r2 = await within(
      settle(call(limit, () => Promise.reject(new Error('rejected by fn')))),
      WAIT_MS,
      'a call made after a throwing fn to run and reject',
      'Does a throwing fn free its slot? Decrement the running count in a `finally`.',
    );
    check(
      !r2.ok && messageOf(r2.error) === 'rejected by fn',
      `Expected the next call, whose fn rejects with \`Error: rejected by fn\`, to reject with that error; it ${outcome(r2)}. ` +
        "One call's failure must not reject the calls after it.",
    );
    const r3 = await within(
      call(limit, () => 'still works'),
      WAIT_MS,
      'a call made after a rejecting fn to run and resolve',
      'Does a rejecting fn free its slot? Decrement the running count in a `finally`.',
    );
    check(r3 === 'still works', `Expected 'still works', got ${show(r3)}.`);
    await flush();
    check(
      limit.activeCount === 0,
      `Expected \`activeCount\` to be 0 once every call settled, got ${show(limit.activeCount)}.`,
    );
  });

  it('§5 activeCount and pendingCount count running and waiting functions', async () => {
    const limit = createLimit(2);
    check(
      limit.activeCount === 0 && limit.pendingCount === 0,
      `Expected a new limit to have \`activeCount\` 0 and \`pendingCount\` 0, got ${show(limit.activeCount)} and ` +
        `${show(limit.pendingCount)}.`,
    );
    const { gates, calls } = gated(limit, 5);
    const expectCounts = async (active: number, pending: number, when: string) => {
      await flush();
      check(
        limit.activeCount === active && limit.pendingCount === pending,
        `Expected \`activeCount\` ${active} and \`pendingCount\` ${pending} ${when}, got ` +
          `${show(limit.activeCount)} and ${show(limit.pendingCount)}.`,
      );
    };
    await expectCounts(2, 3, 'after 5 calls under `createLimit(2)`');
    gates[0].resolve(0);
    await expectCounts(2, 2, 'after the 1st function finished');
    gates[1].resolve(1);
    gates[2].resolve(2);
    await expectCounts(2, 0, 'after 3 functions finished');
    gates[3].resolve(3);
    await expectCounts(1, 0, 'after 4 functions finished');
    gates[4].resolve(4);
    await within(Promise.all(calls), WAIT_MS, 'all 5 calls to resolve');
    await expectCounts(0, 0, 'after every call resolved');
  });

  it('§6 throws RangeError for a `concurrency` that is not a positive integer', () => {
    for (const bad of [0, -1, 1.5, NaN]) {
      const error = thrown(
        () => createLimit(bad),
        `Expected \`createLimit(${bad})\` to throw a RangeError, but it returned.`,
      );
      checkBadArgument(error, `\`createLimit(${bad})\``, 'concurrency', 'RangeError');
    }
  });
});
