'use strict';
// The watchdog: runs jest (or any command whose jest run includes watchdog-reporter.js) and kills
// it, with everything it started, when a test file makes no progress for `stallMs`. A synchronous
// loop in a student's function (`while (true) {}`) blocks jest's own timers, so no test timeout
// can fire: only a process outside jest can notice. Used by `npm test`, `npm run watch` and
// offered to the grader:
//
//   const { runWatched, REPORTER } = require('../common/watchdog.js');
//   const { code, stall } = await runWatched(process.execPath, [JEST, `--reporters=${REPORTER}`, …]);
//   if (stall) console.log(describeStall(stall));   // names the exercise file and the test
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { spawn } = require('node:child_process');
const { killTree } = require('./kill-tree.js');

const REPORTER = path.join(__dirname, 'watchdog-reporter.js');
/** jest's testTimeout is 10 s: twice that with no event means the test cannot time out. */
const DEFAULT_STALL_MS = Number(process.env.KATA_STALL_MS) || 20_000;
/**
 * Once a test file's heartbeat has started (tests/helpers/environment.js, twice a second from
 * the jest process's event loop), its silence this long means a thread held by a synchronous
 * loop: a test that only waits keeps beating, and its own timeouts end it.
 */
const BEAT_STALL_MS = 10_000;
const POLL_MS = 250;

/**
 * @typedef {{ file: string, test: string | undefined, ms: number, afterRun: boolean,
 *   passed: number, failed: number }} Stall
 *   `file`: the test file; `test`: the test running when it stalled (undefined: outside a test,
 *   e.g. loading the file); `afterRun`: every test had finished but jest did not exit.
 */

/**
 * Spawns `cmd args` (its own process group) with KATA_WATCHDOG_FILE set, and watches the events.
 * @param {string} cmd
 * @param {string[]} args
 * @param {{ env?: NodeJS.ProcessEnv, stallMs?: number, stdio?: import('node:child_process').StdioOptions,
 *   onSpawn?: (child: import('node:child_process').ChildProcess) => void }} [opts]
 * @returns {Promise<{ code: number | null, signal: NodeJS.Signals | null, stall: Stall | undefined,
 *   events: Array<{ e: string, file?: string, test?: string, status?: string, t: number,
 *   passed?: number, failed?: number, pending?: number }> }>}
 */
function runWatched(cmd, args, opts = {}) {
  const stallMs = opts.stallMs ?? DEFAULT_STALL_MS;
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'kata-watchdog-'));
  const file = path.join(dir, 'events.jsonl');
  fs.writeFileSync(file, '');
  const child = spawn(cmd, args, {
    env: { ...process.env, ...opts.env, KATA_WATCHDOG_FILE: file },
    stdio: opts.stdio ?? 'inherit',
    detached: process.platform !== 'win32',
  });
  opts.onSpawn?.(child);
  /** @type {Array<{ e: string, file?: string, test?: string, status?: string, t: number }>} */
  const events = [];
  const beatStallMs = Math.min(stallMs, BEAT_STALL_MS);
  /** @type {Map<string, { last: number, test: string | undefined, beating?: boolean }>} */
  const open = new Map();
  let read = 0;
  let runEnd = 0;
  /** @type {Stall | undefined} */
  let stall;

  const poll = () => {
    let text = '';
    try {
      const buf = fs.readFileSync(file);
      text = buf.subarray(read).toString('utf8');
      const end = text.lastIndexOf('\n') + 1;
      text = text.slice(0, end);
      read += Buffer.byteLength(text);
    } catch {
      /* not written yet */
    }
    for (const line of text.split('\n')) {
      if (!line) continue;
      let ev;
      try {
        ev = JSON.parse(line);
      } catch {
        continue;
      }
      if (ev.e === 'beat') {
        // Only a file that is running: a beat may come just before its start or after its end.
        const o = open.get(ev.file);
        if (o) Object.assign(o, { last: Math.max(o.last, ev.t), beating: true });
        continue;
      }
      events.push(ev);
      if (ev.e === 'run-end') runEnd = ev.t;
      else if (ev.e === 'file-end') open.delete(ev.file);
      else if (ev.file)
        open.set(ev.file, {
          last: ev.t,
          test: ev.e === 'case-start' ? ev.test : undefined,
          beating: open.get(ev.file)?.beating,
        });
    }
    const now = Date.now();
    for (const [f, s] of open) {
      if (now - s.last > (s.beating ? beatStallMs : stallMs))
        return stop({ file: f, test: s.test, ms: now - s.last, afterRun: false });
    }
    if (runEnd && now - runEnd > stallMs)
      stop({ file: '', test: undefined, ms: now - runEnd, afterRun: true });
    return undefined;
  };

  /** @param {Omit<Stall, 'passed' | 'failed'>} found */
  const stop = (found) => {
    if (stall) return;
    const mine = events.filter((ev) => ev.e === 'case-end' && ev.file === found.file);
    stall = {
      ...found,
      passed: mine.filter((ev) => ev.status === 'passed').length,
      failed: mine.filter((ev) => ev.status === 'failed').length,
    };
    void killTree(child.pid);
  };

  const timer = setInterval(poll, POLL_MS);
  return new Promise((resolve) => {
    child.on('close', (code, signal) => {
      clearInterval(timer);
      poll();
      fs.rmSync(dir, { recursive: true, force: true });
      resolve({ code, signal, stall, events });
    });
  });
}

/**
 * What to tell a student about a stall, in a few lines.
 * @param {Stall} stall
 * @param {string} [exerciseFile]  e.g. exercises/02-locks/mutex.ts
 * @returns {string[]}
 */
function describeStall(stall, exerciseFile) {
  const secs = Math.round(stall.ms / 1000);
  if (stall.afterRun) {
    return [
      `Stopped: every test had finished, but jest did not exit for ${secs} s.`,
      '  Likely cause: something your code started is still open (a server, a socket, a worker, an interval).',
    ];
  }
  const where = exerciseFile ?? path.relative(process.cwd(), stall.file);
  return [
    `Stopped: ${where} made no progress for ${secs} s${stall.test ? `, in the test:` : ' (while loading the test file).'}`,
    ...(stall.test ? [`    ${stall.test}`] : []),
    '  Likely cause: a synchronous loop never gave control back (a `while` whose condition never',
    '  changes, or a busy-wait), or `Atomics.wait` with no timeout on the main thread. No test timeout',
    '  can fire while a loop holds the thread, so the watchdog stopped the run and everything it started.',
  ];
}

module.exports = { runWatched, describeStall, REPORTER, DEFAULT_STALL_MS };
