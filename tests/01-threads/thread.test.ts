// Tests for exercises/01-threads/thread.ts: Python's `threading.Thread` on worker threads.
// The student's `Thread` starts its own workers; they load tests/fixtures/thread-targets.ts.
import * as path from 'node:path';
import { threadId as testThreadId } from 'node:worker_threads';
import { Thread } from '@kata/01-threads/thread';
import {
  check,
  checkBadArgument,
  isErrorLike,
  refusal,
  settle,
  show,
  waitUntil,
  within,
} from '../helpers/assert';
import { liveWorkers, onCleanup, workersStarted } from '../helpers/handles';
import { CRASH_MESSAGE } from '../fixtures/crash-message';

const TARGETS = path.join(__dirname, '..', 'fixtures', 'thread-targets.ts');
/** An Error from any realm: one cloned from a worker is not `instanceof` jest's `Error`. */
const isError = isErrorLike;
type Targets = typeof import('../fixtures/thread-targets');
/** A generous bound: a worker started with tsx takes ~0.2 s alone, and many times that on a loaded machine. */
const JOIN_MS = 7000;
/** Once the thread's worker has exited, `join()` has this long to settle. */
const AFTER_EXIT_MS = 1000;

let startedBefore = 0;
beforeEach(() => {
  startedBefore = workersStarted();
});
/** Every worker started in this test has exited. */
const allExited = () => workersStarted() > startedBefore && liveWorkers().size === 0;

/**
 * A Thread running `exportName` from the fixture targets. After the test, a started thread gets
 * a bounded chance to finish (so a failed check does not leave a worker booting).
 */
function thread<K extends keyof Targets>(exportName: K, ...args: Parameters<Targets[K]>): Thread {
  const t = new Thread({ module: TARGETS, exportName, args });
  onCleanup(async () => {
    // Wait for the workers, not for `join()`: a `join()` that never settles must not cost more.
    try {
      await waitUntil(() => liveWorkers().size === 0, JOIN_MS, 'the thread’s worker to exit after the test');
    } catch {
      /* the leak check that follows names the worker and terminates it */
    }
  });
  return t;
}

const HANG_HINT =
  'Listen for the worker’s `exit` event: a worker can end without ever posting a result, and `join()` must reject then.';

/**
 * `join()` settled, or a failure naming the wait that never ended: after JOIN_MS, or sooner when
 * the thread's worker has already exited and `join()` still had not settled AFTER_EXIT_MS later.
 */
async function joined<R>(t: Thread<R>, what: string, hint = HANG_HINT) {
  const result = settle(t.join());
  let exitedAt = 0;
  let timer: NodeJS.Timeout | undefined;
  const exitWatch = new Promise<never>((_, reject) => {
    const poll = () => {
      if (!allExited()) exitedAt = 0;
      else if (exitedAt === 0) exitedAt = Date.now();
      else if (Date.now() - exitedAt >= AFTER_EXIT_MS) {
        return reject(
          new Error(
            `\`join()\` (${what}) had not settled ${AFTER_EXIT_MS} ms after the thread's worker exited. ${hint}`,
          ),
        );
      }
      timer = setTimeout(poll, 10);
    };
    poll();
  });
  try {
    return await within(Promise.race([result, exitWatch]), JOIN_MS, `\`join()\` to settle ${what}`, hint);
  } finally {
    clearTimeout(timer);
  }
}

/** Resolves once `Int32Array[index]` is no longer `value`, or fails after `ms`. */
async function changed(
  cells: Int32Array,
  index: number,
  value: number,
  ms: number,
  what: string,
): Promise<void> {
  const result = Atomics.waitAsync(cells, index, value, ms);
  const outcome = result.async ? await result.value : result.value;
  check(outcome !== 'timed-out', `Timed out after ${ms} ms waiting for ${what}.`);
}

/** §6: a rejection for a worker that ended without a result is an Error with a message. */
function checkSaysWhy(error: unknown): void {
  check(
    isError(error) && error.message.length > 0,
    `Expected \`join()\` to reject with an Error whose message is not empty, got ${show(error)}. ` +
      'Reject with `new Error(…)` saying what happened, e.g. the exit code.',
  );
}

