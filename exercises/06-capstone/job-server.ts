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
 * Contract (what the tests check, and nothing else):
 *  §1 `fib`: `arg` an integer from 0 to 45; the reply's `result` is `fib(arg)`, the naive
 *     recursion `fib(n) = n < 2 ? n : fib(n-1) + fib(n-2)` (it is meant to burn CPU).
 *  §2 `sleep`: `arg` an integer from 0 to 60 000; blocks a worker for `arg` ms (`Atomics.wait` on
 *     a scratch Int32Array), then the reply's `result` is `null`.
 *  §3 `stats` is answered by the main thread at once: `completed` (jobs a worker has finished),
 *     `running` (jobs in a worker right now), `queued` (jobs waiting for a worker). A job
 *     accepted and not yet finished counts in `running` or `queued` from the moment it is accepted.
 *  §4 `fib` and `sleep` run in WORKER THREADS, never on the main thread: while they run, the
 *     server keeps reading requests and answering `stats`.
 *  §5 At most `workers` jobs run at once (default `os.availableParallelism()`), and up to
 *     `workers` do: a free worker takes a job at once, whatever else is running.
 *  §6 A job that finds every worker busy waits in a queue (`queued` counts those); when `maxQueue`
 *     jobs already wait (default 100; 0: no job may wait), the new job gets an error reply at once.
 *  §7 Every reply carries its request's `id` (jobs finish out of order: with 2 workers, `fib 1`
 *     sent after `fib 40` is answered first) and goes to the connection that sent the request.
 *  §8 Unknown job, bad `arg` → `{"id":…,"error":"…"}`; a line that is not JSON, or JSON but not
 *     an object → `{"id":null,"error":"…"}`. Either way the connection stays open, and a client
 *     that resets its connection does not take the server down.
 *  §9 Requests are cut at `\n`: a line may arrive in pieces (a UTF-8 character cut in two
 *     included), or several lines in one chunk.
 *  §10 Default host `127.0.0.1` (not every interface), port 0; `port` is the port it listens on.
 *  §11 The promise rejects: with the `EADDRINUSE` error when the port is in use; with a
 *     RangeError for a `port` out of range (Node's own from `listen()` will do), for `workers`
 *     not a positive integer, and for `maxQueue` not an integer ≥ 0.
 *  §12 `close()` stops listening, destroys open connections, drops the waiting jobs and
 *     terminates the workers, a running job included (it does not wait for it); calling it
 *     again is fine.
 *  §13 `npm run job-server -- --port P [--workers N]` (bin/job-server.ts, given) prints
 *     `Server started on HOST:PORT` and serves until SIGTERM, then exits 0; it exits 1 with one
 *     line on stderr when the port is in use.
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
