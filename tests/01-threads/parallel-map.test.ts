// Tests for exercises/01-threads/parallel-map.ts: a thread pool. The student's `parallelMap`
// starts its own workers; they load tests/fixtures/parallel-map-tasks.ts.
import * as os from 'node:os';
import * as path from 'node:path';
import { threadId as testThreadId } from 'node:worker_threads';
import { parallelMap } from '@kata/01-threads/parallel-map';
import { check, checkBadArgument, isErrorLike, settle, show, waitUntil, within } from '../helpers/assert';
import { liveWorkers, onCleanup, workersStarted } from '../helpers/handles';
import type {
  FailOrBlockItem,
  LastFirstItem,
  OverlapItem,
  RendezvousItem,
} from '../fixtures/parallel-map-tasks';

const TASKS = path.join(__dirname, '..', 'fixtures', 'parallel-map-tasks.ts');
/** An Error from any realm: errors made by Node itself are not `instanceof` jest's `Error`. */
const isError = isErrorLike;
const task = (exportName: string) => ({ module: TASKS, exportName });
/** A generous bound: a pool of workers that load tsx starts in ~0.3 s alone, many times that under load. */
const CALL_MS = 8000;

/** The call's outcome, or a failure naming the wait that never ended. */
function mapped<R>(promise: Promise<R[]>, what: string) {
  return within(
    settle(promise),
    CALL_MS,
    `\`parallelMap()\` to settle ${what}`,
    'Does every item get handed to a worker, and does the promise settle once the last result is in?',
  );
}

const shared = (ints: number) => new SharedArrayBuffer(4 * ints);
const distinct = (ids: number[]) => [...new Set(ids)];

