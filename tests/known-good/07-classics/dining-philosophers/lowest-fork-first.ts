/** Known good: resource ordering, every philosopher takes its lower-numbered fork first (so philosopher n - 1 takes fork 0 first), no shared cells; dine() resolves on each worker's message instead of its exit. The solution uses a waiter admitting n - 1 instead. */
import { isMainThread, parentPort, Worker, workerData } from 'node:worker_threads';

/** Int32 cells of `Seat.shared`: yours, shared by all philosophers of a table, zeroed at first. */
export const SHARED_CELLS = 16;

/** What a philosopher may use: its two forks, `eat()`, and the table's shared cells. */
export interface Seat {
  /** This philosopher's number, 0 to n - 1. */
  readonly id: number;
  /** How many philosophers (and forks) the table has. */
  readonly n: number;
  /** Its left fork: fork `id`. */
  readonly left: number;
  /** Its right fork: fork `(id + 1) % n`. */
  readonly right: number;
  /** `SHARED_CELLS` Int32 cells shared by every philosopher of the table (zeroed at first). */
  readonly shared: Int32Array;
  /** Picks up fork `fork` (`left` or `right`), waiting while the neighbour holds it. */
  take(fork: number): void;
  /** Puts down fork `fork`, which this philosopher holds. */
  put(fork: number): void;
  /** One meal: only while holding both forks. */
  eat(): void;
}

/**
 * Given code, not yours to change: the table `dine()` seats philosophers at (the tests seat them
 * at an instrumented one of their own). One SharedArrayBuffer holds the forks, first come,
 * first served locks (the next ticket of each fork, then the ticket each serves), the meals each
 * philosopher ate, then the shared cells.
 */
export class Table {
  readonly n: number;
  readonly buffer: SharedArrayBuffer;

  constructor(n: number, buffer = new SharedArrayBuffer((n * 3 + SHARED_CELLS) * 4)) {
    this.n = n;
    this.buffer = buffer;
  }

  /** Meals eaten so far, per philosopher. */
  eaten(): number[] {
    return Array.from(new Int32Array(this.buffer, this.n * 8, this.n));
  }

  /** Philosopher `id`'s seat. */
  seat(id: number): Seat {
    const { n, buffer } = this;
    const next = new Int32Array(buffer, 0, n); // per fork: the next ticket to hand out
    const served = new Int32Array(buffer, n * 4, n); // per fork: the ticket it serves
    const meals = new Int32Array(buffer, n * 8, n);
    return {
      id,
      n,
      left: id,
      right: (id + 1) % n,
      shared: new Int32Array(buffer, n * 12, SHARED_CELLS),
      take(fork) {
        const ticket = Atomics.add(next, fork, 1);
        for (let s = Atomics.load(served, fork); s !== ticket; s = Atomics.load(served, fork)) {
          Atomics.wait(served, fork, s);
        }
      },
      put(fork) {
        Atomics.add(served, fork, 1);
        Atomics.notify(served, fork);
      },
      eat() {
        Atomics.add(meals, id, 1);
      },
    };
  }
}

/** Lower-numbered fork first: the waits only go up the fork numbers, so they cannot close a cycle. */
export function philosopher(seat: Seat, meals: number): void {
  const first = Math.min(seat.left, seat.right);
  const second = Math.max(seat.left, seat.right);
  for (let i = 0; i < meals; i++) {
    seat.take(first);
    seat.take(second);
    seat.eat();
    seat.put(second);
    seat.put(first);
  }
}

export async function dine(n: number, meals: number): Promise<number[]> {
  if (typeof n !== 'number' || !Number.isSafeInteger(n) || n < 2 || n > 8)
    throw new RangeError(`bad n: ${n}`);
  if (!Number.isSafeInteger(meals) || meals < 0) throw new RangeError(`bad meals: ${meals}`);
  const table = new Table(n);
  const workers: Worker[] = [];
  try {
    await Promise.all(
      Array.from({ length: n }, (_, id) => {
        const worker = new Worker(__filename, {
          workerData: { kataPhilosopher: { buffer: table.buffer, n, id, meals } },
          execArgv: ['--require', require.resolve('tsx/cjs')],
        });
        workers.push(worker);
        return new Promise<void>((resolve, reject) => {
          worker.on('message', () => resolve());
          worker.on('error', reject);
          worker.on('exit', () => reject(new Error(`philosopher ${id} left without a word`)));
        });
      }),
    );
  } finally {
    await Promise.all(workers.map((w) => w.terminate()));
  }
  return table.eaten();
}

if (!isMainThread && workerData?.kataPhilosopher) {
  const { buffer, n, id, meals } = workerData.kataPhilosopher;
  philosopher(new Table(n, buffer).seat(id), meals);
  parentPort!.postMessage('done');
}
