/** Known good: asymmetric philosophers, even ones take their left fork first and odd ones their right fork first, so fork 1 is nobody's first fork and the waits cannot close a cycle (for any n, odd or even). The solution uses a waiter admitting n - 1 instead. */
import { isMainThread, Worker, workerData } from 'node:worker_threads';

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

export function philosopher(seat: Seat, meals: number): void {
  const [first, second] = seat.id % 2 === 0 ? [seat.left, seat.right] : [seat.right, seat.left];
  for (let i = 0; i < meals; i++) {
    seat.take(first);
    seat.take(second);
    seat.eat();
    seat.put(first);
    seat.put(second);
  }
}

/**
 * Seats n philosophers at one new Table, each in its own worker thread running
 * `philosopher(table.seat(id), meals)`, and resolves with the meals each ate (§4).
 */
export function dine(n: number, meals: number): Promise<number[]> {
  if (!Number.isInteger(n) || n < 2 || n > 8) {
    return Promise.reject(new RangeError(`n must be an integer from 2 to 8; got ${n}.`));
  }
  if (!Number.isInteger(meals) || meals < 0) {
    return Promise.reject(new RangeError(`meals must be an integer from 0 on; got ${meals}.`));
  }
  const table = new Table(n);
  const workers = Array.from(
    { length: n },
    (_, id) =>
      new Worker(__filename, {
        workerData: { kataPhilosopher: { buffer: table.buffer, n, id, meals } },
        execArgv: ['--require', require.resolve('tsx/cjs')],
      }),
  );
  const ends = workers.map(
    (worker, id) =>
      new Promise<void>((resolve, reject) => {
        worker.once('error', reject);
        worker.once('exit', (code) =>
          code === 0 ? resolve() : reject(new Error(`philosopher ${id}'s worker exited with code ${code}`)),
        );
      }),
  );
  return Promise.all(ends).then(
    () => table.eaten(),
    async (error: unknown) => {
      await Promise.all(workers.map((worker) => worker.terminate()));
      throw error;
    },
  );
}

// In dine()'s workers: sit at the shared table and eat.
if (!isMainThread && workerData?.kataPhilosopher) {
  const { buffer, n, id, meals } = workerData.kataPhilosopher;
  philosopher(new Table(n, buffer).seat(id), meals);
}
