// RWLock: a readers–writer lock for worker threads that never starves a writer. All student code
// runs in worker threads (tests/fixtures/rw-lock-tasks.ts), each writing its state to a shared
// board, so that a lock that never opens fails with who holds what and who waits for what.
import * as path from 'node:path';
import { check, raceWith, show, waitUntil } from '../helpers/assert';
import { runAllInWorkers, runInWorker } from '../helpers/workers';
import { onCleanup } from '../helpers/handles';
import { describeWaits, ThreadState } from '../helpers/wait-for';
import { BOARD_BYTES, SLOT, STATE } from '../fixtures/rw-lock-tasks';
import { returned, type Outcome } from '../fixtures/observe';

const TASKS = path.join(__dirname, '..', 'fixtures', 'rw-lock-tasks.ts');
const OFFSET = 16;

function setup() {
  const buffer = new SharedArrayBuffer(48);
  const boardBuffer = new SharedArrayBuffer(BOARD_BYTES);
  const stop = new AbortController();
  onCleanup(() => stop.abort());
  return { buffer, boardBuffer, board: new Int32Array(boardBuffer), stop };
}
type Setup = ReturnType<typeof setup>;

/** Who holds and who waits, from the board the workers write (never from the student's lock). */
function picture(board: Int32Array, names: string[]): string {
  const threads: ThreadState[] = names.map((name, id) => {
    const st = Atomics.load(board, SLOT.state + id);
    if (st === STATE.waitsRead) return { name, waitsFor: 'a read share' };
    if (st === STATE.reads) return { name, holds: ['a read share'] };
    if (st === STATE.waitsWrite) return { name, waitsFor: 'the write lock' };
    if (st === STATE.writes) return { name, holds: ['the write lock'] };
    return { name, doing: st === STATE.done ? 'is done' : 'has not started' };
  });
  return `${describeWaits(threads)} Usual causes: the last reader out or the writer does not wake the sleepers (Atomics.notify on the Int32 they sleep on), or a writer that gave up still holds readers back.`;
}

function start<T>(
  s: Setup,
  names: string[],
  exportName: string,
  args: unknown[],
  id: number,
  timeoutMs = 12_000,
) {
  const p = runInWorker<T>(TASKS, exportName, args, {
    what: `${names[id]} (\`${exportName}\`)`,
    timeoutMs,
    signal: s.stop.signal,
    state: () => picture(s.board, names),
  });
  p.catch(() => undefined);
  return p;
}

/** Waits until worker `id` has reached `state`, failing early if its run ends first. */
async function reach(s: Setup, id: number, state: number, what: string, run: Promise<unknown>) {
  await raceWith(
    (signal) => waitUntil(() => Atomics.load(s.board, SLOT.state + id) === state, 10_000, what, '', signal),
    [
      run.then((v) => {
        throw new Error(`Expected ${what}, but its worker finished first with ${show(v)}.`);
      }),
    ],
  );
}

function open(s: Setup, slot: number) {
  Atomics.store(s.board, slot, 1);
  Atomics.notify(s.board, slot);
}

