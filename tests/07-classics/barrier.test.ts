// Barrier: a reusable barrier for worker threads. All student code runs in worker threads
// (tests/fixtures/barrier-tasks.ts), each writing its state to a shared board, so that a barrier
// that never opens fails with the picture of who waits where, not with "timed out". A worker's
// time limit (12 s) covers the start-up of the workers it waits for on a loaded machine.
import * as path from 'node:path';
import { check, raceWith, show, waitUntil } from '../helpers/assert';
import { runAllInWorkers, runInWorker } from '../helpers/workers';
import { onCleanup } from '../helpers/handles';
import { describeWaits, listOf, ThreadState } from '../helpers/wait-for';
import { BOARD_BYTES, PHASE, SLOT } from '../fixtures/barrier-tasks';
import { returned, type Outcome } from '../fixtures/observe';

const TASKS = path.join(__dirname, '..', 'fixtures', 'barrier-tasks.ts');
const OFFSET = 16; // the barrier lives at offset 16 of a 48-byte buffer: §4 says any offset works

function setup() {
  const buffer = new SharedArrayBuffer(48);
  const boardBuffer = new SharedArrayBuffer(BOARD_BYTES);
  const stop = new AbortController();
  onCleanup(() => stop.abort());
  return { buffer, boardBuffer, board: new Int32Array(boardBuffer), stop };
}

/** Who waits where, from the board the workers write (never from the student's barrier). */
function picture(board: Int32Array, workers: number): string {
  const threads: ThreadState[] = [];
  for (let id = 0; id < workers; id++) {
    const round = Atomics.load(board, SLOT.round + id);
    const phase = Atomics.load(board, SLOT.phase + id);
    const name = `worker ${id}`;
    if (phase === PHASE.waiting) threads.push({ name, waitsFor: `the barrier in round ${round}` });
    else if (phase === PHASE.passed) threads.push({ name, doing: `has passed round ${round}` });
    else if (phase === PHASE.finished) threads.push({ name, doing: `has finished all its rounds` });
    else if (phase === PHASE.timedOut) threads.push({ name, doing: `gave up waiting in round ${round}` });
    else threads.push({ name, doing: 'has not reached the barrier yet' });
  }
  return `${describeWaits(threads, 'pass')} Usual causes: the last arrival does not wake the sleepers (Atomics.notify on the Int32 they sleep on), or the count does not start again from 0 in the next round.`;
}

/**
 * How long a worker may still wait in a round that all n have reached: a woken thread only has to
 * be scheduled (the bound the Mutex tests give a waiter woken by release()).
 */
const STALL_MS = 2000;

/**
 * Resolves when `signal` aborts; fails once a worker has waited STALL_MS, the board unchanged, in
 * a round that every one of the `n` workers has reached (SLOT.step): that round is complete, so
 * the barrier should have let it go. Only for waits without a timeout (rounds(), once()).
 */
