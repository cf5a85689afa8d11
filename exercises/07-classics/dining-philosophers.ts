/**
 * Exercise 07-classics/dining-philosophers — n philosophers, n forks, and nobody goes hungry.
 *
 * n philosophers sit at a round table, with one fork between each two neighbours: philosopher i's
 * left fork is fork i, its right fork fork (i + 1) % n. To eat, a philosopher needs both forks;
 * it takes one at a time, and `take()` waits while the neighbour holds the fork. `dine(n, meals)`
 * runs each philosopher in its own worker thread; you write what one philosopher does.
 *
 * The traps (The Little Book of Semaphores, 4.4 "Dining philosophers"):
 *  - everyone picks up the left fork first: if all n do at once, each holds one fork and waits for
 *    its neighbour's for ever (a deadlock: a cycle of waits). It happens rarely, so a run that
 *    passes proves nothing; the tests make it happen every time (§2);
 *  - a philosopher that keeps its forks for several meals starves its neighbours (§3).
 * The design is yours: break the symmetry (e.g. take the lower-numbered fork first), or let at
 * most n - 1 philosophers reach for forks at once (a "waiter" in the shared cells), or another.
 *
 * A philosopher uses only its `seat` (the `Seat` below): `take()`, `put()`, `eat()`, and
 * `seat.shared`, cells of shared memory that all philosophers of a table see (zeroed at first),
 * for your own coordination with `Atomics`. The forks are first come, first served: a fork goes
 * to the philosophers who asked for it in the order they asked.
 *
 * Contract (what the tests check, and nothing else):
 *  §1 `philosopher(seat, meals)` eats `meals` meals and returns: for each meal it takes both its
 *     forks (`seat.left` and `seat.right`, in either order, and no other), calls `seat.eat()`
 *     once while it holds both, and puts both down before its next meal and before it returns.
 *     With `meals` 0 it takes nothing.
 *  §2 No deadlock: n philosophers (2 or more), each in its own worker thread at one table, all
 *     eat all their meals, whatever the timing. The tests hold each philosopher right after the
 *     first fork of its first meal until every other philosopher is held the same way, waits in
 *     `take()` or has finished (or nobody has moved for about 1.5 s), so a design that can
 *     deadlock does so every time.
 *  §3 No starvation: a philosopher waiting in `take(fork)` gets the fork before the neighbour who
 *     holds it eats a second meal (put your forks down after every meal).
 *  §4 `dine(n, meals)` seats n philosophers at one `new Table(n)`, each in its own worker thread
 *     running `philosopher(table.seat(id), meals)`, and resolves with `table.eaten()` once they
 *     have all returned ([meals, meals, …]). `n` not an integer from 2 to 8, or `meals` not an
 *     integer from 0 on → a promise rejected with RangeError.
 *
 * Read: The Little Book of Semaphores, 4.4 "Dining philosophers"; MDN "Atomics.add",
 * "Atomics.wait", "Atomics.notify"; Node's `worker_threads` (`new Worker(__filename, …)`, as in
 * the Thread exercise).
 * Hints: `npm run hint -- dining-philosophers`.
 */
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

/** Eats `meals` meals at `seat` (§1), never deadlocking (§2) nor starving a neighbour (§3). */
export function philosopher(seat: Seat, meals: number): void {
  // TODO: for each meal, take both forks in an order (or under a waiter) that cannot close a
  // cycle, eat once, put both down.
  void seat;
  void meals;
  throw new Error('Not implemented: philosopher (take both forks without deadlock, eat, put them down)');
}

/** Runs n philosophers in worker threads at one Table; resolves with the meals each ate (§4). */
export function dine(n: number, meals: number): Promise<number[]> {
  // TODO: check n and meals; one `new Table(n)`; a worker per philosopher on this very file
  // (`new Worker(__filename, { workerData, execArgv: ['--require', require.resolve('tsx/cjs')] })`);
  // when all have exited, resolve with `table.eaten()`.
  void n;
  void meals;
  void Worker;
  return Promise.reject(new Error('Not implemented: dine (one worker per philosopher, then table.eaten())'));
}

// In dine()'s workers: `workerData` tells this file which seat to run (see the bottom of thread.ts).
if (!isMainThread && workerData?.kataPhilosopher) {
  // TODO: philosopher(new Table(n, buffer).seat(id), meals) with what dine() sent.
}