describe('RWLock', () => {
  describe('on one thread', () => {
    let obs: Record<string, Outcome>;
    beforeAll(async () => {
      obs = await runInWorker(TASKS, 'basics', [], {
        what: 'The single-thread RWLock checks',
        timeoutMs: 12_000,
      });
    }, 20_000);
    const value = (name: string, call: string) => returned(obs, name, call);
    const same = (a: unknown, b: unknown) => JSON.stringify(a) === JSON.stringify(b);

    it('§1 refuses a buffer that is not shared with a TypeError naming `buffer` and a bad byteOffset with RangeError', () => {
      const b = value('badBuffer', '`new RWLock(new ArrayBuffer(16))`');
      check(
        same(b, ['TypeError', true]),
        `Expected \`new RWLock(new ArrayBuffer(16))\` to throw a TypeError whose message contains "buffer", got [name, names buffer] = ${show(b)}.`,
      );
      const o = value('badOffset', '`new RWLock(buffer, byteOffset)` with a bad byteOffset');
      check(
        same(o, Array(4).fill('RangeError')),
        `Expected RangeError for byteOffset 2 and -4 of a 32-byte buffer, 20 of a 32-byte buffer (fewer than 16 bytes after it), and 0 of a 12-byte buffer; got ${show(o)}.`,
      );
    });

    it('§1 defaults to a new 16-byte SharedArrayBuffer at offset 0, and keeps buffer and byteOffset', () => {
      const d = value('defaults', '`new RWLock()`');
      check(
        same(d, [true, 16, 0]),
        `Expected [is shared, byteLength, byteOffset] = [true, 16, 0], got ${show(d)}.`,
      );
      const k = value('kept', '`new RWLock(buf, 16)`');
      check(
        same(k, [true, 16]),
        `Expected \`new RWLock(buf, 16)\` to keep buf (same object) and 16, got ${show(k)}.`,
      );
    });

    it('§3 §6 readers share the lock: acquireRead(0), acquireRead(0), acquireRead(), acquireRead(100) all return true', () => {
      const got = value('readers', 'four `acquireRead` calls');
      check(
        same(got, [true, true, true, true]),
        `Expected four read shares at once, got ${show(got)}. A reader waits only for a writer, never for other readers.`,
      );
    });

    it('§4 §6 §7 a writer is alone: no write while reading, no read or write while writing', () => {
      const got = value(
        'writerAlone',
        'read, write(0), releaseRead, write(0), read(0), write(0), releaseWrite, read(0), releaseRead, write()',
      );
      const want = [true, false, true, false, false, true, true];
      check(
        same(got, want),
        `Expected [acquireRead(0), acquireWrite(0) while reading, acquireWrite(0) once free, acquireRead(0) and acquireWrite(0) while writing, acquireRead(0) after releaseWrite(), acquireWrite() after releaseRead()] = ${show(want)}, got ${show(got)}.`,
      );
    });

    it('§6 acquireWrite(timeoutMs) gives up with false after about timeoutMs, and then no longer holds readers back', () => {
      const [w, ms, r, w2, r2] = value(
        'timeouts',
        'acquireRead(), acquireWrite(60), acquireRead(0), acquireWrite(-1), acquireRead(0)',
      ) as [unknown, number, unknown, unknown, unknown];
      check(
        w === false,
        `Expected \`acquireWrite(60)\` while a reader holds the lock to return false, got ${show(w)}.`,
      );
      check(
        ms >= 50,
        `Expected \`acquireWrite(60)\` to wait about 60 ms, it returned after ${ms.toFixed(1)} ms.`,
      );
      check(
        r === true && r2 === true,
        `Expected \`acquireRead(0)\` after a writer gave up to return true, got ${show([r, r2])}. A writer that gave up must stop counting as waiting.`,
      );
      check(
        w2 === false,
        `Expected \`acquireWrite(-1)\` while a reader holds the lock to return false at once, got ${show(w2)}.`,
      );
    });

    it('§6 acquireRead(timeoutMs) gives up with false after about timeoutMs while a writer holds the lock', () => {
      const [r, ms] = value('readTimeout', 'acquireWrite(), acquireRead(40)') as [unknown, number];
      check(
        r === false,
        `Expected \`acquireRead(40)\` while a writer holds the lock to return false, got ${show(r)}.`,
      );
      check(
        ms >= 30,
        `Expected \`acquireRead(40)\` to wait about 40 ms, it returned after ${ms.toFixed(1)} ms.`,
      );
    });

    it('§7 releaseRead() with no reader and releaseWrite() with no writer throw an Error naming the method', () => {
      const got = value('badReleases', 'bad releases') as [string, boolean][];
      const labels = [
        'releaseRead() of a free lock',
        'releaseWrite() of a free lock',
        'releaseWrite() while only a reader holds it',
        'releaseRead() while only a writer holds it',
        'a second releaseRead() after one acquireRead()',
      ];
      got.forEach(([name, named], i) => {
        check(
          /Error$/.test(name),
          `Expected ${labels[i]} to throw an Error, but it ${name === 'returned' ? 'returned' : `threw ${name}`}.`,
        );
        const method = labels[i].slice(0, labels[i].indexOf('('));
        check(
          named,
          `Expected the ${name} thrown by ${labels[i]} to name the method ("${method}") in its message, so that the caller sees which release was wrong; it does not.`,
        );
      });
    });

    it('§2 two RWLocks over the same bytes are one lock, and only the 16 bytes at byteOffset are used', () => {
      const [got, untouched] = value('sameLock', 'two `new RWLock(buf, 16)`') as [unknown, unknown];
      const want = [true, false, false, true, true, false, true];
      check(
        same(got, want),
        `Expected a.acquireWrite(0), b.acquireRead(0), b.acquireWrite(0), then (after a.releaseWrite()) b.acquireRead(0), a.acquireRead(0), a.acquireWrite(0), then (both released) b.acquireWrite(0) to be ${show(want)}, got ${show(got)}. The state must live in the shared buffer.`,
      );
      check(
        untouched === true,
        'Expected the bytes outside [16, 32) to stay unchanged, but the lock wrote to them.',
      );
    });
  });

  describe('across workers', () => {
    it('§2 §3 a reader gets in while another worker holds a read share', async () => {
      const s = setup();
      const names = ['reader 0', 'reader 1'];
      const holder = start<boolean>(s, names, 'gatedHolder', [s.buffer, OFFSET, s.boardBuffer, 0, false], 0);
      await reach(s, 0, STATE.reads, 'reader 0 to take a read share of a free lock', holder);
      const second = await start<{ result: unknown; ms: number }>(
        s,
        names,
        'tryOnce',
        [s.buffer, OFFSET, s.boardBuffer, 1, false, 3000],
        1,
      );
      open(s, SLOT.gate);
      await holder;
      check(
        second.result === true && second.ms < 1500,
        `Expected \`acquireRead(3000)\` to return true at once while another reader holds a share, got ${show(second.result)} after ${second.ms.toFixed(0)} ms.`,
      );
    }, 30_000);

    it('§4 §7 a writer waits for the reader inside and is woken when it leaves', async () => {
      const s = setup();
      const names = ['reader 0', 'writer 1'];
      const holder = start<boolean>(s, names, 'gatedHolder', [s.buffer, OFFSET, s.boardBuffer, 0, false], 0);
      await reach(s, 0, STATE.reads, 'reader 0 to take a read share of a free lock', holder);
      const writer = start<{ result: unknown; ms: number }>(
        s,
        names,
        'tryOnce',
        [s.buffer, OFFSET, s.boardBuffer, 1, true, 4000],
        1,
      );
      await reach(s, 1, STATE.waitsWrite, 'writer 1 to call `acquireWrite(4000)`', writer);
      const until = Date.now() + 150;
      await waitUntil(
        () => Date.now() >= until || Atomics.load(s.board, SLOT.state + 1) !== STATE.waitsWrite,
        1000,
        '150 ms',
      );
      const st = Atomics.load(s.board, SLOT.state + 1);
      check(
        st === STATE.waitsWrite,
        `Expected the writer to wait while a reader holds a share, but it ${st === STATE.done ? 'gave up' : 'got in'}. ${picture(s.board, names)}`,
      );
      open(s, SLOT.gate);
      const w = await writer;
      await holder;
      check(
        w.result === true && w.ms < 3000,
        `Expected \`acquireWrite(4000)\` to return true soon after the reader released (after about 150 ms), got ${show(w.result)} after ${w.ms.toFixed(0)} ms. ` +
          'Usual cause: the last reader out does not wake the sleeping writer (Atomics.notify).',
      );
    }, 30_000);

    it('§3 §4 §7 4 workers, 400 mixed reads and writes: never a writer with anybody else inside', async () => {
      const s = setup();
      const names = ['worker 0', 'worker 1', 'worker 2', 'worker 3'];
      await runAllInWorkers<number>(
        names.map((name, id) => ({
          file: TASKS,
          exportName: 'hammer',
          args: [s.buffer, OFFSET, s.boardBuffer, id, 100, 5],
          options: {
            what: `${name} (\`hammer\`)`,
            timeoutMs: 12_000,
            signal: s.stop.signal,
            state: () => picture(s.board, names),
          },
        })),
      );
      const violations = Atomics.load(s.board, SLOT.violations);
      check(
        violations === 0,
        `Expected a writer to be alone inside every time, but ${violations} times a writer had company (a reader or another writer). Is "no reader and no writer inside → I am the writer" one atomic step?`,
      );
    }, 30_000);

    it('§3 §4 §6 §7 racing calls lose no change: 3 workers × 3000 reads and writes with every race window widened; a writer is always alone, and then the lock is free', async () => {
      const s = setup();
      const names = ['worker 0', 'worker 1', 'worker 2', 'the last check'];
      const calls = 3000;
      const acquisitions = await runAllInWorkers<number>(
        names.slice(0, 3).map((name, id) => ({
          file: TASKS,
          exportName: 'race',
          args: [s.buffer, OFFSET, s.boardBuffer, id, 3, calls, 4],
          options: {
            what: `${name} (\`race\`)`,
            timeoutMs: 15_000,
            signal: s.stop.signal,
            state: () => picture(s.board, names),
          },
        })),
      );
      const violations = Atomics.load(s.board, SLOT.violations);
      check(
        violations === 0,
        `Expected a writer to be alone inside every time, but ${violations} times a writer had company. ` +
          'Usual cause: a compare-and-swap whose result is not checked (Atomics.compareExchange returns the value it found: only when that is the value you expected did your change happen; otherwise load again and retry).',
      );
      const last = await start<{ result: unknown; ms: number }>(
        s,
        names,
        'tryOnce',
        [s.buffer, OFFSET, s.boardBuffer, 3, true, 0],
        3,
      );
      check(
        last.result === true,
        `Expected \`acquireWrite(0)\` to return true once the ${show(acquisitions)} acquisitions of the 3 workers were all released, got ${show(last.result)}. ` +
          'Usual cause: a change lost in a race, e.g. a release whose compare-and-swap failed and was not retried, so the lock still counts a reader or a writer that has left.',
      );
    }, 30_000);

    it('§5 a writer is not starved by a relay of readers that never leaves the lock empty', async () => {
      const s = setup();
      const names = ['reader 0', 'reader 1', 'writer 2'];
      const handoverMs = 300;
      const relay = [0, 1].map((id) =>
        start<number>(s, names, 'relayReader', [s.buffer, OFFSET, s.boardBuffer, id, handoverMs], id, 15_000),
      );
      await raceWith(
        (signal) =>
          waitUntil(
            () => Atomics.load(s.board, SLOT.reads) >= 20,
            10_000,
            'the two relay readers to take 20 read shares',
            '',
            signal,
          ),
        relay.map((p) =>
          p.then(() => {
            throw new Error('A relay reader stopped before the writer came.');
          }),
        ),
      );
      const before = Atomics.load(s.board, SLOT.reads);
      const writer = await start<{ result: unknown; ms: number }>(
        s,
        names,
        'tryOnce',
        [s.buffer, OFFSET, s.boardBuffer, 2, true, 4000],
        2,
      );
      const during = Atomics.load(s.board, SLOT.reads) - before;
      open(s, SLOT.stop);
      await Promise.all(relay);
      check(
        writer.result === true,
        `Expected the writer's \`acquireWrite(4000)\` to get in while readers kept coming, but it returned ${show(writer.result)} after ${writer.ms.toFixed(0)} ms, during which readers took ${during} new read shares. ` +
          'Once a writer waits, new readers must wait behind it (a counter of waiting writers, checked by acquireRead).',
      );
    }, 30_000);
  });
});
