// JobServer, the capstone: threads + semaphore + TCP. The student's server runs on jest's thread
// (its main thread is what must stay free) and starts its own worker threads; the tests talk to it
// over real TCP sockets on 127.0.0.1 with a line-JSON client (tests/helpers/job-client.ts), and
// watch it through its own `stats` job and through timing lower bounds (never upper bounds: a
// busy machine only makes things slower). Jobs that only need to hold a worker are `sleep` jobs;
// a slow job that a test does not need to finish is abandoned to `close()`.
import * as os from 'node:os';
import { describe, it } from '@jest/globals';
import { startJobServer, type JobServer } from '@kata/06-capstone/job-server';
import { ChildCli, describeExit } from '../helpers/child';
import { check, checkBadArgument, refusal, settle, show, waitUntil, within } from '../helpers/assert';
import { promiseFrom } from '../helpers/async';
import { liveWorkers, onCleanup } from '../helpers/handles';
import { connectJobClient, type JobClient, type JobReply } from '../helpers/job-client';
import { startTcpProxy } from '../helpers/tcp-proxy';
import { canConnect, freePort, startTestServer } from '../helpers/tcp-raw';

const WAIT_MS = 3000; // a reply: worker start-up on a busy machine included

type Options = Parameters<typeof startJobServer>[0];
interface Stats {
  completed: number;
  running: number;
  queued: number;
}

/**
 * Servers whose `close()` the test already waited for in vain: the cleanup does not wait for it
 * again (the test has failed with the reason), it only ends the server's worker threads.
 */
const closeTimedOut = new WeakSet<JobServer>();

/** `server.close()`, which must resolve within `ms`; see closeTimedOut. */
async function closeWithin(server: JobServer, ms: number, what: string, hint = ''): Promise<void> {
  try {
    await within(
      promiseFrom(() => server.close(), 'close()'),
      ms,
      what,
      hint,
    );
  } catch (error) {
    closeTimedOut.add(server);
    throw error;
  }
}

/** Starts the student's server (it must resolve within WAIT_MS) and closes it after the test. */
async function start(options?: Options): Promise<JobServer> {
  const server = await within(
    promiseFrom(() => startJobServer(options), 'startJobServer()'),
    WAIT_MS,
    '`startJobServer()` to resolve',
    'It should resolve once the server listens (the `listen()` callback or the `listening` event).',
  );
  check(
    server && typeof server.port === 'number' && server.port > 0,
    () =>
      `Expected \`startJobServer()\` to resolve with \`{ port, close }\` and a port > 0, got ${show(server)}.`,
  );
  onCleanup(async () => {
    if (!closeTimedOut.has(server)) await within(server.close(), 3000, '`close()` after the test to resolve');
    else await Promise.all([...liveWorkers().keys()].map((worker) => worker.terminate()));
  });
  return server;
}

/** The naive recursion's answers, computed the fast way. */
function fib(n: number): number {
  let [a, b] = [0, 1];
  for (let i = 0; i < n; i++) [a, b] = [b, a + b];
  return a;
}

/** Fails unless `reply` is `{ id, result: expected }`. */
function expectResult(reply: JobReply, id: unknown, expected: unknown, what: string, hint = ''): void {
  check(
    reply.id === id && 'result' in reply && Object.is(reply.result, expected) && reply.error === undefined,
    () =>
      `Expected ${what} to be ${show({ id, result: expected })}, got ${show(reply)}.` +
      (hint ? ` ${hint}` : ''),
  );
}

/** Fails unless `reply` is `{ id, error: "<some text>" }` (and no result). */
function expectError(reply: JobReply, id: unknown, what: string, hint = ''): void {
  check(
    reply.id === id && typeof reply.error === 'string' && reply.error.length > 0 && !('result' in reply),
    () =>
      `Expected ${what} to be an error reply like ${show({ id, error: '…' })}, got ${show(reply)}.` +
      (hint ? ` ${hint}` : ''),
  );
}

let statsIds = 0;

