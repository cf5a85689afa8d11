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
