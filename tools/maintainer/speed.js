'use strict';
// `npm run speed`: the four speed figures of README's "Speed" section, measured on this machine.
//   one exercise   `npm test -- limit` against solutions/ (the median of 3 runs)
//   watch          `npm run watch -- limit`: from a save of solutions/03-semaphores/limit.ts to
//                  the run's result line (the median of 3 saves; the file is rewritten unchanged)
//   full suite     `npm run test:solutions`
//   verify         `npm run verify` (left out with --no-verify)
// Each figure is wall time, with the CPU time (user + sys) of the processes it started (Linux),
// and the load average when it began: on a shared machine, CPU time is the figure to compare.
// Flags: --no-verify, --runs N (runs of the first two figures, default 3).
const { spawn, execFileSync } = require('node:child_process');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { parseArgs } = require('node:util');
const { ROOT } = require('../common/target.js');
const { killTree } = require('../common/kill-tree.js');

const { values: flags } = parseArgs({
  options: { 'no-verify': { type: 'boolean', default: false }, runs: { type: 'string', default: '3' } },
});
const RUNS = Math.max(1, Number(flags.runs) || 3);
const LIMIT_MS = 600_000; // a whole verify on a loaded machine; anything longer is a hang

/** Clock ticks a second of /proc's CPU times. */
const TICK = (() => {
  try {
    return Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' })) || 100;
  } catch {
    return 100;
  }
})();

/** CPU seconds (user + sys) of this process's finished children, or NaN off Linux. */
function childCpu() {
  try {
    const stat = fs.readFileSync('/proc/self/stat', 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(fields[13]) + Number(fields[14])) / TICK; // cutime, cstime
  } catch {
    return NaN;
  }
}

const load = () => os.loadavg()[0].toFixed(1);

/**
 * Runs a command to its end; rejects on a non-zero exit (unless `anyExit`) or at LIMIT_MS.
 * @param {string[]} args node arguments @param {Record<string, string>} env @param {boolean} anyExit
 * @returns {Promise<{ ms: number, cpu: number, load: string, code: number | null, out: string }>}
 */
function timed(args, env = {}, anyExit = false) {
  const before = childCpu();
  const started = load();
  const t0 = performance.now();
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, args, {
      cwd: ROOT,
      env: { ...process.env, CI: 'true', ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    child.stdout.on('data', (d) => (out += d));
    child.stderr.on('data', (d) => (out += d));
    const timer = setTimeout(() => void killTree(child.pid), LIMIT_MS);
    child.on('close', (code) => {
      clearTimeout(timer);
      const ms = performance.now() - t0;
      if (code !== 0 && !anyExit)
        reject(new Error(`\`node ${args.join(' ')}\` exited ${code}:\n${out.slice(-2000)}`));
      else resolve({ ms, cpu: childCpu() - before, load: started, code, out });
    });
  });
}

/**
 * `npm run watch -- limit` against solutions/, and RUNS saves of the exercise, one at a time:
 * the time from each save to the run's result line.
 * @returns {Promise<number[]>}
 */
async function watchRuns() {
  // watch follows the tree it tests: under KATA_TARGET=solutions, a save in solutions/.
  const file = path.join(ROOT, 'solutions', '03-semaphores', 'limit.ts');
  const content = fs.readFileSync(file);
  const child = spawn(process.execPath, [path.join(ROOT, 'tools', 'student', 'watch.js'), 'limit'], {
    cwd: ROOT,
    env: { ...process.env, KATA_TARGET: 'solutions' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  let waiter = () => {};
  /** @param {Buffer} d */
  const onData = (d) => {
    out += d;
    waiter();
  };
  child.stdout.on('data', onData);
  child.stderr.on('data', onData);
  /** Resolves when the n-th result line has been printed. @param {number} n @param {string} what */
  const results = (n, what) =>
    new Promise((resolve, reject) => {
      const timer = setTimeout(
        () =>
          reject(new Error(`watch printed no result ${what} within 60 s. Its output:\n${out.slice(-2000)}`)),
        60_000,
      );
      waiter = () => {
        if ((out.match(/Tests: .* total/g) ?? []).length >= n) {
          clearTimeout(timer);
          resolve(undefined);
        }
      };
      waiter();
    });
  const times = [];
  try {
    await results(1, 'for its first run');
    for (let i = 0; i < RUNS; i++) {
      const t0 = performance.now();
      fs.writeFileSync(file, content);
      await results(i + 2, `after save ${i + 1}`);
      times.push(performance.now() - t0);
    }
  } finally {
    await killTree(child.pid);
  }
  return times;
}

const median = (/** @type {number[]} */ xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const s = (/** @type {number} */ ms) => `${(ms / 1000).toFixed(1)} s`;
const cpu = (/** @type {number} */ c) => (Number.isNaN(c) ? '' : `, CPU ${c.toFixed(1)} s`);

async function main() {
  const log = (/** @type {string} */ line) => process.stdout.write(`${line}\n`);
  log(
    `npm run speed: ${new Date().toISOString()}, ${os.availableParallelism()} cores (${os.cpus()[0]?.model ?? '?'}), node ${process.version}, load ${os
      .loadavg()
      .map((l) => l.toFixed(1))
      .join(' ')}`,
  );
  const one = [];
  for (let i = 0; i < RUNS; i++)
    one.push(await timed([path.join('tools', 'student', 'test.js'), 'limit'], { KATA_TARGET: 'solutions' }));
  const mid = one.map((r) => r.ms).indexOf(median(one.map((r) => r.ms)));
  log(
    `one exercise (npm test -- limit):   ${s(one[mid].ms)} (median of ${RUNS}: ${one.map((r) => s(r.ms)).join(', ')}${cpu(one[mid].cpu)}, load ${one[mid].load})`,
  );

  const watchLoad = load();
  const saves = await watchRuns();
  log(
    `watch, save to result:              ${s(median(saves))} (median of ${RUNS}: ${saves.map(s).join(', ')}, load ${watchLoad})`,
  );

  const full = await timed([
    path.join('tools', 'common', 'with-target.js'),
    'solutions',
    'tools/student/test.js',
  ]);
  log(`full suite (npm run test:solutions): ${s(full.ms)} (${cpu(full.cpu).slice(2)}, load ${full.load})`);

  if (!flags['no-verify']) {
    // A figure even when checks fail (a loaded machine fails some): verify's last line says how many.
    const v = await timed([path.join('tools', 'maintainer', 'verify.js')], {}, true);
    const last = v.out.trim().split('\n').pop() ?? '';
    log(`verify (npm run verify):             ${s(v.ms)} (${cpu(v.cpu).slice(2)}, load ${v.load}; ${last})`);
  }
  log(
    `load now: ${os
      .loadavg()
      .map((l) => l.toFixed(1))
      .join(' ')}`,
  );
}

main().catch((error) => {
  process.stderr.write(`${error instanceof Error ? error.message : error}\n`);
  process.exitCode = 1;
});
