// Target for the `thread-start-join` benchmark: bench/run.ts starts it with the solution's
// `Thread` and joins it; `join()` resolves with the sum. It is TypeScript on purpose: loading it is
// the work the benchmark compares with bench/plain-worker.js.
export function add(a: number, b: number): number {
  return a + b;
}
