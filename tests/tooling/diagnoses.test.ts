// Diagnoses a student's run used to get wrong, each reproduced on a real jest run first:
// - a server with no socket `'error'` listener failed with a bare `read ECONNRESET`: npm test's
//   failure view (tools/student/failure.js) now says what happened and the usual cause;
// - a test that hit jest's timeout with a connection open was failed a second time, as a leak
//   (tests/helpers/setup.ts): the leak check now closes what it left without reporting it;
// - the leak check closed a jest worker process's own IPC channel, which ended the process with
//   exit code 0: every result of the file lost, "a jest worker process crashed" (a grade scored
//   0 for a Mutex whose one-thread checks hang, 5 of whose 16 tests pass);
// - a call that never returned in a worker thread ended each test at the worker's whole time limit
//   (an RWLock whose acquireRead() loops: 70 s for its file); each call now has its own bound
//   (tests/fixtures/bounded.ts), and the message names the call.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describeFailure, missingExport } from '../../tools/student/failure.js';
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { projectConfig } = require('../../tools/common/jest-base.js');
import { runWatched, REPORTER } from '../../tools/common/watchdog.js';

const ROOT = path.resolve(__dirname, '..', '..');
const JEST = path.join(ROOT, 'node_modules', 'jest', 'bin', 'jest.js');

interface Assertion {
  title: string;
  status: string;
  failureMessages: string[];
}

/** Runs jest with `--json` and returns each test's result; fails if the run did not end by itself. */
function jestJson(args: string[], env: NodeJS.ProcessEnv = {}): Assertion[] {
  const res = spawnSync(process.execPath, [JEST, '--json', '--maxWorkers=1', ...args], {
    cwd: ROOT,
    env: { ...process.env, NO_COLOR: '1', ...env },
    encoding: 'utf8',
    timeout: 50_000,
  });
  if (res.error || res.signal) throw new Error(`jest did not end by itself: ${res.error ?? res.signal}`);
  const report = JSON.parse(res.stdout) as { testResults: { assertionResults: Assertion[] }[] };
  return report.testResults.flatMap((f) => f.assertionResults);
}

/**
 * A jest config for the test files in `tests`, outside the repo: the kata's own environment,
 * setup (tests/helpers/setup.ts) and compiler around them.
 */
function outsideConfig(tests: string): unknown {
  return projectConfig({
    rootDir: tests,
    roots: [tests],
    setupFiles: [],
    setupFilesAfterEnv: [path.join(ROOT, 'tests', 'helpers', 'setup.ts')],
    testPathIgnorePatterns: [],
    transform: {
      '^.+\\.ts$': [
        path.join(ROOT, 'tools', 'common', 'ts-transform.js'),
        { tsconfig: path.join(ROOT, 'tsconfig.json') },
      ],
    },
  });
}

let dir: string;
beforeAll(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'kata-diagnoses-'));
});
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

