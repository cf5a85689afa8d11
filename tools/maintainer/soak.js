'use strict';
// `npm run soak -- [--runs 50] [--load] [--target solutions] [jest args…]`
// Runs the whole test suite (against solutions/ by default) N times in a row and reports every
// failure by test name with its first message line, so that a flaky test shows up as what it is.
// --load keeps busy loops running on every core but one, like a loaded CI machine.
// Exit code 0 only with no failure.
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { spawn } = require('node:child_process');
const { parseArgs } = require('node:util');
const { run } = require('../common/run.js');
const { studentConfig } = require('../common/jest-base.js');

const ROOT = path.resolve(__dirname, '..', '..');
const JEST = path.join(ROOT, 'node_modules', 'jest', 'bin', 'jest.js');

const { values: flags, positionals } = parseArgs({
  allowPositionals: true,
  options: {
    runs: { type: 'string', default: '50' },
    load: { type: 'boolean', default: false },
    target: { type: 'string', default: 'solutions' },
    'run-timeout': { type: 'string', default: '300' },
  },
});
const runs = Number(flags.runs);
if (!Number.isInteger(runs) || runs < 1) {
  process.stderr.write(`--runs must be a positive integer; got \`${flags.runs}\`.\n`);
  process.exit(2);
}

/** @type {import('node:child_process').ChildProcess[]} */
const hogs = [];
function startLoad() {
  const cores = typeof os.availableParallelism === 'function' ? os.availableParallelism() : os.cpus().length;
  for (let i = 0; i < Math.max(1, cores - 1); i++) {
    hogs.push(spawn(process.execPath, ['-e', 'for(;;);'], { stdio: 'ignore' }));
  }
  return hogs.length;
}
// A hog is one `node -e 'for(;;);'` with no children, and 'exit' handlers must be synchronous:
// a plain kill is the whole tree here (tools/common/kill-tree.js is for trees, and is async).
function stopLoad() {
  for (const h of hogs) h.kill('SIGKILL');
}
process.on('exit', stopLoad);
process.on('SIGINT', () => process.exit(130));

async function main() {
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'kata-soak-'));
  if (flags.load) process.stdout.write(`load: ${startLoad()} busy loop(s) running\n`);
  const failures = new Map(); // test name -> { count, message }
  let badRuns = 0;
  const times = [];
  for (let i = 1; i <= runs; i++) {
    const out = path.join(tmp, `run-${i}.json`);
    const config = ['--config', JSON.stringify(studentConfig(flags.target))];
    const res = await run(
      process.execPath,
      [JEST, ...config, '--json', `--outputFile=${out}`, ...positionals],
      {
        env: { CI: 'true', KATA_TARGET: flags.target },
        timeoutMs: Number(flags['run-timeout']) * 1000,
        quiet: true,
      },
    );
    times.push(res.ms);
    let report;
    try {
      report = JSON.parse(fs.readFileSync(out, 'utf8'));
    } catch {
      report = null;
    }
    const failed = [];
    if (!report)
      failed.push({
        name: '(run)',
        message: res.timedOut ? 'the run timed out (hang)' : `no report (exit ${res.code})`,
      });
    for (const file of report?.testResults ?? []) {
      const rel = path.relative(ROOT, file.name);
      if (
        file.status === 'failed' &&
        !file.assertionResults.some((/** @type {any} */ t) => t.status === 'failed')
      ) {
        failed.push({ name: `${rel} (file)`, message: file.message });
      }
      for (const t of file.assertionResults) {
        if (t.status === 'failed')
          failed.push({ name: `${rel} › ${t.fullName}`, message: t.failureMessages.join('\n') });
      }
    }
    if (/failed to exit gracefully|did not exit/.test(res.stderr))
      failed.push({ name: '(run)', message: 'jest: a worker did not exit by itself' });
    if (failed.length) badRuns++;
    for (const f of failed) {
      const entry = failures.get(f.name) ?? { count: 0, message: '' };
      entry.count++;
      entry.message ||= (f.message ?? '').split('\n').find((/** @type {string} */ l) => l.trim()) ?? '';
      failures.set(f.name, entry);
    }
    process.stdout.write(
      `run ${i}/${runs}: ${failed.length ? `${failed.length} failure(s)` : 'ok'} (${(res.ms / 1000).toFixed(1)} s)\n`,
    );
  }
  stopLoad();
  fs.rmSync(tmp, { recursive: true, force: true });
  const sorted = [...times].sort((a, b) => a - b);
  process.stdout.write(
    `\n${runs} runs${flags.load ? ' under load' : ''}: ${runs - badRuns} clean, ${badRuns} with failures; ` +
      `median ${(sorted[Math.floor(sorted.length / 2)] / 1000).toFixed(1)} s, max ${(sorted[sorted.length - 1] / 1000).toFixed(1)} s\n`,
  );
  for (const [name, { count, message }] of [...failures].sort((a, b) => b[1].count - a[1].count)) {
    process.stdout.write(`  ${count}× ${name}\n      ${message}\n`);
  }
  process.stdout.write(`${runs - badRuns} passed, ${badRuns} failed\n`);
  process.exitCode = badRuns === 0 ? 0 : 1;
}

main();
