// Deadlock evidence: the picture of who holds what and who waits for what, built from the test's
// own instrumentation (a shared Int32Array each worker writes its state to), never from the
// student's code. A test adds it to a timeout's message, so a hang reads as "philosopher 0 holds
// fork 0 and waits for fork 1; …: a cycle, so nobody can eat" instead of "timed out".

/** One thread as the instrumentation saw it. */
export interface ThreadState {
  /** "philosopher 0", "worker 2", "reader 1". */
  name: string;
  /** Resources it holds: "fork 0", "the write lock". */
  holds?: string[];
  /** The resource it waits for, if it is blocked: "fork 1", "the barrier (round 2)". */
  waitsFor?: string;
  /** What it does when it neither waits nor holds: "is thinking", "has finished". */
  doing?: string;
}

function describeOne(t: ThreadState): string {
  const parts: string[] = [];
  if (t.holds && t.holds.length > 0) parts.push(`holds ${t.holds.join(' and ')}`);
  if (t.waitsFor) parts.push(`waits for ${t.waitsFor}`);
  if (parts.length === 0) parts.push(t.doing ?? 'neither holds nor waits for anything');
  return `${t.name} ${parts.join(' and ')}`;
}

/**
 * A cycle in the wait-for graph (thread → the holder of what it waits for), in order, starting
 * from its lowest-indexed thread; undefined when there is none.
 */
export function findCycle(threads: ThreadState[]): ThreadState[] | undefined {
  const holder = new Map<string, number>();
  threads.forEach((t, i) => t.holds?.forEach((r) => holder.set(r, i)));
  const next = (i: number): number | undefined => {
    const w = threads[i].waitsFor;
    return w === undefined ? undefined : holder.get(w);
  };
  for (let start = 0; start < threads.length; start++) {
    const seen: number[] = [];
    let i: number | undefined = start;
    while (i !== undefined && !seen.includes(i)) {
      seen.push(i);
      i = next(i);
    }
    if (i === undefined) continue;
    const cycle = seen.slice(seen.indexOf(i));
    const first = Math.min(...cycle);
    const at = cycle.indexOf(first);
    return [...cycle.slice(at), ...cycle.slice(0, at)].map((k) => threads[k]);
  }
  return undefined;
}

/**
 * Who holds what and who waits for what, one clause a thread. A cycle comes first and is named:
 * "… : a cycle, so nobody can <goal>". When every thread waits and there is no cycle, it says
 * nobody is left to wake them.
 */
export function describeWaits(threads: ThreadState[], goal = 'go on'): string {
  if (threads.length === 0) return 'No thread reported its state.';
  const cycle = findCycle(threads);
  const lines: string[] = [];
  if (cycle) {
    lines.push(`${cycle.map(describeOne).join('; ')}: a cycle, so nobody can ${goal}.`);
    const rest = threads.filter((t) => !cycle.includes(t));
    if (rest.length > 0) lines.push(`${rest.map(describeOne).join('; ')}.`);
  } else {
    lines.push(`${threads.map(describeOne).join('; ')}.`);
    if (threads.every((t) => t.waitsFor)) {
      lines.push(`Every thread waits and none is left to wake the others, so nobody can ${goal}.`);
    }
  }
  return `Who waits for whom: ${lines.join(' ')}`;
}

// The instrumentation's side, for fixtures that run student code in workers (mutex, semaphore):
// each thread owns THREAD_INTS Int32s of the shared board from `base + THREAD_INTS * id`:
// [resources it holds (a bit each), the resource it waits for (+1; 0: none), what it does].
// Written with Atomics by the fixture around the student's calls, read by the test on a timeout.
export const THREAD_INTS = 3;
export const DOING = { notStarted: 0, running: 1, finished: 2, gaveUp: 3 } as const;

/** The recorder of thread `id`'s state, in a worker; resources are small integers (0–30). */
export function threadRecorder(board: Int32Array, base: number, id: number) {
  const at = base + THREAD_INTS * id;
  return {
    /** About to call the student's code (before any wait). */
    running(): void {
      Atomics.store(board, at + 2, DOING.running);
    },
    /** Blocked (or about to block) until it gets `resource` (call running() first). */
    waitsFor(resource: number): void {
      Atomics.store(board, at + 1, resource + 1);
    },
    /** Got `resource`: no longer waits. */
    holds(resource: number): void {
      Atomics.or(board, at, 1 << resource);
      Atomics.store(board, at + 1, 0);
    },
    released(resource: number): void {
      Atomics.and(board, at, ~(1 << resource));
    },
    /** Stopped waiting without the resource (a timeout). */
    gaveUp(): void {
      Atomics.store(board, at + 1, 0);
      Atomics.store(board, at + 2, DOING.gaveUp);
    },
    finished(): void {
      Atomics.store(board, at + 1, 0);
      Atomics.store(board, at + 2, DOING.finished);
    },
  };
}

/**
 * The states the threads `names` recorded from `base` (see threadRecorder), `resources[i]` being
 * the name of resource i ("the lock", "lock A", "a permit").
 */
export function readThreads(
  board: Int32Array,
  base: number,
  names: string[],
  resources: string[],
): ThreadState[] {
  return names.map((name, id) => {
    const at = base + THREAD_INTS * id;
    const mask = Atomics.load(board, at);
    const waits = Atomics.load(board, at + 1);
    const doing = Atomics.load(board, at + 2);
    const holds = resources.filter((_, r) => (mask & (1 << r)) !== 0);
    const state: ThreadState = { name, holds };
    if (waits > 0) state.waitsFor = resources[waits - 1] ?? `resource ${waits - 1}`;
    else if (doing === DOING.notStarted) state.doing = 'has not started';
    else if (doing === DOING.finished) state.doing = 'has finished';
    else if (doing === DOING.gaveUp) state.doing = 'gave up waiting';
    return state;
  });
}

/**
 * Polls `condition` until it holds; after `ms` fails with "Timed out after N ms waiting for
 * <what>.", then `picture()` (who holds and who waits, read at that moment), then `hint` (the
 * usual cause). Here in a helper so that a failure's code frame is the test's line that waited.
 * `signal` ends the poll early (it then resolves): see `raceWith` in assert.ts.
 */
export async function waitShowing(
  condition: () => boolean,
  ms: number,
  what: string,
  picture: () => string,
  hint = '',
  signal?: AbortSignal,
): Promise<void> {
  const deadline = Date.now() + ms;
  while (!signal?.aborted && !condition()) {
    if (Date.now() >= deadline) {
      throw new Error(`Timed out after ${ms} ms waiting for ${what}. ${picture()}${hint ? ` ${hint}` : ''}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 2));
  }
}

/** "a", "a and b", "a, b and c". */
export function listOf(items: string[]): string {
  return items.length <= 1
    ? items.join('')
    : `${items.slice(0, -1).join(', ')} and ${items[items.length - 1]}`;
}