describe('a socket error nobody listened for', () => {
  it("gets its hint when the echo server has no 'error' listener and a client resets", () => {
    const source = fs.readFileSync(path.join(ROOT, 'solutions', '04-tcp', 'echo-server.ts'), 'utf8');
    const deaf = source.replace(/^\s*socket\.on\('error', \(\) => \{\}\);\n/m, '');
    expect(deaf).not.toBe(source);
    const file = path.join(dir, 'echo-server.ts');
    fs.writeFileSync(file, deaf);
    const results = jestJson(['tests/04-tcp/echo-server.test.ts', '-t', 'resets its connection'], {
      KATA_TARGET: 'solutions',
      KATA_OVERRIDE: JSON.stringify({ '04-tcp/echo-server': file }),
    });
    const failed = results.find((r) => r.status === 'failed');
    expect(failed?.title).toMatch(/^§5 keeps serving after a client resets/);
    const raw = failed!.failureMessages[0];
    expect(raw).toMatch(/^Error: (read|write) ECONNRESET\n/); // the bare error the student used to get
    const shown = describeFailure(raw).join('\n');
    expect(shown).toMatch(/^A socket had its connection reset \(ECONNRESET\) and had no `'error'` listener/);
    expect(shown).toContain(
      "Usual cause: a socket with no 'error' listener: whichever end resets the connection",
    );
    expect(shown).toContain("add socket.on('error', …)");
    expect(shown).toMatch(/\n\nError: (read|write) ECONNRESET$/); // then the error itself
  }, 60_000);

  it('adds nothing when the test itself reported the reset, or the error came from the student’s code', () => {
    const reported = 'Expected the echo of `hi`, but the connection was reset: read ECONNRESET';
    expect(describeFailure(reported)).toEqual([reported]);
    const fromCode = `Error: read ECONNRESET\n    at Object.<anonymous> (${ROOT}/exercises/04-tcp/echo-client.ts:10:3)`;
    expect(describeFailure(fromCode).join('\n')).not.toMatch(/no `'error'` listener/);
    const pipe = 'Error: write EPIPE\n    at afterWriteDispatched (node:internal/stream_base_commons:161:15)';
    expect(describeFailure(pipe)[0]).toMatch(/^A socket wrote after the other end closed \(EPIPE\)/);
  });
});

describe('a test that timed out', () => {
  it('is not failed again as a leak, while a test that only leaks still is', () => {
    const tests = path.join(dir, 'timeouts');
    fs.mkdirSync(tests);
    fs.writeFileSync(
      path.join(tests, 'timeout.test.ts'),
      [
        "import * as net from 'node:net';",
        'async function openConnection() {',
        '  const server = net.createServer(() => undefined);',
        "  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));",
        "  const socket = net.connect((server.address() as net.AddressInfo).port, '127.0.0.1');",
        "  await new Promise((r) => socket.once('connect', r));",
        '}',
        "it('waits for ever with a connection open', async () => {",
        '  await openConnection();',
        '  await new Promise(() => undefined);',
        '}, 1000);',
        "it('leaks a connection and returns', () => openConnection());",
        "it('passes after them', () => undefined);",
        '',
      ].join('\n'),
    );
    const config = outsideConfig(tests);
    const results = jestJson(['--config', JSON.stringify(config)]);
    const byTitle = Object.fromEntries(results.map((r) => [r.title, r]));
    const timedOut = byTitle['waits for ever with a connection open'];
    expect(timedOut.status).toBe('failed');
    expect(timedOut.failureMessages).toHaveLength(1);
    expect(timedOut.failureMessages[0]).toMatch(/Exceeded timeout of 1000 ms for a test/);
    expect(timedOut.failureMessages.join('\n')).not.toMatch(/Leak check failed/);
    const leaky = byTitle['leaks a connection and returns'];
    expect(leaky.status).toBe('failed');
    expect(leaky.failureMessages.join('\n')).toMatch(
      /Leak check failed\.\nLeft open after the test: a TCP server/,
    );
    // What the timed-out test left open was closed: it is not blamed on the next test.
    expect(leaky.failureMessages.join('\n').match(/a TCP server/g)).toHaveLength(1);
    expect(byTitle['passes after them'].status).toBe('passed');
  }, 60_000);
});

describe('a test file whose worker checks hang, in a jest worker process (as a grade and a full npm test run it)', () => {
  it('keeps its results: the leak check never closes the process’s channel to jest', () => {
    // The reference Mutex, except that withLock() waits for ever when fn throws: its one-thread
    // checks (in a worker) never finish; the checks across workers pass.
    const source = fs.readFileSync(path.join(ROOT, 'solutions', '02-locks', 'mutex.ts'), 'utf8');
    const hanging = source.replace(
      /return fn\(\);\n(\s*)\} finally \{/,
      'return fn();\n$1} catch {\n$1  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0);\n$1} finally {',
    );
    expect(hanging).not.toBe(source);
    const file = path.join(dir, 'mutex.ts');
    fs.writeFileSync(file, hanging);
    const results = jestJson(
      [
        '--workerIdleMemoryLimit=2GB',
        '--runTestsByPath',
        path.join(ROOT, 'tests', '02-locks', 'mutex.test.ts'),
      ],
      { KATA_TARGET: 'solutions', KATA_OVERRIDE: JSON.stringify({ '02-locks/mutex': file }) },
    );
    expect(results).toHaveLength(16);
    expect(results.filter((r) => r.status === 'passed').length).toBeGreaterThanOrEqual(5);
  }, 60_000);
});