describe('parallelMap', () => {
  it('§1 returns the results in input order, not in completion order', async () => {
    // Item 0 finishes last: it waits until every other item is done.
    const buffer = shared(1);
    const total = 6;
    const items: LastFirstItem[] = Array.from({ length: total }, (_, index) => ({ buffer, index, total }));
    const r = await mapped(
      parallelMap<LastFirstItem, number>(items, task('lastFirst'), { concurrency: 2 }),
      '',
    );
    check(
      r.ok,
      () => `Expected \`parallelMap()\` to resolve, it rejected: ${show(r.ok || r.error.message)}.`,
    );
    check(
      JSON.stringify(r.value) === JSON.stringify([0, 10, 20, 30, 40, 50]),
      `Expected the results in input order \`[0, 10, 20, 30, 40, 50]\`, got ${show(r.value)}. ` +
        'Item 0 finished last: store each result at its item’s index instead of pushing it.',
    );
  });

  it('§2 runs `concurrency` items at the same time', async () => {
    // Three items that each wait (up to 3 s) to see the other two: only three at once can.
    const buffer = shared(2);
    const items: RendezvousItem[] = Array.from({ length: 3 }, () => ({
      buffer,
      parties: 3,
      timeoutMs: 3000,
    }));
    const r = await mapped(
      parallelMap<RendezvousItem, { saw: boolean }>(items, task('rendezvous'), { concurrency: 3 }),
      'for three items at concurrency 3',
    );
    check(
      r.ok,
      () => `Expected \`parallelMap()\` to resolve, it rejected: ${show(r.ok || r.error.message)}.`,
    );
    check(
      r.value.every((v) => v?.saw === true),
      `Expected the 3 items to run at once with \`concurrency: 3\`, but some waited alone: ${show(r.value)}. ` +
        'Start `concurrency` workers (no more than there are items) and keep each one busy.',
    );
  });

  it('§3 never runs more than `concurrency` items at once', async () => {
    // Each item stays inside until a third one comes in (the cap is broken), all 4 have entered,
    // or 600 ms pass; cells[1] records the most inside at once.
    const buffer = shared(3);
    const cells = new Int32Array(buffer);
    const items: OverlapItem[] = Array.from({ length: 4 }, () => ({ buffer, cap: 2, total: 4, holdMs: 600 }));
    const r = await mapped(parallelMap<OverlapItem, number>(items, task('overlap'), { concurrency: 2 }), '');
    check(
      r.ok,
      () => `Expected \`parallelMap()\` to resolve, it rejected: ${show(r.ok || r.error.message)}.`,
    );
    const max = Atomics.load(cells, 1);
    check(
      max >= 1 && max <= 2,
      `Expected at most 2 items running at once with \`concurrency: 2\`, saw ${max}. ` +
        'Start at most `concurrency` workers and give a worker its next item only when it has answered.',
    );
  });

  it('§1 §3 §5 accepts `concurrency: 1`: every item on one worker, in order', async () => {
    const r = await mapped(
      parallelMap<number, { item: number; threadId: number; argCount: number }>([0, 1, 2], task('whoRuns'), {
        concurrency: 1,
      }),
      'for 3 items at `concurrency: 1`',
    );
    check(
      r.ok,
      () =>
        `Expected \`concurrency: 1\` to be accepted (1 is a positive integer), it rejected: ${show(r.ok || r.error.message)}.`,
    );
    check(
      r.value.length === 3 && r.value.every((v, i) => v?.item === i),
      `Expected the results for items 0, 1, 2 in order, got ${show(r.value)}.`,
    );
    const threads = distinct(r.value.map((v) => v.threadId));
    check(
      threads.length === 1,
      `Expected 1 worker at \`concurrency: 1\`, the items ran on ${threads.length} threads.`,
    );
  });

  it('§1 §2 §3 reuses its workers: 8 items at concurrency 2 run on at most 2 threads', async () => {
    const items = Array.from({ length: 8 }, (_, i) => i);
    const r = await mapped(
      parallelMap<number, { item: number; threadId: number; argCount: number }>(items, task('whoRuns'), {
        concurrency: 2,
      }),
      'for 8 items',
    );
    check(
      r.ok,
      () => `Expected \`parallelMap()\` to resolve, it rejected: ${show(r.ok || r.error.message)}.`,
    );
    check(
      r.value.length === 8 && r.value.every((v, i) => v?.item === i),
      `Expected each result to be the task's value for its item, got ${show(r.value)}.`,
    );
    check(
      r.value.every((v) => v.argCount === 1),
      `The task must be called with the item alone; it got ${show(r.value.map((v) => v.argCount))} arguments.`,
    );
    const threads = distinct(r.value.map((v) => v.threadId));
    check(
      !threads.includes(testThreadId),
      'A task ran on the calling thread: every item must run in a pool worker.',
    );
    check(
      threads.length <= 2,
      `Expected at most 2 worker threads for 8 items at \`concurrency: 2\`, the tasks ran on ${threads.length} ` +
        `(threadIds ${show(threads)}). Keep each worker and post it the next item; do not start one per item.`,
    );
  });

  it('§1 awaits an async task: the results are the values its promises resolve with', async () => {
    const items = [0, 1, 2, 3, 4, 5];
    const r = await mapped(parallelMap<number, number>(items, task('doubleLater'), { concurrency: 2 }), '');
    check(
      r.ok,
      () =>
        `Expected \`parallelMap()\` to resolve for an async task, it rejected: ${show(r.ok || r.error.message)}. ` +
        'A task may return a promise: await it in the worker before posting the value (a promise cannot be posted).',
    );
    check(
      JSON.stringify(r.value) === JSON.stringify([0, 2, 4, 6, 8, 10]),
      `Expected the awaited values \`[0, 2, 4, 6, 8, 10]\`, got ${show(r.value)}. Await the task's result in the worker.`,
    );
  });

  for (const [exportName, how] of [
    ['failOn', 'threw'],
    ['failOnLater', 'rejected (an async task)'],
  ] as const) {
    it(`§7 rejects with the index of the item whose task ${how}`, async () => {
      const items = ['a', 'b', 'c', 'd', 'e'].map((name) => ({ name, bad: name === 'd' }));
      const r = await mapped(parallelMap(items, task(exportName), { concurrency: 2 }), `after item 3 ${how}`);
      check(
        !r.ok,
        `Expected \`parallelMap()\` to reject when the task for item 3 ${how}, it resolved with ${show(r.ok && r.value)}.`,
      );
      check(
        isError(r.error) &&
          /(^|\D)3(\D|$)/.test(r.error.message) &&
          r.error.message.includes('cannot process d'),
        `Expected an Error whose message has the item's index 3 and the task's message 'cannot process d' ` +
          `(e.g. "item 3: cannot process d"), got ${show(r.error)}. Send the index with each item and back with each reply.`,
      );
    });
  }

  it('§9 terminates every worker when a task throws', async () => {
    // Item 0 throws once item 1 is running; item 1 sleeps 5 s unless released (at cleanup).
    const buffer = shared(2);
    const cells = new Int32Array(buffer);
    onCleanup(() => {
      Atomics.store(cells, 0, 1);
      Atomics.notify(cells, 0);
    });
    const items: FailOrBlockItem[] = [true, false, false, false].map((fail) => ({ buffer, fail }));
    const r = await mapped(parallelMap(items, task('failOrBlock'), { concurrency: 2 }), 'after item 0 threw');
    check(
      !r.ok,
      `Expected \`parallelMap()\` to reject when item 0 throws, it resolved with ${show(r.ok && r.value)}.`,
    );
    // The check below names what is left; the wait only gives `terminate()` its 1 s.
    await waitUntil(() => liveWorkers().size === 0, 1000, 'the workers to exit').catch(() => undefined);
    check(
      liveWorkers().size === 0,
      `${liveWorkers().size} worker(s) still running 1 s after \`parallelMap()\` rejected (one was busy with a 5 s task). ` +
        'On the first error, `terminate()` every worker of the pool.',
    );
  });

  // A pool that loses a worker, or a result, must still settle: rejecting is the only answer that
  // neither hangs nor hands back a hole. The index is required only for a task that throws. When
  // the call fails is free: checking every item before starting is as correct as failing late.
  const failures: {
    what: string;
    items: (buffer: SharedArrayBuffer) => unknown[];
    exportName: string;
    hint: string;
    /** Only running the task can find this failure: check that it ran (a stub rejects at once). */
    mustRun: boolean;
  }[] = [
    {
      what: 'a task that ends its worker thread (`process.exit(7)` on item 2)',
      items: (buffer) => [false, false, true, false].map((exit) => ({ buffer, exit })),
      exportName: 'exitOn',
      mustRun: true,
      hint: "Listen for each worker's `exit` event: a worker that exits while it holds an item fails the call.",
    },
    {
      what: 'a task that crashes its worker thread (an uncaught exception from a timer on item 1)',
      items: (buffer) => [false, true, false].map((crash) => ({ buffer, crash })),
      exportName: 'crashOn',
      mustRun: true,
      hint:
        "Listen for each worker's `error` event (without a listener it crashes the caller) and its `exit` event: " +
        'a worker that dies while it holds an item fails the call.',
    },
    {
      what: 'a task whose result cannot be sent back (it returns a function)',
      items: (buffer) => [{ buffer }, { buffer }],
      exportName: 'unsendable',
      mustRun: true,
      hint:
        'In the worker, `postMessage()` throws a DataCloneError for a function: catch it and post an error reply, ' +
        "or let the worker's `error` event fail the call.",
    },
    {
      what: 'an item that cannot be sent to a worker (a function, after one good item)',
      items: (buffer) => [{ buffer }, () => 2, { buffer }],
      exportName: 'countRun',
      mustRun: false,
      hint: '`worker.postMessage(item)` throws a DataCloneError for a function: catch it and reject the call.',
    },
  ];
  for (const { what, items, exportName, hint, mustRun } of failures) {
    it(`${mustRun ? '' : '§1 '}§8 §9 rejects, and terminates its workers, for ${what}`, async () => {
      const buffer = shared(1);
      if (!mustRun) {
        // Checking every item first is as correct as failing late, so the task need not run: show
        // instead that the same call without the bad item works.
        const good = await mapped(
          parallelMap(
            items(buffer).filter((item) => typeof item !== 'function'),
            task(exportName),
            {
              concurrency: 1,
            },
          ),
          'for the same items without the bad one',
        );
        check(
          good.ok && good.value.length === 2 && good.value.every((v) => v === 'ran'),
          () =>
            `Expected \`['ran', 'ran']\` for two good items, got ${show(good.ok ? good.value : good.error)}.`,
        );
      }
      const r = await within(
        settle(
          Promise.resolve().then(() => parallelMap(items(buffer), task(exportName), { concurrency: 1 })),
        ),
        CALL_MS,
        `\`parallelMap()\` to settle for ${what}`,
        hint,
      );
      const ran = Atomics.load(new Int32Array(buffer), 0);
      check(
        !mustRun || ran > 0,
        () =>
          `Expected the task to run before \`parallelMap()\` failed for ${what} (only running it shows the failure), ` +
          `it ran ${ran} times; the call ${r.ok ? `resolved with ${show(r.value)}` : `rejected with ${show(r.error)}`}.`,
      );
      check(
        !r.ok && isError(r.error) && r.error.message.length > 0,
        () =>
          `Expected \`parallelMap()\` to reject with an Error for ${what}, got ${show(r.ok ? r.value : r.error)}. ${hint}`,
      );
      // The check below names what is left; the wait only gives `terminate()` its 1 s.
      await waitUntil(() => liveWorkers().size === 0, 1000, 'the workers to exit').catch(() => undefined);
      check(
        liveWorkers().size === 0,
        `${liveWorkers().size} worker(s) still running 1 s after \`parallelMap()\` rejected for ${what}. ` +
          'On the first error, `terminate()` every worker of the pool.',
      );
    });
  }

  it('§5 rejects with a RangeError when `concurrency` is not a positive integer', async () => {
    for (const concurrency of [0, -1, 1.5, NaN]) {
      let promise: Promise<unknown[]> | undefined;
      try {
        promise = parallelMap([1, 2], task('whoRuns'), { concurrency });
      } catch (error) {
        check(
          false,
          `\`parallelMap()\` with \`concurrency: ${concurrency}\` threw ${show(error)}: a function that returns a ` +
            'promise must reject instead (return `Promise.reject(new RangeError(…))`).',
        );
      }
      const r = await mapped(promise!, `with \`concurrency: ${concurrency}\``);
      check(
        !r.ok && r.error.name === 'RangeError',
        `Expected \`concurrency: ${concurrency}\` to reject with a RangeError, got ${show(r.ok ? r.value : r.error)}. ` +
          '`Number.isInteger()` rejects NaN and 1.5.',
      );
      checkBadArgument(
        r.ok ? undefined : r.error,
        `\`parallelMap(items, fn, { concurrency: ${concurrency} })\``,
        'concurrency',
        'RangeError',
      );
    }
  });

  it('§6 resolves [] for no items without starting a worker', async () => {
    const before = workersStarted();
    const r = await mapped(parallelMap([], task('whoRuns'), { concurrency: 2 }), 'for no items');
    check(
      r.ok && Array.isArray(r.value) && r.value.length === 0,
      () => `Expected \`[]\`, got ${show(r.ok ? r.value : r.error)}.`,
    );
    check(
      workersStarted() === before,
      `Expected no worker for no items, ${workersStarted() - before} were started. Return early for \`[]\`.`,
    );
  });

  it('§4 defaults `concurrency` to os.availableParallelism()', async () => {
    // 2N items; each waits (up to 3 s) until N have arrived: N must run at once, on N threads.
    const n = os.availableParallelism();
    const buffer = shared(2);
    const items: RendezvousItem[] = Array.from({ length: 2 * n }, () => ({
      buffer,
      parties: n,
      timeoutMs: 3000,
    }));
    const r = await mapped(
      parallelMap<RendezvousItem, { saw: boolean; threadId: number }>(items, task('rendezvous')),
      `for ${2 * n} items with the default concurrency`,
    );
    check(
      r.ok,
      () => `Expected \`parallelMap()\` to resolve, it rejected: ${show(r.ok || r.error.message)}.`,
    );
    check(
      r.value.every((v) => v?.saw === true),
      `Expected ${n} items (os.availableParallelism()) to run at once by default, but some waited alone: ${show(r.value)}.`,
    );
    const threads = distinct(r.value.map((v) => v.threadId));
    check(
      threads.length <= n,
      `Expected at most ${n} workers by default (os.availableParallelism()), the tasks ran on ${threads.length}.`,
    );
  });
});
