'use strict';
// @ts-check
// Runs one command of the grader on a student's code, in a sandbox where one exists.
//
// Linux with bubblewrap (`bwrap`): the whole file system is read-only (`--ro-bind / /`) except
// one scratch folder per run; no network but loopback (`--unshare-net`); its own PID namespace
// (`--unshare-pid`), so when the command ends or is killed, the kernel kills every process it
// started, detached or not (`--die-with-parent` covers the grader dying). Elsewhere (macOS,
// Windows, no bwrap): the command runs with the grader's rights, and its process tree is killed
// when it ends; `sandboxed()` says which, and the grader prints it at the top of its report.
const { spawn, spawnSync } = require('node:child_process');
const { killTree } = require('../common/kill-tree.js');

/** @type {string | null | undefined} */
let bwrapPath;
/** The runs in progress: `stopAll()` kills their trees (the grader stopped by a signal). */
const running = new Set();

/** The bwrap executable if it works here (tried once), else null. */
function bwrap() {
  if (bwrapPath !== undefined) return bwrapPath;
  bwrapPath = null;
  if (process.platform !== 'linux' || process.env.KATA_GRADE_NO_SANDBOX) return bwrapPath;
  const probe = spawnSync(
    'bwrap',
    ['--ro-bind', '/', '/', '--dev', '/dev', '--proc', '/proc', '--unshare-net', '--unshare-pid', 'true'],
    { stdio: 'ignore', timeout: 10_000 },
  );
  if (probe.status === 0) bwrapPath = 'bwrap';
  return bwrapPath;
}

/** @returns {boolean} whether student code runs in a bwrap sandbox */
function sandboxed() {
  return bwrap() !== null;
}

/**
 * Runs `node args` with `scratch` the only writable folder (TMPDIR too), killing it and everything
 * it started when it ends or after `limitMs`. `secret` is written to the child's fd 3 and the pipe
 * closed: only the process that reads it first (jest's parent, before it starts any worker) has it.
 * Output is dropped but for the last few KB of stderr (a student's code may print without end).
 * The watchdog: with `progress` (a number that grows while the run gets on, e.g. the size of its
 * results file), a run whose progress started and then stood still for `stallMs` is killed as
 * `stalled` (a synchronous endless loop blocks jest's own timers, so no test timeout can fire).
 * @param {string[]} args
 * With bwrap, `hide` (paths) are empty folders in the sandbox, and `show` (paths under them) are
 * there again, read-only.
 * @param {{ cwd: string, env: NodeJS.ProcessEnv, limitMs: number, scratch: string, secret: string,
 *   stallMs?: number, progress?: () => number, hide?: string[], show?: string[] }} opts
 * @returns {Promise<{ code: number | null, signal: string | null, timedOut: boolean, stalled: boolean, stderr: string, ms: number }>}
 */
function runSandboxed(
  args,
  { cwd, env, limitMs, scratch, secret, stallMs = Infinity, progress, hide = [], show = [] },
) {
  const started = Date.now();
  const box = bwrap();
  const [cmd, argv] = box
    ? [
        box,
        [
          '--ro-bind',
          '/',
          '/',
          '--dev',
          '/dev',
          '--proc',
          '/proc',
          '--tmpfs',
          '/dev/shm',
          // What the run must not read (the reference solutions, the known goods, the other
          // hand-ins and their workspaces): empty folders in the sandbox; then what it needs of
          // them again, read-only, and its own scratch folder, writable.
          ...hide.flatMap((p) => ['--tmpfs', p]),
          ...show.flatMap((p) => ['--ro-bind', p, p]),
          '--bind',
          scratch,
          scratch,
          '--unshare-net',
          '--unshare-pid',
          '--unshare-ipc',
          '--die-with-parent',
          '--new-session',
          '--chdir',
          cwd,
          process.execPath,
          ...args,
        ],
      ]
    : [process.execPath, args];
  return new Promise((resolve) => {
    const child = spawn(cmd, argv, {
      cwd,
      env: { ...env, TMPDIR: scratch, TMP: scratch, TEMP: scratch, HOME: scratch },
      stdio: ['ignore', 'ignore', 'pipe', 'pipe'],
      detached: process.platform !== 'win32',
      windowsHide: true,
    });
    running.add(child);
    const keyPipe = /** @type {import('node:stream').Writable} */ (child.stdio[3]);
    keyPipe.on('error', () => {});
    keyPipe.end(secret);
    let stderr = '';
    child.stderr?.on('data', (d) => {
      stderr = (stderr + d).slice(-4000);
    });
    let timedOut = false;
    let stalled = false;
    const timer = setTimeout(() => {
      timedOut = !stalled;
      void killTree(child.pid);
    }, limitMs);
    let seen = 0;
    let since = Date.now();
    const watch = progress
      ? setInterval(() => {
          const now = Date.now();
          const p = progress();
          if (p !== seen) [seen, since] = [p, now];
          else if (p > 0 && now - since > stallMs && !timedOut && !stalled) {
            stalled = true;
            void killTree(child.pid);
          }
        }, 250)
      : undefined;
    child.on('close', (code, signal) => {
      running.delete(child);
      clearTimeout(timer);
      clearInterval(watch);
      // Whatever it left behind goes too (without bwrap: a detached child of a test).
      void killTree(child.pid).then(() =>
        resolve({ code, signal, timedOut, stalled, stderr, ms: Date.now() - started }),
      );
    });
  });
}

/**
 * Kills every run in progress, with whatever it started: for the grader stopped by Ctrl-C or
 * SIGTERM (without bwrap, a run is a detached process group that would outlive it).
 * @returns {Promise<void>}
 */
async function stopAll() {
  await Promise.all([...running].map((child) => killTree(child.pid)));
}

module.exports = { runSandboxed, sandboxed, stopAll };