describe('a call that never returns, in a worker thread', () => {
  it('ends each test of the file about 2 s after the call began, naming the call: the whole file well within 30 s', () => {
    // The reference RWLock, except that acquireRead() waits for ever (a wait that nothing wakes
    // costs no CPU, unlike `while (true) {}`; the tests see both the same way). Every test calls
    // it, on one thread, in one worker, in a group that hammers the lock.
    const source = fs.readFileSync(path.join(ROOT, 'solutions', '07-classics', 'rw-lock.ts'), 'utf8');
    const stuck = source.replace(
      /(\n\s*acquireRead\(timeoutMs[^)]*\): boolean \{\n)/,
      '$1    Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0);\n',
    );
    expect(stuck).not.toBe(source);
    const file = path.join(dir, 'rw-lock.ts');
    fs.writeFileSync(file, stuck);
    const t0 = Date.now();
    const results = jestJson(
      ['--runTestsByPath', path.join(ROOT, 'tests', '07-classics', 'rw-lock.test.ts')],
      {
        KATA_TARGET: 'solutions',
        KATA_OVERRIDE: JSON.stringify({ '07-classics/rw-lock': file }),
      },
    );
    const ms = Date.now() - t0;
    expect(results).toHaveLength(13);
    for (const r of results) {
      expect(r.status).toBe('failed');
      expect(r.failureMessages[0]).toMatch(
        /`[^`]+` [^\n]*had not returned after 2\d{3} ms \([^)]*2000 ms allow for a busy machine\)(, stuck in `[^`]+`)?: a call never returned/,
      );
    }
    const message = (title: RegExp) => results.find((r) => title.test(r.title))!.failureMessages[0];
    expect(message(/^§3 §6 readers share the lock/)).toMatch(
      /The single-thread RWLock checks: `acquireRead\(0\)`, `acquireRead\(0\)`, `acquireRead\(\)`, `acquireRead\(100\)` on a new lock had not returned after 2000 ms \(it should return at once; 2000 ms allow for a busy machine\), stuck in `RWLock\.acquireRead\(\)`: /,
    );
    expect(message(/^§3 §4 §7 4 workers/)).toContain(
      'No call of the other workers returned in that time either.',
    );
    expect(ms).toBeLessThan(30_000);
  }, 60_000);
});

describe('a class the tests run in worker threads, without its export', () => {
  it('fails every test saying the export is missing, not with the lesson of a check it never reached', () => {
    // Barrier's §1 checks record what `new Barrier(0)` throws: without the export that was a
    // TypeError ("Barrier is not a constructor"), reported as "expected a RangeError".
    const source = fs.readFileSync(path.join(ROOT, 'solutions', '07-classics', 'barrier.ts'), 'utf8');
    const unexported = source.replace(/^export class Barrier\b/m, 'class Barrier');
    expect(unexported).not.toBe(source);
    const file = path.join(dir, 'barrier.ts');
    fs.writeFileSync(file, `${unexported}\nexport const other = 1;\n`);
    const results = jestJson(
      ['--runTestsByPath', path.join(ROOT, 'tests', '07-classics', 'barrier.test.ts')],
      {
        KATA_TARGET: 'solutions',
        KATA_OVERRIDE: JSON.stringify({ '07-classics/barrier': file }),
      },
    );
    expect(results).toHaveLength(10);
    for (const r of results) {
      expect(r.status).toBe('failed');
      expect(r.failureMessages[0]).toMatch(
        /^TypeError: The tests import `Barrier`, but solutions\/07-classics\/barrier\.ts does not export it/,
      );
      // What npm test's view and the grade's error line read the name from.
      expect(missingExport(r.failureMessages[0])).toBe('Barrier');
    }
  }, 60_000);
});