/** Asks for `stats` and checks the shape of the answer. */
async function stats(client: JobClient): Promise<Stats> {
  const id = `stats-${++statsIds}`;
  const reply = await client.call({ id, job: 'stats' }, `the reply to \`stats\` (id ${show(id)})`);
  const s = reply.result as Stats | undefined;
  check(
    reply.id === id &&
      typeof s === 'object' &&
      s !== null &&
      [s.completed, s.running, s.queued].every((n) => Number.isInteger(n) && n >= 0),
    () =>
      `Expected the reply to \`stats\` to be \`{"id":${JSON.stringify(id)},"result":{"completed":…,"running":…,"queued":…}}\` ` +
      `with three counts, got ${show(reply)}.`,
  );
  return { completed: s.completed, running: s.running, queued: s.queued };
}

/**
 * Asks for `stats` every few ms until `done(stats)` holds (`each` sees every answer first, and
 * may fail the test); fails after `ms` showing the last answer.
 */
async function statsUntil(
  client: JobClient,
  done: (s: Stats) => boolean,
  what: string,
  ms = WAIT_MS,
  each: (s: Stats) => void = () => {},
): Promise<Stats> {
  const deadline = Date.now() + ms;
  let last: Stats | undefined;
  for (;;) {
    last = await stats(client);
    each(last);
    if (done(last)) return last;
    if (Date.now() >= deadline) {
      throw new Error(`Timed out after ${ms} ms waiting for ${what}; the last \`stats\` said ${show(last)}.`);
    }
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

/** `count` sleep jobs with ids `first`, `first + 1`, … */
function sleeps(count: number, ms: number, first = 1): object[] {
  return Array.from({ length: count }, (_, i) => ({ id: first + i, job: 'sleep', arg: ms }));
}

/** Local addresses other than 127.0.0.1 that a server bound to every interface would answer on. */
function otherLocalAddresses(): string[] {
  const external = Object.values(os.networkInterfaces())
    .flat()
    .filter((a) => a && a.family === 'IPv4' && !a.internal)
    .map((a) => a!.address);
  return ['127.0.0.2', ...external.slice(0, 3)];
}

describe('JobServer', () => {
  it('§1 §7 answers `fib` jobs with the Fibonacci number, each reply carrying the request id', async () => {
    const server = await start({ workers: 1 });
    const client = await connectJobClient(server.port);
    for (const [id, n] of [
      [1, 0],
      [2, 1],
      [3, 20],
      [4, 25],
    ]) {
      const reply = await client.call({ id, job: 'fib', arg: n }, `the reply to \`fib ${n}\` (id ${id})`);
      expectResult(reply, id, fib(n), `the reply to \`{"id":${id},"job":"fib","arg":${n}}\``);
    }
  });

  it('§2 answers a `sleep` job with `null` once that many ms have passed', async () => {
    const server = await start({ workers: 1 });
    const client = await connectJobClient(server.port);
    const t0 = performance.now();
    const reply = await client.call({ id: 'nap', job: 'sleep', arg: 100 }, 'the reply to `sleep 100`');
    const elapsed = performance.now() - t0;
    expectResult(reply, 'nap', null, 'the reply to `{"id":"nap","job":"sleep","arg":100}`');
    check(
      elapsed >= 95,
      `Expected the reply to \`sleep 100\` after at least 100 ms, got it after ${Math.round(elapsed)} ms. ` +
        'The worker should block for `arg` ms (`Atomics.wait` on a scratch Int32Array) before it answers.',
    );
  });

  it('§3 answers `stats` with the `completed`, `running` and `queued` counts', async () => {
    const server = await start({ workers: 1 });
    const client = await connectJobClient(server.port);
    const before = await stats(client);
    check(
      before.completed === 0 && before.running === 0 && before.queued === 0,
      `Expected \`stats\` on a new server to be \`{ completed: 0, running: 0, queued: 0 }\`, got ${show(before)}.`,
    );
    client.send(
      { id: 1, job: 'fib', arg: 10 },
      { id: 2, job: 'fib', arg: 12 },
      { id: 3, job: 'sleep', arg: 0 },
    );
    for (const id of [1, 2, 3]) await client.reply(id, `the reply to job ${id}`);
    const after = await stats(client);
    check(
      after.completed === 3 && after.running === 0 && after.queued === 0,
      `Expected \`stats\` after three finished jobs to be \`{ completed: 3, running: 0, queued: 0 }\`, got ${show(after)}. ` +
        '`completed` counts the jobs that finished (not the `stats` requests); `running` and `queued` go back to 0.',
    );
  });

  it('§4 §3 answers `stats` while a `fib` job runs (the event loop stays free)', async () => {
    const server = await start({ workers: 1 });
    const client = await connectJobClient(server.port);
    client.send({ id: 1, job: 'fib', arg: 35 });
    client.send({ id: 2, job: 'stats' });
    const first = await client.next('the first reply (to `fib 35`, id 1, or to `stats`, id 2)', 6000);
    check(
      first.id === 2,
      () =>
        `Expected the reply to \`stats\` (id 2) first, while \`fib 35\` (id 1) still runs; got ${show(first)} first. ` +
        'Is the job computed on the main thread? `fib()` in the `data` handler blocks the event loop: nothing ' +
        'else is read or answered until it returns. Post the job to a worker thread.',
    );
    const s = first.result as Stats;
    check(
      s && s.running + s.queued === 1,
      () =>
        `Expected \`stats\` sent just after \`fib 35\` to count that job as running (or queued), got ${show(first)}.`,
    );
    // `fib 35` itself is left to `close()`: its result is §1's business, and its time depends on the load.
  });

  it('§5 does not hold a fast job behind a slow one (2 workers: `fib 1` sent after a long `sleep` replies first)', async () => {
    const server = await start({ workers: 2 });
    const client = await connectJobClient(server.port);
    // Two jobs at once start both workers: what is measured next is not a worker's start-up.
    client.send({ id: 'warm-1', job: 'sleep', arg: 50 }, { id: 'warm-2', job: 'sleep', arg: 50 });
    await client.reply('warm-1', 'the reply to the first warm-up `sleep 50`');
    await client.reply('warm-2', 'the reply to the second warm-up `sleep 50`');

    client.send({ id: 1, job: 'sleep', arg: 1000 });
    client.send({ id: 2, job: 'fib', arg: 1 });
    const first = await client.next('the first reply (to `sleep 1000`, id 1, or to `fib 1`, id 2)');
    check(
      first.id === 2 && first.result === 1,
      () =>
        `With 2 workers, expected \`fib 1\` (id 2) to be answered first while \`sleep 1000\` (id 1) holds the other ` +
        `worker; got ${show(first)} first. Are jobs run one at a time (one worker, or each connection's ` +
        'requests awaited in turn)? Hand each job to any free worker and reply when IT finishes.',
    );
  });

  it('§5 §3 runs `workers` jobs at once and never more (6 `sleep 150` jobs on 2 workers)', async () => {
    const server = await start({ workers: 2 });
    const jobs = await connectJobClient(server.port);
    const monitor = await connectJobClient(server.port);
    const t0 = performance.now();
    jobs.send(...sleeps(6, 150));
    let most = 0;
    await statsUntil(
      monitor,
      (s) => s.completed >= 6,
      'all 6 jobs to be completed',
      6000,
      (s) => {
        most = Math.max(most, s.running);
        check(
          s.running <= 2,
          `With \`workers: 2\`, \`stats\` said ${show(s)}: ${s.running} jobs running at once. ` +
            'Never run more than `workers` jobs: a job that finds every worker busy waits in the queue ' +
            '(a new worker per job is no pool at all).',
        );
      },
    );
    for (let id = 1; id <= 6; id++)
      expectResult(await jobs.reply(id, `the reply to \`sleep 150\` id ${id}`), id, null, `job ${id}`);
    const elapsed = performance.now() - t0;
    check(
      most === 2,
      `Expected \`stats\` to show 2 jobs running at once at some point (\`workers: 2\`), the most was ${most}.`,
    );
    check(
      elapsed >= 3 * 150 - 15,
      `6 jobs of 150 ms on 2 workers take at least 450 ms, but all were answered after ${Math.round(elapsed)} ms: ` +
        'more than 2 ran at once.',
    );
  });

  it('§5 §6 uses `os.availableParallelism()` workers by default', async () => {
    const n = os.availableParallelism();
    const server = await start();
    const jobs = await connectJobClient(server.port);
    const monitor = await connectJobClient(server.port);
    jobs.send(...sleeps(n + 1, 2000));
    const s = await statsUntil(
      monitor,
      (s) => s.running >= n && s.running + s.queued >= n + 1,
      `${n} jobs to be running (\`os.availableParallelism()\` is ${n} here)`,
    );
    check(
      s.running === n && s.queued === 1,
      `Expected ${n + 1} long jobs on the default pool to be ${n} running and 1 queued, got ${show(s)}. ` +
        'The default for `workers` is `os.availableParallelism()`.',
    );
  });

  it('§6 keeps at most `maxQueue` jobs waiting and answers the next one with an error', async () => {
    const server = await start({ workers: 1, maxQueue: 2 });
    const client = await connectJobClient(server.port);
    client.send({ id: 1, job: 'sleep', arg: 1000 });
    await statsUntil(client, (s) => s.running === 1, 'the `sleep 1000` job (id 1) to be running');
    client.send(...sleeps(3, 0, 2), { id: 'stats', job: 'stats' });
    const first = await client.next('the first reply after jobs 2, 3 and 4 (the queue already held 2 jobs)');
    expectError(
      first,
      4,
      'the first reply after jobs 2, 3 and 4 were sent while 1 job ran, with `maxQueue: 2`',
      'Jobs 2 and 3 wait for the worker (no reply yet); job 4 finds `maxQueue` jobs already waiting and is ' +
        'refused at once with an error reply. (`maxQueue` counts the waiting jobs, not the running one.)',
    );
    const s = (await client.reply('stats', 'the reply to `stats` sent after job 4')).result as Stats;
    check(
      s && s.running === 1 && s.queued === 2,
      `Expected \`stats\` to say 1 job running and 2 queued (jobs 2 and 3 wait; job 4 was refused), got ${show(s)}. ` +
        '`queued` counts the jobs waiting for a worker, not the running ones.',
    );
  });

  it('§6 refuses the 101st waiting job by default (`maxQueue` 100)', async () => {
    const server = await start({ workers: 1 });
    const client = await connectJobClient(server.port);
    client.send({ id: 0, job: 'sleep', arg: 1000 });
    await statsUntil(client, (s) => s.running === 1, 'the `sleep 1000` job (id 0) to be running');
    client.send(...sleeps(101, 0, 1), { id: 'stats', job: 'stats' });
    const full = await client.reply(101, 'the reply to job 101 (100 jobs were already waiting)');
    expectError(
      full,
      101,
      'the reply to job 101, sent while 100 jobs waited',
      'The default `maxQueue` is 100: the 101st waiting job gets an error reply.',
    );
    const s = (await client.reply('stats', 'the reply to `stats` sent after job 101')).result as Stats;
    check(
      s && s.running === 1 && s.queued === 100,
      `Expected \`stats\` to say 1 running and 100 queued, got ${show(s)}.`,
    );
  });

  it('§8 answers an unknown job with an error reply and keeps the connection open', async () => {
    const server = await start({ workers: 1 });
    const client = await connectJobClient(server.port);
    expectError(
      await client.call({ id: 7, job: 'bake' }, 'the reply to the unknown job `bake`'),
      7,
      'the reply to `{"id":7,"job":"bake"}`',
    );
    client.send({ id: 8 });
    expectError(await client.reply(8, 'the reply to a request with no `job`'), 8, 'the reply to `{"id":8}`');
    expectError(
      await client.call({ id: 9, job: 'bake', arg: 3 }, 'the reply to the unknown job `bake` with `arg` 3'),
      9,
      'the reply to `{"id":9,"job":"bake","arg":3}`',
      'Only `fib`, `sleep` and `stats` are jobs: check the name before the `arg`, and never hand an unknown job to a worker.',
    );
    await stats(client); // still answering on the same connection
  });

  it('§1 §8 answers a bad `fib` arg with an error reply (an integer from 0 to 45)', async () => {
    const server = await start({ workers: 2 });
    const client = await connectJobClient(server.port);
    const bad: unknown[] = [-1, 2.5, '30', null, undefined, 46];
    client.send(...bad.map((arg, i) => ({ id: i + 1, job: 'fib', arg })));
    for (const [i, arg] of bad.entries()) {
      const shown = arg === undefined ? 'no `arg`' : `\`arg\` ${JSON.stringify(arg)}`;
      expectError(
        await client.reply(i + 1, `the reply to \`fib\` with ${shown}`),
        i + 1,
        `the reply to \`fib\` with ${shown} (id ${i + 1})`,
        'Check the request before it reaches a worker: `Number.isInteger(arg) && arg >= 0 && arg <= 45`.',
      );
    }
    await stats(client); // still answering on the same connection
  });

  it('§2 §8 answers a bad `sleep` arg with an error reply (an integer from 0 to 60 000)', async () => {
    const server = await start({ workers: 1 });
    const client = await connectJobClient(server.port);
    const bad: unknown[] = [-1, 0.5, '100', null, undefined, 60_001];
    client.send(...bad.map((arg, i) => ({ id: i + 1, job: 'sleep', arg })));
    for (const [i, arg] of bad.entries()) {
      const shown = arg === undefined ? 'no `arg`' : `\`arg\` ${JSON.stringify(arg)}`;
      expectError(
        await client.reply(i + 1, `the reply to \`sleep\` with ${shown}`),
        i + 1,
        `the reply to \`sleep\` with ${shown} (id ${i + 1})`,
        'Check the request before it reaches a worker: `Number.isInteger(arg) && arg >= 0 && arg <= 60000`.',
      );
    }
    expectResult(
      await client.call({ id: 'max', job: 'sleep', arg: 0 }, 'the reply to `sleep 0`'),
      'max',
      null,
      'the reply to `sleep 0` (0 is allowed)',
    );
  });

  it('§8 answers a line that is not JSON with `{"id":null,"error":…}` and keeps the connection open', async () => {
    const server = await start({ workers: 1 });
    const client = await connectJobClient(server.port);
    client.sendRaw('{"id":1,"job":\n');
    expectError(
      await client.next('the reply to the line `{"id":1,"job":` (not JSON)'),
      null,
      'the reply to a line that is not JSON',
      'Catch the `JSON.parse` error and answer with `id: null`, then go on reading.',
    );
    client.sendRaw('hello\n');
    expectError(await client.next('the reply to the line `hello`'), null, 'the reply to the line `hello`');
    check(
      !client.raw.ended && !client.raw.socket.destroyed,
      'The server closed the connection after a line that is not JSON: it must answer with an error and stay open.',
    );
    await stats(client);
  });

  it('§8 answers a JSON line that is not an object (`null`, `42`, `[]`, `"fib"`) with `{"id":null,"error":…}`', async () => {
    const server = await start({ workers: 1 });
    const client = await connectJobClient(server.port);
    for (const line of ['null', '42', '[]', '"fib"']) {
      client.sendRaw(`${line}\n`);
      expectError(
        await client.next(`the reply to the line \`${line}\``),
        null,
        `the reply to the line \`${line}\` (JSON, but not a request object)`,
        'A request is a JSON object: check `typeof request === "object" && request !== null` before reading ' +
          'its fields (reading a field of `null` throws, and a throw in a `data` handler takes the server down).',
      );
    }
    check(
      !client.raw.ended && !client.raw.socket.destroyed,
      'The server closed the connection after a JSON line that is not an object: it must answer with an error and stay open.',
    );
    await stats(client);
  });

  it('§1 accepts `fib 45`, the largest `arg` (it runs; `close()` abandons it)', async () => {
    const server = await start({ workers: 1 });
    const client = await connectJobClient(server.port);
    client.send({ id: 45, job: 'fib', arg: 45 }, { id: 'stats', job: 'stats' });
    const first = await client.next('the first reply after `fib 45` and `stats`');
    check(
      first.id === 'stats',
      () =>
        `Expected \`fib 45\` to run (45 is the largest \`arg\`, inclusive) and \`stats\` to answer first, got ${show(first)}. ` +
        'The range is `arg >= 0 && arg <= 45`.',
    );
    await statsUntil(client, (s) => s.running === 1, 'the `fib 45` job (id 45) to be running');
  });

  it('§6 with `maxQueue: 0` refuses a job that would have to wait, and runs the next one once a worker is free', async () => {
    const server = await start({ workers: 1, maxQueue: 0 });
    const client = await connectJobClient(server.port);
    client.send({ id: 1, job: 'sleep', arg: 300 });
    await statsUntil(client, (s) => s.running === 1, 'the `sleep 300` job (id 1) to be running');
    expectError(
      await client.call(
        { id: 2, job: 'sleep', arg: 0 },
        'the reply to job 2, sent while the only worker was busy',
      ),
      2,
      'the reply to job 2 with `workers: 1, maxQueue: 0` while job 1 ran',
      '`maxQueue: 0` is allowed (`maxQueue` is an integer ≥ 0): no job may wait, so job 2 is refused at once.',
    );
    expectResult(await client.reply(1, 'the reply to `sleep 300` (id 1)'), 1, null, 'the reply to job 1');
    expectResult(
      await client.call({ id: 3, job: 'fib', arg: 10 }, 'the reply to job 3, sent once the worker was free'),
      3,
      55,
      'the reply to `fib 10` (id 3) once the worker was free',
    );
  });

  it('§8 keeps serving when a client resets its connection with a job running', async () => {
    const server = await start({ workers: 1 });
    const gone = await connectJobClient(server.port);
    gone.send({ id: 1, job: 'sleep', arg: 200 });
    await statsUntil(gone, (s) => s.running === 1, 'the `sleep 200` job (id 1) to be running');
    gone.raw.socket.resetAndDestroy(); // an RST: the server's socket gets ECONNRESET
    const client = await connectJobClient(server.port);
    const s = await statsUntil(
      client,
      (t) => t.completed >= 1,
      'the job of the client that reset its connection to complete',
      WAIT_MS,
    );
    check(s.running === 0, () => `Expected no job running after the only one completed, got ${show(s)}.`);
    expectResult(
      await client.call({ id: 2, job: 'fib', arg: 12 }, 'the reply to `fib 12` after another client reset'),
      2,
      144,
      'the reply to `fib 12` (id 2) after another client reset its connection',
      'Give every connection an `error` listener: an ECONNRESET with no listener is thrown and takes the server down.',
    );
  });

  it('§11 rejects a `port` out of range (70000) instead of hanging', async () => {
    const error = await refusal(() => startJobServer({ port: 70_000, workers: 1 }), WAIT_MS);
    checkBadArgument(error, '`startJobServer({ port: 70000 })`', 'port', 'RangeError');
  });

  it('§9 reads whole lines: two requests in one write, and a request cut into 1-byte pieces', async () => {
    const server = await start({ workers: 1 });
    const client = await connectJobClient(server.port);
    client.sendRaw('{"id":"a","job":"stats"}\n{"id":"b","job":"stats"}\n');
    for (const id of ['a', 'b']) {
      const reply = await client.reply(
        id,
        `the reply to \`stats\` id ${show(id)} (two requests were in one write)`,
      );
      check(
        typeof reply.result === 'object',
        `Expected a \`stats\` result for id ${show(id)}, got ${show(reply)}.`,
      );
    }
    const proxy = await startTcpProxy({ port: server.port }, { toTarget: 'bytes' });
    const split = await connectJobClient(proxy.port);
    const id = 'ünïcødé ✓';
    split.send({ id, job: 'stats' });
    const reply = await split.next('the reply to `stats` sent one byte at a time');
    check(
      reply.id === id && typeof reply.result === 'object',
      () =>
        `Expected the reply to \`{"id":${JSON.stringify(id)},"job":"stats"}\` (it arrived one byte a chunk) to be a ` +
        `\`stats\` result with that id, got ${show(reply)}. A chunk is not a line: keep the text after the last ` +
        '`\\n` for the next chunk, and decode with a `StringDecoder` (a character may be cut between chunks).',
    );
  });

  it('§7 sends each reply to the connection that sent the job', async () => {
    const server = await start({ workers: 1 });
    const a = await connectJobClient(server.port);
    const b = await connectJobClient(server.port);
    a.send({ id: 1, job: 'fib', arg: 20 });
    b.send({ id: 1, job: 'fib', arg: 21 });
    expectResult(await a.reply(1, "the reply to client A's `fib 20`"), 1, fib(20), "client A's reply");
    expectResult(await b.reply(1, "the reply to client B's `fib 21`"), 1, fib(21), "client B's reply");
  });

  it('§7 matches replies to requests by id when jobs finish out of order', async () => {
    const server = await start({ workers: 2 });
    const client = await connectJobClient(server.port);
    // Start both workers first, so that the jobs below finish in the order their lengths say.
    client.send({ id: 'warm-1', job: 'sleep', arg: 20 }, { id: 'warm-2', job: 'sleep', arg: 20 });
    await client.reply('warm-1', 'the reply to the first warm-up `sleep 20`');
    await client.reply('warm-2', 'the reply to the second warm-up `sleep 20`');
    const requests = [
      { id: 'slow', job: 'sleep', arg: 200, result: null },
      { id: 2, job: 'fib', arg: 25, result: fib(25) },
      { id: 3, job: 'fib', arg: 1, result: 1 },
      { id: 'four', job: 'fib', arg: 10, result: 55 },
    ];
    client.send(...requests.map(({ id, job, arg }) => ({ id, job, arg })));
    const replies: JobReply[] = [];
    for (const _ of requests)
      replies.push(await client.next(`reply ${replies.length + 1} of ${requests.length}`));
    for (const r of requests) {
      const reply = replies.find((x) => x.id === r.id);
      check(
        reply !== undefined && Object.is(reply.result, r.result),
        () =>
          `Expected a reply \`{"id":${JSON.stringify(r.id)},"result":${JSON.stringify(r.result)}}\` to ` +
          `\`${r.job} ${r.arg}\`; the replies were ${show(replies)}. Each reply must carry the id of the job it ` +
          'answers: jobs finish out of order, so the n-th reply is not the answer to the n-th request.',
      );
    }
  });

  it('§10 listens on 127.0.0.1 and not on other local addresses by default', async () => {
    const server = await start({ workers: 1 });
    check(
      await canConnect('127.0.0.1', server.port),
      `Expected a connection to 127.0.0.1:${server.port} to work.`,
    );
    const accepted: string[] = [];
    await Promise.all(
      otherLocalAddresses().map(async (address) => {
        if (await canConnect(address, server.port, 500)) accepted.push(address);
      }),
    );
    check(
      accepted.length === 0,
      () =>
        `A connection to ${accepted.map((a) => `${a}:${server.port}`).join(', ')} was accepted: the server listens on ` +
        'every interface. Pass the host (default `127.0.0.1`) to `listen()`.',
    );
  });

  it('§10 listens on the port it is given', async () => {
    const port = await freePort();
    const server = await start({ port, workers: 1 });
    check(
      server.port === port,
      `Expected \`port\` to be ${port} (the one passed in), got ${show(server.port)}.`,
    );
    await stats(await connectJobClient(port));
  });

  it('§12 close() stops listening, closes connections and terminates the workers, running jobs included', async () => {
    const server = await start({ workers: 2 });
    const client = await connectJobClient(server.port);
    client.send(
      { id: 1, job: 'sleep', arg: 10_000 },
      { id: 2, job: 'sleep', arg: 10_000 },
      { id: 3, job: 'sleep', arg: 0 },
    );
    await statsUntil(client, (s) => s.running === 2, 'both `sleep 10000` jobs to be running');
    await waitUntil(() => liveWorkers().size >= 1, WAIT_MS, 'the server to start a worker thread');
    await closeWithin(
      server,
      2000,
      '`close()` to resolve while two `sleep 10000` jobs run',
      'Do not wait for running jobs: `terminate()` the workers (it stops even `Atomics.wait`).',
    );
    await client.raw.waitForEnd('the server to close the client connection on `close()`', 1000);
    check(
      !(await canConnect('127.0.0.1', server.port)),
      `A new connection to port ${server.port} was accepted after \`close()\`: it must stop listening.`,
    );
    await waitUntil(
      () => liveWorkers().size === 0,
      1000,
      'the worker threads to exit after `close()`',
      '`close()` must `terminate()` every worker (and wait for it).',
    );
  });

  it('§12 close() can be called twice', async () => {
    const server = await start({ workers: 1 });
    await stats(await connectJobClient(server.port));
    await closeWithin(server, 2000, 'the first `close()` to resolve');
    await closeWithin(
      server,
      2000,
      'a second `close()` to resolve',
      'Closing a closed server is fine: keep the first promise and return it again.',
    );
  });

  it('§11 rejects with EADDRINUSE when the port is in use', async () => {
    const other = await startTestServer();
    const result = await within(
      settle(promiseFrom(() => startJobServer({ port: other.port, workers: 1 }), 'startJobServer()')),
      WAIT_MS,
      '`startJobServer()` on a port in use to settle',
    );
    if (result.ok) onCleanup(() => result.value.close());
    check(
      !result.ok && result.error.code === 'EADDRINUSE',
      () =>
        `Expected \`startJobServer({ port: ${other.port} })\` to reject with the EADDRINUSE error (the port is in use), ` +
        `got ${result.ok ? `a server on port ${result.value.port}` : show(result.error)}. Listen for the server's ` +
        '`error` event and reject with it.',
    );
  });

  it('§11 refuses bad `workers` and `maxQueue` by rejecting with a RangeError that names them', async () => {
    for (const workers of [0, -1, 1.5]) {
      checkBadArgument(
        await refusal(() => startJobServer({ workers })),
        `\`startJobServer({ workers: ${workers} })\``,
        'workers',
        'RangeError',
      );
    }
    for (const maxQueue of [-1, 1.5]) {
      checkBadArgument(
        await refusal(() => startJobServer({ workers: 1, maxQueue })),
        `\`startJobServer({ maxQueue: ${maxQueue} })\``,
        'maxQueue',
        'RangeError',
      );
    }
  });
});

// The CLI (bin/job-server.ts, `npm run job-server`), run as a child process the way a student runs
// it (tests/helpers/child.ts). It loads the job server of the selected tree (KATA_TARGET and
// KATA_OVERRIDE, inherited). A program still running after its test is stopped.
const CLI_START_MS = 8000; // node + tsx start-up on a busy machine
const CLI_TEST_MS = 20_000;

describe('job-server CLI', () => {
  it(
    '§13 prints `Server started on HOST:PORT`, answers a job on that port and exits 0 on SIGTERM',
    async () => {
      const cli = new ChildCli('job-server', ['--port', '0', '--workers', '1']);
      const [, host, portText] = await cli.waitForLine(
        /Server started on (\S+):(\d+)/,
        'the CLI to print `Server started on HOST:PORT`',
        CLI_START_MS,
      );
      check(
        host === '127.0.0.1',
        `Expected the CLI to listen on 127.0.0.1 by default, it printed ${show(host)}.`,
      );
      const client = await connectJobClient(Number(portText));
      const reply = await client.call({ id: 1, job: 'fib', arg: 20 }, 'the CLI server to answer `fib 20`');
      check(
        reply.id === 1 && reply.result === 6765,
        `Expected \`{"id":1,"result":6765}\` from the CLI's server, got ${show(reply)}.`,
      );
      const exit = await cli.kill(
        'SIGTERM',
        'the CLI to exit after SIGTERM (it should `close()` and exit 0)',
      );
      check(
        exit.code === 0,
        `Expected the CLI to exit with code 0 after SIGTERM, got ${describeExit(exit)}; ${cli.printed()}.`,
      );
    },
    CLI_TEST_MS,
  );

  it(
    '§13 exits 1 with one line on stderr when the port is in use',
    async () => {
      const other = await startTestServer();
      const cli = new ChildCli('job-server', ['--port', String(other.port), '--workers', '1']);
      const exit = await cli.waitForExit('the CLI to exit (its port is in use)', CLI_START_MS);
      const lines = cli.stderr.trim().split('\n');
      check(
        exit.code === 1 && lines.length === 1 && /in use|EADDRINUSE/i.test(lines[0]),
        `Expected exit code 1 and one line on stderr saying the port is in use, got ${describeExit(exit)}; ` +
          `${cli.printed()}.`,
      );
    },
    CLI_TEST_MS,
  );
});