describe('Thread', () => {
  it('§3 §4 start() runs the target and join() resolves with its return value', async () => {
    const t = thread('add', 40, 2);
    t.start();
    const r = await joined(t, 'after `add(40, 2)` returned');
    check(
      r.ok,
      () => `Expected \`join()\` to resolve with 42, it rejected: ${show(r.ok || r.error.message)}.`,
    );
    check(
      r.value === 42,
      `Expected \`join()\` to resolve with 42 (\`add(40, 2)\`), got ${show(r.value)}. ` +
        'Did the worker post its result before exiting, and does `join()` wait for that message?',
    );
  });

  it('§2 calls the target with no arguments when `args` is left out', async () => {
    const t = new Thread({ module: TARGETS, exportName: 'countArgs' });
    onCleanup(() =>
      waitUntil(() => liveWorkers().size === 0, JOIN_MS, 'the thread’s worker to exit').catch(() => {}),
    );
    t.start();
    const r = await joined(t, 'after `countArgs()` returned');
    check(
      r.ok && r.value === 0,
      () =>
        `Expected \`join()\` to resolve with 0 (the target got no arguments), got ${show(r.ok ? r.value : r.error)}. ` +
        '`args` is optional: leave it out and the target is called as `fn()`, i.e. `args = []`.',
    );
  });

  it('§3 §4 join() resolves with the awaited value of an async target, run in another thread', async () => {
    const t = thread('describeLater', 5);
    t.start();
    const r = await joined(t, 'after the async target resolved');
    check(r.ok, () => `Expected \`join()\` to resolve, it rejected: ${show(r.ok || r.error.message)}.`);
    const value = r.value as { doubled?: number; list?: number[]; threadId?: number } | undefined;
    check(
      value?.doubled === 10 && JSON.stringify(value.list) === '[5,6]',
      `Expected \`join()\` to resolve with the awaited object \`{ doubled: 10, list: [5, 6], … }\`, got ${show(value)}. ` +
        'Await the target’s return value in the worker before posting it (a promise cannot be posted).',
    );
    check(
      value.threadId !== testThreadId,
      `The target ran on the calling thread (threadId ${value.threadId}): \`start()\` must run it in a new \`Worker\`.`,
    );
  });

  it('§3 two started threads run at the same time', async () => {
    // Each target counts itself in and waits (up to 3 s) to see the other: only two threads
    // running at once can both see each other.
    const cells = new Int32Array(new SharedArrayBuffer(4));
    const a = thread('rendezvous', cells.buffer as SharedArrayBuffer, 2, 3000);
    const b = thread('rendezvous', cells.buffer as SharedArrayBuffer, 2, 3000);
    a.start();
    b.start();
    const ra = await joined(a, 'of the first thread');
    const rb = await joined(b, 'of the second thread');
    check(
      ra.ok && rb.ok,
      () => `A rendezvous target failed: ${show(!ra.ok ? ra.error.message : !rb.ok && rb.error.message)}.`,
    );
    check(
      ra.value === true && rb.value === true,
      `Expected both threads to see each other inside their targets, got ${show([ra.value, rb.value])} ` +
        `(${Atomics.load(cells, 0)} of 2 arrived). \`start()\` must start the worker at once (not in \`join()\`), ` +
        'and each Thread needs its own worker; the SharedArrayBuffer in `args` must be shared, not copied.',
    );
  });

  it('§5 join() rejects with the original message when the target throws or rejects', async () => {
    const sync = thread('fail', 'boom: the sync target threw');
    const async = thread('failLater', 'boom: the async target rejected');
    sync.start();
    async.start();
    for (const [t, message] of [
      [sync, 'boom: the sync target threw'],
      [async, 'boom: the async target rejected'],
    ] as const) {
      const r = await joined(t, `after the target failed with '${message}'`);
      check(
        !r.ok,
        `Expected \`join()\` to reject with '${message}', it resolved with ${show(r.ok && r.value)}.`,
      );
      check(
        isError(r.error) && r.error.message.includes(message),
        `Expected \`join()\` to reject with an Error whose message contains '${message}', got ${show(r.error)}. ` +
          'Catch the error in the worker, post it (or its message) back, and reject `join()` with an Error.',
      );
    }
  });

  it('§6 join() rejects, never hangs, when the target calls process.exit()', async () => {
    const t = thread('exitEarly', 3);
    t.start();
    const r = await joined(t, 'after the worker called `process.exit(3)`');
    check(
      !r.ok,
      `Expected \`join()\` to reject when the worker exits early, it resolved with ${show(r.ok && r.value)}.`,
    );
    checkSaysWhy(r.error);
  });

  it('§6 join() rejects, never hangs, when the worker exits without a result', async () => {
    // The target's promise never settles and nothing keeps the worker's event loop alive.
    const t = thread('neverSettles');
    t.start();
    const r = await joined(
      t,
      'after the worker exited with code 0 and no result',
      'An exit code of 0 does not mean a result arrived: reject on `exit` when no result came first.',
    );
    check(
      !r.ok,
      `Expected \`join()\` to reject when no result came, it resolved with ${show(r.ok && r.value)}.`,
    );
    checkSaysWhy(r.error);
  });

  it('§6 join() rejects, never hangs, when the worker crashes', async () => {
    const t = thread('crashLater', CRASH_MESSAGE);
    t.start();
    const r = await joined(t, 'after an uncaught exception ended the worker');
    check(
      !r.ok,
      `Expected \`join()\` to reject when the worker crashed, it resolved with ${show(r.ok && r.value)}.`,
    );
    checkSaysWhy(r.error);
  });

  it('§6 join() rejects, never hangs, when the return value cannot be cloned', async () => {
    const t = thread('returnsFunction');
    t.start();
    const r = await joined(
      t,
      'after the target returned a function',
      '`postMessage()` throws a DataCloneError for a function: catch it and report it as the error.',
    );
    check(
      !r.ok,
      `Expected \`join()\` to reject for an uncloneable value, it resolved with ${show(r.ok && r.value)}.`,
    );
    checkSaysWhy(r.error);
  });

  it('§4 join() may be called many times and resolves with the same value', async () => {
    const t = thread('describeLater', 7);
    t.start();
    const first = t.join();
    const second = t.join();
    const r1 = await joined(t, 'the third time, while two other calls wait');
    const [r2, r3] = await within(
      Promise.all([settle(first), settle(second)]),
      AFTER_EXIT_MS,
      'the first two `join()` calls to settle (the third one already had)',
    );
    const again = await joined(t, 'when called again after the thread finished');
    const values = [r1, r2, r3, again].map((r) => (r.ok ? r.value : `rejected: ${r.error.message}`));
    check(
      values.every((v) => JSON.stringify(v) === JSON.stringify(values[0])) &&
        (values[0] as { doubled?: number }).doubled === 14,
      `Expected every \`join()\` to resolve with the same value, got ${show(values)}. ` +
        'Keep one promise (or the result) per thread and return it from every call.',
    );
  });

  it('§8 start() a second time throws an Error mentioning "already started"', async () => {
    const t = thread('add', 1, 2);
    t.start();
    let error: unknown;
    try {
      t.start();
    } catch (e) {
      error = e;
    }
    check(
      error !== undefined,
      'Expected the second `start()` to throw, it returned: a thread can be started only once.',
    );
    check(
      isError(error) && /already started/i.test(error.message),
      `Expected the second \`start()\` to throw an Error mentioning "already started", got ${show(error)}.`,
    );
  });

  it('§9 join() before start() rejects mentioning "not started"', async () => {
    const t = thread('add', 1, 2);
    let promise: Promise<unknown> | undefined;
    try {
      promise = t.join();
    } catch (e) {
      check(
        false,
        `\`join()\` before \`start()\` threw ${show(e)}: it must return a rejected promise instead.`,
      );
    }
    const r = await within(settle(promise!), 1000, '`join()` before `start()` to reject');
    check(
      !r.ok && /not started/i.test(r.error.message),
      `Expected \`join()\` before \`start()\` to reject mentioning "not started", got ${show(r.ok ? r.value : r.error)}.`,
    );
  });

  it('§10 isAlive is false before start(), true while the target runs, false once join() settles', async () => {
    // [0]: the test stores 1 to release the target; [1]: the target stores 1 once it runs.
    const cells = new Int32Array(new SharedArrayBuffer(8));
    const release = () => {
      Atomics.store(cells, 0, 1);
      Atomics.notify(cells, 0);
    };
    const t = thread('holdUntilReleased', cells.buffer as SharedArrayBuffer, 5000);
    // Registered after thread()'s own cleanup, so it runs first (cleanups run last first): a test
    // that failed early lets the target return at once instead of waiting out its 5 s.
    onCleanup(release);
    const alive = (): boolean => t.isAlive; // read afresh each time (no type narrowing)
    check(alive() === false, `Expected \`isAlive\` to be false before \`start()\`, got ${show(alive())}.`);
    t.start();
    check(alive() === true, `Expected \`isAlive\` to be true right after \`start()\`, got ${show(alive())}.`);
    await changed(cells, 1, 0, JOIN_MS, 'the target to start running');
    check(alive() === true, `Expected \`isAlive\` to be true while the target runs, got ${show(alive())}.`);
    release();
    const r = await joined(t, 'after the target was released');
    check(
      r.ok && r.value === true,
      () => `Expected \`join()\` to resolve with true, got ${show(r.ok ? r.value : r.error)}.`,
    );
    check(
      alive() === false,
      `Expected \`isAlive\` to be false once \`join()\` has settled, got ${show(alive())}. ` +
        'Set it false when the worker exits.',
    );
  });

  it('§10 isAlive is false once join() has rejected', async () => {
    const t = thread('fail', 'boom');
    t.start();
    const r = await joined(t, 'after the target threw');
    check(!r.ok, `Expected \`join()\` to reject, it resolved with ${show(r.ok && r.value)}.`);
    check(
      t.isAlive === false,
      `Expected \`isAlive\` to be false once \`join()\` rejected, got ${show(t.isAlive)}.`,
    );
  });

  it('§7 the worker is gone when join() settles', async () => {
    // The target ticks cells[0] every millisecond from an unref'd interval and leaves a 300 ms
    // timer behind. Once join() has settled no tick may arrive: the thread must have exited.
    const cells = new Int32Array(new SharedArrayBuffer(4));
    const t = thread('tickAndLinger', cells.buffer as SharedArrayBuffer);
    t.start();
    const r = await joined(t, 'after the ticking target returned');
    check(
      r.ok && r.value === 'ticked',
      () => `Expected \`join()\` to resolve with 'ticked', got ${show(r.ok ? r.value : r.error)}.`,
    );
    const ticks = Atomics.load(cells, 0);
    const result = Atomics.waitAsync(cells, 0, ticks, 150);
    const outcome = result.async ? await result.value : result.value;
    check(
      outcome === 'timed-out',
      `The target's interval was still ticking after \`join()\` settled (${ticks} ticks, then more): the worker was ` +
        'still running. Settle `join()` on the worker’s `exit` event (`terminate()` it once the result has arrived).',
    );
  });

  it('§1 the constructor refuses bad options with a TypeError', async () => {
    const bad: [string, object][] = [
      ['module', { module: '', exportName: 'add', args: [] }],
      ['module', { module: 42, exportName: 'add', args: [] }],
      ['exportName', { module: TARGETS, exportName: '', args: [] }],
      ['exportName', { module: TARGETS, args: [] }],
      ['args', { module: TARGETS, exportName: 'add', args: 'not an array' }],
    ];
    for (const [name, options] of bad) {
      checkBadArgument(
        await refusal(() => new Thread(options as ConstructorParameters<typeof Thread>[0])),
        `\`new Thread(${show(options)})\``,
        name,
        'TypeError',
      );
    }
  });
});