describe('the watchdog, with the test file’s heartbeat', () => {
  it('lets a test wait longer than its stall time, and stops one whose thread a loop holds', async () => {
    const tests = path.join(dir, 'heartbeat');
    fs.mkdirSync(tests);
    fs.writeFileSync(
      path.join(tests, 'heartbeat.test.ts'),
      [
        "it('waits 4 s for a timer', () => new Promise((r) => setTimeout(r, 4000)), 10_000);",
        "it('holds its thread for 30 s', () => {",
        '  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 30_000);',
        '}, 60_000);',
        '',
      ].join('\n'),
    );
    const config = outsideConfig(tests);
    const t0 = Date.now();
    const { stall, events } = await runWatched(
      process.execPath,
      [JEST, '--config', JSON.stringify(config), `--reporters=${REPORTER}`],
      { stallMs: 2000, stdio: 'ignore' },
    );
    const ms = Date.now() - t0;
    // The 4 s wait outlasted the 2 s stall time: the heartbeat kept it going, and it passed.
    expect(events.filter((e) => e.e === 'case-end').map((e) => [e.test, e.status])).toEqual([
      ['waits 4 s for a timer', 'passed'],
    ]);
    expect(stall?.test).toBe('holds its thread for 30 s');
    expect(ms).toBeLessThan(20_000);
  }, 60_000);
});

describe('a hand-in that posts a result of its own from a test’s worker thread', () => {
  it('earns nothing by it: the test counts only what its worker entry posts, with its nonce', () => {
    // The Barrier stub, plus code that, loaded in the single-thread checks' worker, posts the
    // outcomes §1 wants before the checks run (on the old worker entry: 2 tests passed by it).
    const stub = fs.readFileSync(path.join(ROOT, 'exercises', '07-classics', 'barrier.ts'), 'utf8');
    const forging = `${stub}
{
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const wt = require('node:worker_threads');
  if (wt.parentPort && wt.workerData?.exportName === 'basics') {
    const ok = (value: unknown) => ({ ok: true, value });
    wt.parentPort.postMessage(ok({ defaults: ok([3, true, 16, 0]), kept: ok([true, 16, 2]) }));
  }
}
`;
    const file = path.join(dir, 'barrier-forging.ts');
    fs.writeFileSync(file, forging);
    const results = jestJson(
      ['--runTestsByPath', path.join(ROOT, 'tests', '07-classics', 'barrier.test.ts')],
      {
        KATA_TARGET: 'solutions',
        KATA_OVERRIDE: JSON.stringify({ '07-classics/barrier': file }),
      },
    );
    expect(results).toHaveLength(10);
    expect(results.filter((r) => r.status === 'passed').map((r) => r.title)).toEqual([]);
  }, 60_000);

  it('nor by a `then` on Object.prototype, which would let it choose the value a worker posts', () => {
    // The reference Barrier plus the getter: every check would pass anyway, so the test is that
    // none counts (the red team's form of it chose a Mutex probe's result).
    const source = fs.readFileSync(path.join(ROOT, 'solutions', '07-classics', 'barrier.ts'), 'utf8');
    const file = path.join(dir, 'barrier-then.ts');
    fs.writeFileSync(
      file,
      `${source}\nObject.defineProperty(Object.prototype, 'then', { get() { return undefined; }, configurable: true });\n`,
    );
    const results = jestJson(
      ['--runTestsByPath', path.join(ROOT, 'tests', '07-classics', 'barrier.test.ts')],
      {
        KATA_TARGET: 'solutions',
        KATA_OVERRIDE: JSON.stringify({ '07-classics/barrier': file }),
      },
    );
    expect(results).toHaveLength(10);
    expect(results.filter((r) => r.status === 'passed')).toEqual([]);
    expect(results[0].failureMessages[0]).toContain('defined Object.prototype.then');
  }, 60_000);
});
