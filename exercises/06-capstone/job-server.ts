/**
 * Exercise 06-capstone/job-server — threads + semaphore + TCP: a job server.
 *
 *   const server = await startJobServer({ workers: 2 });   // 127.0.0.1, a free port
 *   console.log(server.port);
 *   await server.close();
 *
 * Clients connect over TCP and send one JSON object a line; each gets one JSON line back:
 *
 *   → {"id":1,"job":"fib","arg":30}      ← {"id":1,"result":832040}
 *   → {"id":2,"job":"sleep","arg":100}   ← {"id":2,"result":null}       (after 100 ms)
 *   → {"id":3,"job":"stats"}             ← {"id":3,"result":{"completed":2,"running":0,"queued":0}}
 *   → {"id":4,"job":"nope"}              ← {"id":4,"error":"unknown job …"}
 *   → {oops                              ← {"id":null,"error":"bad JSON …"}
 *
 * - `fib` is the naive recursion `fib(n) = n < 2 ? n : fib(n-1) + fib(n-2)` (it is meant to burn
 *   CPU), `arg` an integer from 0 to 45. `sleep` blocks a worker for `arg` ms (an integer ≥ 0;
 *   the solution allows up to 60 000) and returns `null`: `Atomics.wait` on a scratch Int32Array.
 * - Both run in WORKER THREADS, at most `workers` at once (default `os.availableParallelism()`):
 *   a pool. A job that finds every worker busy waits in a queue; `queued` counts those, and when
 *   `maxQueue` (default 100) are already waiting, the new job gets an error reply.
 * - `stats` is answered by the main thread at once: `completed` (jobs finished, with a result or
 *   an error), `running` (jobs in a worker right now), `queued` (jobs waiting for a worker).
 * - Replies carry the request's `id`: jobs finish out of order (with 2 workers, `fib 1` sent
 *   after `fib 40` is answered first), and the id is how the client tells them apart. Each reply
 *   goes to the connection that sent the job.
 * - Unknown job, bad `arg`, full queue → `{"id":…,"error":"…"}`; a line that is not JSON →
 *   `{"id":null,"error":"…"}`. Either way the connection stays open.
 * - Default host `127.0.0.1`, port 0. A port in use → the promise rejects with the `EADDRINUSE`
 *   error. `workers` not a positive integer → it rejects too.
 * - `close()` stops listening, destroys open connections, drops the waiting jobs and terminates
 *   the workers (a running job included); calling it again is fine.
 *
 * The trap: running the job where the request arrives. `fib(40)` inside the socket's `data`
 * handler freezes the main thread for a second: no other client, not even `stats`, is answered
 * until it ends. The main thread only reads lines, hands jobs to workers and writes replies.
 * (The second trap: TCP is a byte stream. A line may arrive in pieces, or two in one chunk: keep
 * the text after the last `\n` for the next chunk.)
 *
 * Workers: this file may be TypeScript, so start them with
 * `new Worker(__filename, { workerData: { yourKey: true }, execArgv: ['--require', require.resolve('tsx/cjs')] })`
 * and, at the bottom of this file, when `!isMainThread && workerData?.yourKey`, answer
 * `{ job, arg }` messages on `parentPort`. (Do not add another .ts file next to this one: every
 * .ts file in exercises/06-capstone/ counts as an exercise.)
 *
 * Read: Node docs "net" (`createServer`, `listen`, the socket's `data` event), "worker_threads"
 * (`postMessage`, `terminate()`), `StringDecoder`; exercises 01-threads/parallel-map (a pool),
 * 03-semaphores/limit (a bounded number at once) and 04-tcp/echo-server (`close()`).
 */

export interface JobServerOptions {
  /** Default `'127.0.0.1'`. */
  host?: string;
  /** Default 0: the OS picks a free port. */
  port?: number;
  /** Worker threads, i.e. jobs running at once. Default `os.availableParallelism()`. */
  workers?: number;
  /** Jobs that may wait for a worker; one more gets an error reply. Default 100. */
  maxQueue?: number;
}

export interface JobServer {
  /** The port it listens on (the one the OS picked when given 0). */
  readonly port: number;
  /** Stops listening, destroys connections, terminates the workers; idempotent. */
  close(): Promise<void>;
}

/** Starts the job server; resolves once it is listening. */
export function startJobServer(options: JobServerOptions = {}): Promise<JobServer> {
  // TODO: a pool of at most `workers` worker threads running fib/sleep, a queue of at most
  // `maxQueue` waiting jobs, and a TCP server that reads JSON lines and writes JSON replies by id.
  void options;
  throw new Error(
    'Not implemented: startJobServer() — listen on 127.0.0.1 and run the jobs on a pool of worker threads',
  );
}
