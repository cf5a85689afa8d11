/** Known good: the solution, except that dine() hands each worker the table's buffer over a MessageChannel port (a message) instead of in workerData: the tests see dine()'s progress either way. */
import { once } from 'node:events';
import { MessageChannel, type MessagePort, Worker, workerData } from 'node:worker_threads';

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

const NEXT = 0; // shared cell: the next waiter ticket
const LEFT = 1; // shared cell: how many philosophers have left the table

/** Eats `meals` meals at `seat` (§1), never deadlocking (§2) nor starving a neighbour (§3). */
export function philosopher(seat: Seat, meals: number): void {
  const { shared, n } = seat;
  for (let meal = 0; meal < meals; meal++) {
    const ticket = Atomics.add(shared, NEXT, 1);
    for (let left = Atomics.load(shared, LEFT); ticket - left >= n - 1; left = Atomics.load(shared, LEFT)) {
      Atomics.wait(shared, LEFT, left);
    }
    seat.take(seat.left);
    seat.take(seat.right);
    seat.eat();
    seat.put(seat.left);
    seat.put(seat.right);
    Atomics.add(shared, LEFT, 1);
    Atomics.notify(shared, LEFT);
  }
}

/**
 * Seats n philosophers at one new Table, each in its own worker thread running
 * `philosopher(table.seat(id), meals)`, and resolves with the meals each ate (§4).
 */
export async function dine(n: number, meals: number): Promise<number[]> {
  if (!Number.isInteger(n) || n < 2 || n > 8)
    throw new RangeError(`n must be an integer from 2 to 8; got ${n}.`);
  if (!Number.isInteger(meals) || meals < 0) {
    throw new RangeError(`meals must be an integer from 0 on; got ${meals}.`);
  }
  const table = new Table(n);
  const workers = Array.from({ length: n }, (_, id) => {
    // The table's buffer goes over a port of a MessageChannel, not in workerData.
    const { port1, port2 } = new MessageChannel();
    const worker = new Worker(__filename, {
      workerData: { kataPort: port2, n, id, meals },
      transferList: [port2],
      execArgv: ['--require', require.resolve('tsx/cjs')],
    });
    port1.postMessage({ buffer: table.buffer });
    port1.close();
    return worker;
  });
  // once() rejects if the worker emits 'error' first: a philosopher that throws rejects dine().
  await Promise.all(workers.map((worker) => once(worker, 'exit')));
  return table.eaten();
}

// In dine()'s workers (on the main thread, workerData is null): sit at the shared table and eat.
if (workerData?.kataPort) {
  const {
    kataPort: port,
    n,
    id,
    meals,
  } = workerData as { kataPort: MessagePort; n: number; id: number; meals: number };
  port.once('message', ({ buffer }: { buffer: SharedArrayBuffer }) => {
    port.close();
    philosopher(new Table(n, buffer).seat(id), meals);
  });
}
