// The one place the tests use Node internals, each because no public API gives the same fact:
// - `process._getActiveHandles()`: the handle objects themselves. The public
//   `process.getActiveResourcesInfo()` gives only their type names, and a test must know which
//   address a UDP socket really bound (the student's `0.0.0.0` instead of `127.0.0.1`).
// - a timer's `_destroyed`: whether a kept Timeout object still counts. `hasRef()` stays true
//   after `clearTimeout()`, and the public API has no "is it still pending".

/** Every handle Node keeps alive in this thread (sockets, servers, timers' lists, …). */
export function activeHandles<H = unknown>(): H[] {
  return (process as unknown as { _getActiveHandles(): H[] })._getActiveHandles();
}

/** True while `timer` is pending and keeps the process alive. */
export function isPendingTimer(timer: NodeJS.Timeout): boolean {
  return !(timer as unknown as { _destroyed: boolean })._destroyed && timer.hasRef();
}
