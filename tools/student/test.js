'use strict';
// `npm test [-- <exercise>…] [-- jest flags]`: jest, where an exercise's name means exactly that
// exercise. `npm test -- mutex` runs tests/02-locks/mutex.test.ts only (a plain jest pattern
// `mutex` would also match async-mutex); `npm test -- 02-locks` or `locks` runs the topic.
// Anything that is not an exercise name or a flag goes to jest unchanged (a path pattern).
// The progress summary at the end comes from tools/student/progress-reporter.js (jest.config.ts).
const path = require('node:path');
const kata = require('../common/kata.js');
const { configArgs } = require('../common/jest-base.js');
const { runWatched, describeStall, REPORTER } = require('../common/watchdog.js');
const { targetName } = require('../common/target.js');
const { killTree } = require('../common/kill-tree.js');
const { renderSummary, painter } = require('./progress-reporter.js');

const JEST = path.join(__dirname, '..', '..', 'node_modules', 'jest', 'bin', 'jest.js');
// jest flags whose value is the next argument (`-t mutex` is a test name, not an exercise), from
// jest's own option table: every option that is not a boolean, and its one-letter alias.
const TAKES_VALUE = new Set(
  Object.entries(
    /** @type {Record<string, { type?: string, alias?: string }>} */ (require('jest-cli').yargsOptions),
  )
    .filter(([, o]) => o.type !== undefined && o.type !== 'boolean')
    .flatMap(([name, o]) => [`--${name}`, ...(o.alias ? [`-${o.alias}`] : [])]),
);

const escape = (s) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

function jestArgs(argv, ids) {
  const out = [];
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (arg.startsWith('-')) {
      out.push(arg);
      if (TAKES_VALUE.has(arg) && i + 1 < argv.length) out.push(argv[++i]);
      continue;
    }
    const found = kata.resolveExercise(arg, ids);
    if (found.length === 0) {
      process.stderr.write(
        `(\`${arg}\` is not an exercise name, so jest matches it against test file paths.${kata.didYouMean(arg, ids)} Exercise names: ${ids
          .map((id) => id.split('/')[1])
          .join(', ')}.)\n`,
      );
      out.push(arg);
      continue;
    }
    // `02-locks.mutex\.test\.ts$`: the `.` matches `/` and Windows' `\` alike.
    for (const id of found) {
      const [topic, name] = id.split('/');
      // `<name>-cli.test.ts` tests the exercise's CLI: it counts in the same row.
      out.push(`${escape(topic)}.${escape(name)}(-cli)?\\.test\\.ts$`);
    }
  }
  return out;
}

/**
 * The reporters of a student's run: the watchdog's first (its events must be written before a
 * test can freeze the process), then jest's full output (`--all`) or the compact one, then the
 * progress summary.
 * @param {boolean} all
 * @returns {string[]}
 */
function reporterArgs(all) {
  return [
    `--reporters=${REPORTER}`,
    `--reporters=${all ? 'default' : path.join(__dirname, 'compact-reporter.js')}`,
    `--reporters=${path.join(__dirname, 'progress-reporter.js')}`,
  ];
}

/**
 * After the watchdog stopped a run: the diagnosis, then the progress summary with the stuck
 * exercise marked failing (jest's own summary never came).
 * @param {import('../common/watchdog.js').Stall} stall
 * @param {Array<{ e: string, file?: string, test?: string, status?: string }>} events
 * @param {boolean} [watching]  under `npm run watch` (its footer has the commands)
 */
function reportStall(stall, events, watching = false) {
  const id = stall.file ? kata.idOfTestFile(stall.file) : undefined;
  const lines = describeStall(stall, id ? `exercises/${id}.ts` : undefined);
  process.stderr.write(`\n${lines.join('\n')}\n`);
  let list;
  try {
    list = kata.loadKata().exercises;
  } catch {
    return;
  }
  /** @type {Record<string, any>} */
  const results = {};
  const ended = new Set(events.filter((ev) => ev.e === 'file-end').map((ev) => ev.file));
  for (const file of new Set(events.map((ev) => ev.file).filter(Boolean))) {
    const fid = kata.idOfTestFile(String(file));
    if (!fid || !list.some((e) => e.id === fid) || (!ended.has(file) && file !== stall.file)) continue;
    const cases = events.filter((ev) => ev.e === 'case-end' && ev.file === file);
    const passed = cases.filter((ev) => ev.status === 'passed').length;
    const failedCase = cases.find((ev) => ev.status === 'failed');
    const stuck = file === stall.file;
    const failed = cases.length - passed + (stuck ? 1 : 0);
    results[fid] = {
      passed,
      failed,
      pending: 0,
      total: passed + failed,
      solved: !stuck && failed === 0 && passed > 0,
      failure: stuck
        ? {
            test: stall.test ?? '(loading the test file)',
            message: `Stopped by the watchdog after ${Math.round(stall.ms / 1000)} s without progress (see above).`,
          }
        : failedCase
          ? {
              test: failedCase.test ?? '',
              message: '(run `npm test -- ' + fid.split('/')[1] + '` for the message)',
            }
          : undefined,
      at: new Date().toISOString(),
    };
  }
  if (targetName() !== 'exercises' || process.env.KATA_OVERRIDE) return;
  const progress = kata.readProgress();
  const before = { ...progress };
  Object.assign(progress, results);
  kata.writeProgress(progress);
  const summary = renderSummary({
    list,
    results,
    progress,
    before,
    watching,
    paint: painter(process.stderr),
  });
  process.stderr.write(`${summary.join('\n')}\n`);
}

/**
 * Runs jest under the watchdog. Exit code: jest's; 1 after a stall.
 * @param {string[]} argv  what followed `npm test --`
 * @param {{ env?: NodeJS.ProcessEnv, stallMs?: number }} [opts]
 * @returns {Promise<number>}
 */
async function main(argv, opts = {}) {
  let ids;
  try {
    ids = kata.loadKata().exercises.map((e) => e.id);
  } catch {
    ids = [];
  }
  for (const id of kata.treeIds()) if (!ids.includes(id)) ids.push(id);
  const all = argv.includes('--all');
  const rest = argv.filter((a) => a !== '--all');
  const args = [JEST, ...configArgs(rest), ...jestArgs(rest, ids), ...reporterArgs(all)];
  // jest runs in its own process group (so the watchdog can kill it whole): Ctrl-C must stop it
  // too, and so must a SIGTERM or SIGHUP (an editor or CI stopping the run, a closed terminal),
  // or jest would go on running with nobody to read it. In place before jest starts.
  /** @type {number | undefined} */
  let signalled;
  /** @type {import('node:child_process').ChildProcess | undefined} */
  let jest;
  for (const [signal, code] of /** @type {const} */ ([
    ['SIGINT', 130],
    ['SIGTERM', 143],
    ['SIGHUP', 129],
  ]))
    process.once(signal, () => {
      signalled ??= code;
      if (jest) void killTree(jest.pid);
    });
  const { code, stall, events } = await runWatched(process.execPath, args, {
    ...opts,
    onSpawn: (child) => {
      jest = child;
      if (signalled !== undefined) void killTree(child.pid);
    },
  });
  if (signalled !== undefined) return signalled;
  if (stall) {
    reportStall(stall, events);
    return 1;
  }
  return code ?? 1;
}

if (require.main === module) {
  main(process.argv.slice(2)).then((code) => process.exit(code));
}

module.exports = { jestArgs, reporterArgs, reportStall, main, TAKES_VALUE };