async function watchStall(board: Int32Array, n: number, signal: AbortSignal): Promise<void> {
  let seen = '';
  let since = Date.now();
  while (!signal.aborted) {
    const steps = Array.from({ length: n }, (_, id) => Atomics.load(board, SLOT.step + id));
    // An odd step 2r - 1 waits in round r; every step >= it has arrived in round r too.
    const stuck = steps.findIndex((st) => st % 2 === 1 && steps.every((other) => other >= st));
    const now = steps.join();
    if (stuck < 0 || now !== seen) {
      seen = now;
      since = Date.now();
    } else if (Date.now() - since >= STALL_MS) {
      const round = (steps[stuck] + 1) / 2;
      const passed = steps.flatMap((st, id) => (st > steps[stuck] ? [`worker ${id}`] : []));
      throw new Error(
        `Expected worker ${stuck} to leave round ${round} of a barrier of ${n}: all ${n} workers arrived in it` +
          `${passed.length > 0 ? ` and ${listOf(passed)} already passed it` : ''}, yet it still waited ${STALL_MS} ms later. ${picture(board, n)}`,
      );
    }
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

/** `work`, failed early by watchStall(); the watch stops when `work` settles. */
async function unlessStalled<T>(board: Int32Array, n: number, work: Promise<T>): Promise<T> {
  const stop = new AbortController();
  const watching = watchStall(board, n, stop.signal);
  try {
    return await Promise.race([work, watching.then(() => new Promise<never>(() => undefined))]);
  } finally {
    stop.abort();
    await watching.catch(() => undefined);
  }
}

describe('Barrier', () => {
  describe('on one thread', () => {
    let obs: Record<string, Outcome>;
    beforeAll(async () => {
      obs = await runInWorker(TASKS, 'basics', [], {
        what: 'The single-thread Barrier checks',
        timeoutMs: 12_000,
      });
    }, 20_000);
    const value = (name: string, call: string) => returned(obs, name, call);

    it('§1 refuses a bad n with a RangeError stating 65535, a buffer that is not shared with a TypeError naming `buffer`, a bad byteOffset with RangeError', () => {
      const n = value('badN', '`new Barrier(n)` with a bad n');
      check(
        JSON.stringify(n) === JSON.stringify(Array(6).fill(['RangeError', true])),
        `Expected \`new Barrier(n)\` for n = 0, -1, 1.5, NaN, 65536, Infinity to throw a RangeError each whose message states the limit "65535", got [name, states 65535] for each: ${show(n)}. n must be an integer from 1 to 65535.`,
      );
      const good = value('goodN', '`new Barrier(n)` for n = 1, 2, 65535');
      check(
        JSON.stringify(good) === '[1,2,65535]',
        `Expected \`new Barrier(n).n\` to be n for n = 1, 2, 65535, got ${show(good)}.`,
      );
      const buf = value('badBuffer', '`new Barrier(2, new ArrayBuffer(16))`');
      check(
        JSON.stringify(buf) === '["TypeError",true]',
        `Expected \`new Barrier(2, new ArrayBuffer(16))\` to throw a TypeError whose message contains "buffer" (only a SharedArrayBuffer is shared by workers), got [name, names buffer] = ${show(buf)}.`,
      );
      const off = value('badOffset', '`new Barrier(2, buffer, byteOffset)` with a bad byteOffset');
      check(
        JSON.stringify(off) === JSON.stringify(Array(4).fill('RangeError')),
        `Expected RangeError for byteOffset 2 and -4 of a 32-byte buffer, 20 of a 32-byte buffer (fewer than 16 bytes after it), and 0 of a 12-byte buffer; got ${show(off)}.`,
      );
    });

    it('§1 defaults to a new 16-byte SharedArrayBuffer at offset 0, and keeps n, buffer and byteOffset', () => {
      const d = value('defaults', '`new Barrier(3)`');
      check(
        JSON.stringify(d) === '[3,true,16,0]',
        `Expected \`new Barrier(3)\` to have n 3, a SharedArrayBuffer of Barrier.BYTES (16) bytes and byteOffset 0, got [n, is shared, byteLength, byteOffset] = ${show(d)}.`,
      );
      const k = value('kept', '`new Barrier(2, buf, 16)`');
      check(
        JSON.stringify(k) === '[true,16,2]',
        `Expected \`new Barrier(2, buf, 16)\` to keep buffer (the same object), byteOffset 16 and n 2, got ${show(k)}.`,
      );
    });

    it('§2 §5 with n = 1, every wait() returns true at once, round after round', () => {
      const [got, ms] = value('one', 'five `wait(ms)` calls on `new Barrier(1)`') as [unknown, number];
      check(
        JSON.stringify(got) === '[true,true,true,true,true]',
        `Expected \`wait(1000)\`, \`wait(1000)\`, \`wait(0)\`, \`wait(50)\`, \`wait(1000)\` on a barrier of 1 to return true each (a round of one is complete on arrival), got ${show(got)}. ` +
          'A false after the first means the next round did not start from a count of 0.',
      );
      check(
        ms < 500,
        `Expected five \`wait()\` calls on a barrier of 1 to return at once, but they took ${ms.toFixed(0)} ms.`,
      );
    });

    it('§5 wait(0) and wait(-1) return false at once and withdraw the arrival', () => {
      const got = value('timeoutZero', '`wait(0)`, `wait(-1)`, `wait(0)` on `new Barrier(2)`');
      check(
        JSON.stringify(got) === '[false,false,false]',
        `Expected \`wait(0)\`, \`wait(-1)\`, \`wait(0)\` on a barrier of 2 (nobody else arriving) to return false each, got ${show(got)}. ` +
          'A true from the second call means the first arrival was not withdrawn, so it was counted for a round it left.',
      );
    });

    it('§5 wait(timeoutMs) gives up with false after about timeoutMs, and the arrival is withdrawn', () => {
      const [first, ms, second] = value('timeoutMs', '`wait(60)`, then `wait(20)` on `new Barrier(2)`') as [
        unknown,
        number,
        unknown,
      ];
      check(
        first === false,
        `Expected \`wait(60)\` alone on a barrier of 2 to return false, got ${show(first)}.`,
      );
      check(
        ms >= 50,
        `Expected \`wait(60)\` to wait about 60 ms before giving up, but it returned after ${ms.toFixed(1)} ms.`,
      );
      check(
        second === false,
        `Expected the next \`wait(20)\` to return false too (the first arrival was withdrawn), got ${show(second)}.`,
      );
    });

    it('§4 a zeroed region is a fresh barrier, and only the 16 bytes at byteOffset are used', () => {
      const [late, untouched] = value('onlyItsBytes', 'barriers at offset 16 of a 48-byte buffer') as [
        unknown,
        unknown,
      ];
      check(
        late === false,
        `Expected \`new Barrier(2, buf, 16).wait(0)\` to return false after two rounds of a barrier of 1 over the same bytes, got ${show(late)}.`,
      );
      check(
        untouched === true,
        'Expected the bytes before offset 16 and from offset 32 on to stay unchanged, but the barrier wrote to them. Use only `Barrier.BYTES` bytes from `byteOffset`.',
      );
    });
  });

  describe('across workers', () => {
    it('§2 §4 §5 nobody leaves until the last of n arrives; no timeout or Infinity waits as long as it takes', async () => {
      const s = setup();
      const run = (id: number, timeoutMs: number | undefined, gated: boolean) =>
        runInWorker<{ result: unknown; ms: number }>(
          TASKS,
          'once',
          [s.buffer, OFFSET, 3, id, timeoutMs, s.boardBuffer, gated],
          {
            what: `Worker ${id} in \`wait(${timeoutMs ?? ''})\``,
            timeoutMs: 12_000,
            signal: s.stop.signal,
            state: () => picture(s.board, 3),
          },
        );
      const early = [run(0, undefined, false), run(1, Infinity, false)];
      early.forEach((p) => p.catch(() => undefined));
      const late = run(2, undefined, true);
      late.catch(() => undefined);
      await raceWith(
        (signal) =>
          waitUntil(
            () => [0, 1].every((id) => Atomics.load(s.board, SLOT.phase + id) !== PHASE.notStarted),
            10_000,
            'workers 0 and 1 to call `wait()` on a barrier of 3',
            '',
            signal,
          ),
        early.map((p) =>
          p.then((r) => {
            throw new Error(
              `Expected \`wait()\` with 2 of 3 arrived to wait, but it returned ${show(r.result)}.`,
            );
          }),
        ),
      );
      // The third has not arrived: the two must still be waiting a while later.
      const until = Date.now() + 150;
      await waitUntil(
        () =>
          Date.now() >= until ||
          [0, 1].some((id) => Atomics.load(s.board, SLOT.phase + id) !== PHASE.waiting),
        1000,
        '150 ms to pass',
      );
      for (const id of [0, 1]) {
        const phase = Atomics.load(s.board, SLOT.phase + id);
        check(
          phase === PHASE.waiting,
          `Expected worker ${id} to be still in \`wait(${id === 0 ? '' : 'Infinity'})\` with 2 of 3 arrived, but it ${
            phase === PHASE.passed ? 'passed' : 'gave up'
          }. A barrier opens only when the n-th arrival comes${id === 1 ? '; Infinity means no timeout' : ''}.`,
        );
      }
      Atomics.store(s.board, SLOT.gate, 1);
      Atomics.notify(s.board, SLOT.gate);
      const results = await unlessStalled(s.board, 3, Promise.all([...early, late]));
      check(
        results.every((r) => r.result === true),
        `Expected all three \`wait()\` calls to return true once the third arrived, got ${show(results.map((r) => r.result))}.`,
      );
    }, 30_000);

    it('§3 §4 round after round, a fast worker never laps the others (3 workers, 300 rounds)', async () => {
      const s = setup();
      const n = 3;
      const done = await unlessStalled(
        s.board,
        n,
        runAllInWorkers<number>(
          Array.from({ length: n }, (_, id) => ({
            file: TASKS,
            exportName: 'rounds',
            args: [s.buffer, OFFSET, n, id, 300, s.boardBuffer],
            options: {
              what: `Worker ${id} (300 rounds of \`wait()\`)`,
              timeoutMs: 12_000,
              signal: s.stop.signal,
              state: () => picture(s.board, n),
            },
          })),
        ),
      );
      check(
        done.every((r) => r === 300),
        `Expected each worker to finish 300 rounds, got ${show(done)}.`,
      );
    }, 30_000);

    it('§5 a worker that timed out is not counted: the next round still needs n arrivals', async () => {
      const s = setup();
      const opts = (id: number, timeoutMs?: number) => ({
        what: `Worker ${id} in \`wait(${timeoutMs ?? ''})\``,
        timeoutMs: 12_000,
        signal: s.stop.signal,
        state: () => picture(s.board, 3),
      });
      const quitter = await runInWorker<{ result: unknown; ms: number }>(
        TASKS,
        'once',
        [s.buffer, OFFSET, 2, 0, 40, s.boardBuffer, false],
        opts(0, 40),
      );
      check(
        quitter.result === false,
        `Expected \`wait(40)\` alone on a barrier of 2 to return false, got ${show(quitter.result)}.`,
      );
      const first = runInWorker<{ result: unknown; ms: number }>(
        TASKS,
        'once',
        [s.buffer, OFFSET, 2, 1, undefined, s.boardBuffer, false],
        opts(1),
      );
      first.catch(() => undefined);
      await raceWith(
        (signal) =>
          waitUntil(
            () => Atomics.load(s.board, SLOT.phase + 1) !== PHASE.notStarted,
            10_000,
            'worker 1 to call `wait()`',
            '',
            signal,
          ),
        [first],
      );
      const second = runInWorker<{ result: unknown; ms: number }>(
        TASKS,
        'once',
        [s.buffer, OFFSET, 2, 2, 3000, s.boardBuffer, false],
        opts(2, 3000),
      );
      // Worker 1 must wait for worker 2: returning before worker 2 even called `wait()` already
      // shows that the timed-out arrival was counted (no need to wait out worker 2's 3 s).
      const notAlone = first.then((r) => {
        check(
          Atomics.load(s.board, SLOT.phase + 2) !== PHASE.notStarted,
          `Expected worker 1's \`wait()\` on a barrier of 2 to wait for a second arrival (the only other one, \`wait(40)\`, timed out), but it returned ${show(r.result)} before worker 2 called \`wait()\`. ` +
            'The timed-out arrival was still counted: withdraw it when giving up.',
        );
        return r;
      });
      const [a, b] = await Promise.all([notAlone, second]);
      check(
        a.result === true && b.result === true,
        `Expected both \`wait()\` calls after the timed-out one to return true together, got ${show([a.result, b.result])}. ` +
          'If worker 1 passed alone, the timed-out arrival was still counted: withdraw it when giving up.',
      );
    }, 30_000);

    it('§2 §5 timeouts racing the last arrival: 2 workers × 600 wait(0–3 ms) with every race window widened; both pass every completed round, and no withdrawn arrival stays counted', async () => {
      const s = setup();
      const calls = 600;
      const passed = await runAllInWorkers<number>(
        [0, 1].map((id) => ({
          file: TASKS,
          exportName: 'raceTimeouts',
          args: [s.buffer, OFFSET, 2, id, calls, s.boardBuffer],
          options: {
            what: `Worker ${id} (${calls} \`wait(0…3 ms)\` calls)`,
            timeoutMs: 20_000,
            signal: s.stop.signal,
            state: () => picture(s.board, 2),
          },
        })),
      );
      check(
        passed[0] === passed[1],
        `Expected both workers to pass the same rounds (a round of 2 completes for both of its arrivals), but their \`wait()\` calls returned true ${passed[0]} and ${passed[1]} times. ` +
          'Usual cause: a timeout that fires as the last arrival completes the round: the waiter must then return true (the round completed), and withdraw its arrival only with a compare-and-swap that checks the round is still the same.',
      );
      const last = await runInWorker<{ result: unknown; ms: number }>(
        TASKS,
        'once',
        [s.buffer, OFFSET, 2, 2, 0, s.boardBuffer, false],
        {
          what: 'Worker 2 in `wait(0)`',
          timeoutMs: 12_000,
          signal: s.stop.signal,
          state: () => picture(s.board, 3),
        },
      );
      check(
        last.result === false,
        `Expected \`wait(0)\` alone after the race (${show(passed)} rounds passed) to return false, got ${show(last.result)}: an arrival that returned false is still counted. ` +
          'Withdraw it with a compare-and-swap and check that it succeeded (retry when the word changed).',
      );
    }, 40_000);
  });
});
