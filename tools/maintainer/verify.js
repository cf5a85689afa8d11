'use strict';
// `npm run verify`: the maintainer's proof that the tests are worth their points.
//   1. types (tsc) and formatting (prettier) of the whole repo;
//   2. every test passes against solutions/;
//   3. every test FAILS against exercises/ (the stubs), each within its own timeout;
//   4. every known-bug fixture (tests/known-bugs/<topic>/<name>/*.ts) is rejected by the tests
//      its `@catches` lines name (each a substring of a test's title, the `it(...)` text);
//   5. the runs exit by themselves (a leaked handle fails its test in tests/helpers/setup.ts).
// Prints one line a check and ends with `N passed, N failed`. Exit code 0 only if all passed.
//
// Flags: --only <step,…> (types, format, solutions, stubs, bugs), --bug <substring> (filter
// known-bug fixtures), --jobs N (known-bug test files run at once, default 4: most of their time
// is spent waiting for a timeout that proves a hang, not on the CPU), --exercise <id>
// (repeatable: only these exercises, e.g. --exercise 02-locks/mutex).
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { parseArgs } = require('node:util');
const { run } = require('../shared/run.js');
const { projectConfig, moduleNameMapper } = require('../shared/jest-base.js');

const ROOT = path.resolve(__dirname, '..', '..');
const JEST = path.join(ROOT, 'node_modules', 'jest', 'bin', 'jest.js');
const TSC = path.join(ROOT, 'node_modules', 'typescript', 'bin', 'tsc');
const PRETTIER = path.join(ROOT, 'node_modules', 'prettier', 'bin', 'prettier.cjs');
const RUN_LIMIT_MS = 240_000; // a whole jest run; a hang is killed and reported

const { values: flags } = parseArgs({
  options: {
    only: { type: 'string' },
    bug: { type: 'string' },
    jobs: { type: 'string', default: '4' },
    exercise: { type: 'string', multiple: true },
  },
});
const steps = new Set((flags.only ?? 'types,format,solutions,stubs,bugs').split(','));

let passed = 0;
let failed = 0;
const failures = [];
function check(ok, name, detail) {
  if (ok) passed++;
  else {
    failed++;
    failures.push(detail ? `${name}\n    ${detail.split('\n').join('\n    ')}` : name);
  }
  if (!ok)
    process.stdout.write(
      `  FAIL ${name}${detail ? `\n       ${detail.split('\n').join('\n       ')}` : ''}\n`,
    );
}
const log = (line) => process.stdout.write(`${line}\n`);

/** Exercise ids from the exercises tree: '02-locks/mutex', … */
function exerciseIds() {
  const dir = path.join(ROOT, 'exercises');
  const ids = [];
  for (const topic of fs.readdirSync(dir).sort()) {
    if (!fs.statSync(path.join(dir, topic)).isDirectory()) continue;
    for (const file of fs.readdirSync(path.join(dir, topic)).sort()) {
      if (file.endsWith('.ts')) ids.push(`${topic}/${file.slice(0, -3)}`);
    }
  }
  return flags.exercise ? ids.filter((id) => flags.exercise.includes(id)) : ids;
}

function knownBugs(id) {
  const dir = path.join(ROOT, 'tests', 'known-bugs', ...id.split('/'));
  if (!fs.existsSync(dir)) return [];
  return fs
    .readdirSync(dir)
    .filter((f) => f.endsWith('.ts'))
    .sort()
    .map((f) => {
      const file = path.join(dir, f);
      const text = fs.readFileSync(file, 'utf8');
      const catches = [...text.matchAll(/@catches\s+(.+?)\s*(?:\*\/)?$/gm)].map((m) => m[1].trim());
      return { id, file, name: `${id}/${f.slice(0, -3)}`, catches };
    });
}

/** jest arguments: all tests, or only the selected exercises' test files. */
function testPaths(ids) {
  if (!flags.exercise) return [];
  return ['--runTestsByPath', ...ids.map((id) => path.join(ROOT, 'tests', `${id}.test.ts`))];
}

let tmpCounter = 0;
const tmpDir = fs.mkdtempSync(path.join(os.tmpdir(), 'kata-verify-'));
if (!process.env.KATA_KEEP_TMP) process.on('exit', () => fs.rmSync(tmpDir, { recursive: true, force: true }));

/** Runs jest with --json; returns the parsed report (or null) and the process result. */
async function jest(args, env, limitMs) {
  const out = path.join(tmpDir, `jest-${++tmpCounter}.json`);
  const res = await run(process.execPath, [JEST, '--json', `--outputFile=${out}`, ...args], {
    env: { CI: 'true', ...env },
    timeoutMs: limitMs,
    quiet: true,
  });
  let report = null;
  try {
    report = JSON.parse(fs.readFileSync(out, 'utf8'));
  } catch {
    /* no report: a crash or a kill */
  }
  return { res, report };
}

function tests(report) {
  const out = [];
  for (const file of report?.testResults ?? []) {
    for (const t of file.assertionResults) {
      out.push({ file: path.relative(ROOT, file.name), ...t });
    }
    if (
      file.assertionResults.length === 0 ||
      (file.status === 'failed' && file.message && !file.assertionResults.some((t) => t.status === 'failed'))
    ) {
      out.push({
        file: path.relative(ROOT, file.name),
        fullName: '(file)',
        status: 'failed',
        failureMessages: [file.message],
        suiteError: true,
      });
    }
  }
  return out;
}

const firstLine = (msg) => (msg ?? '').split('\n').find((l) => l.trim()) ?? '';
const hangNote = (res) =>
  res.timedOut
    ? `the run did not finish within ${RUN_LIMIT_MS / 1000} s and was killed (a hang, or a leak that kept it alive)`
    : /did not exit|failed to exit gracefully|open handle/i.test(res.stderr)
      ? `jest reported: ${firstLine(res.stderr.match(/.*(did not exit|failed to exit gracefully|open handle).*/i)?.[0])}`
      : '';

/**
 * A run must end by itself: one killed at its time limit failed (a hang, or a handle that kept
 * it alive). Leaks fail their own test (tests/helpers/setup.ts). jest's "worker failed to exit
 * gracefully" means a jest child took over 500 ms to exit after its last file, which on a loaded
 * 2-core machine happens without any leak: it is printed as a note, not failed.
 */
function exitedCheck(step, res) {
  check(!res.timedOut, `${step}: the run exited by itself`, hangNote(res));
  if (!res.timedOut && hangNote(res)) log(`${step}: note: ${hangNote(res)}`);
}

async function main() {
  const t0 = Date.now();
  const ids = exerciseIds();
  log(`verify: ${ids.length} exercises (${ids.join(', ')})`);

  // Layout: every exercise has its solution, its test file and two known bugs.
  for (const id of ids) {
    check(fs.existsSync(path.join(ROOT, 'solutions', `${id}.ts`)), `layout: solutions/${id}.ts exists`);
    check(fs.existsSync(path.join(ROOT, 'tests', `${id}.test.ts`)), `layout: tests/${id}.test.ts exists`);
    const bugs = knownBugs(id);
    check(
      bugs.length >= 2,
      `layout: ${id} has at least two known-bug fixtures`,
      `found ${bugs.length} under tests/known-bugs/${id}/`,
    );
    for (const bug of bugs)
      check(bug.catches.length > 0, `layout: ${bug.name} names the tests that catch it (@catches)`);
  }

  // Layout: kata.json lists exactly the exercises in exercises/ (and autograding.json matches it).
  const metadata = require('../shared/kata.js').metadataProblems();
  check(
    metadata.length === 0,
    'layout: kata.json and .github/classroom/autograding.json list exactly the exercises in exercises/',
    metadata.join('\n'),
  );

  // Types and format read files and barely compete: run them side by side.
  const [types, format] = await Promise.all([
    steps.has('types')
      ? run(process.execPath, [TSC, '--noEmit', '-p', ROOT], { quiet: true, timeoutMs: RUN_LIMIT_MS })
      : null,
    steps.has('format')
      ? run(process.execPath, [PRETTIER, '--check', '.'], { quiet: true, cwd: ROOT, timeoutMs: RUN_LIMIT_MS })
      : null,
  ]);
  if (types) {
    check(types.code === 0, 'types: tsc --noEmit', types.stdout.trim().split('\n').slice(0, 15).join('\n'));
    log(`types: ${types.code === 0 ? 'ok' : 'errors'} (${types.ms} ms)`);
  }
  if (format) {
    check(
      format.code === 0,
      'format: prettier --check .',
      (format.stdout + format.stderr).trim().split('\n').slice(0, 15).join('\n') + '\n(run `npm run format`)',
    );
    log(`format: ${format.code === 0 ? 'ok' : 'needs `npm run format`'} (${format.ms} ms)`);
  }

  if (steps.has('solutions')) {
    const { res, report } = await jest(testPaths(ids), { KATA_TARGET: 'solutions' }, RUN_LIMIT_MS);
    const all = tests(report);
    for (const t of all) {
      check(t.status === 'passed', `solutions: ${t.file} › ${t.fullName}`, firstLine(t.failureMessages?.[0]));
    }
    check(all.length > 0, 'solutions: the run reported its tests', hangNote(res) || firstLine(res.stderr));
    exitedCheck('solutions', res);
    log(
      `solutions: ${all.filter((t) => t.status === 'passed').length}/${all.length} tests passed (${res.ms} ms)`,
    );
  }

  if (steps.has('stubs')) {
    const { res, report } = await jest(testPaths(ids), { KATA_TARGET: 'exercises' }, RUN_LIMIT_MS);
    const all = tests(report);
    for (const t of all) {
      const msg = t.failureMessages?.join('\n') ?? '';
      const ok = t.status === 'failed' && !/Exceeded timeout of/.test(msg);
      check(
        ok,
        `stubs: ${t.file} › ${t.fullName} fails on the stub`,
        t.status === 'passed'
          ? 'it PASSED on the stub: it rewards nothing. Make it require the behaviour, not just any error.'
          : t.status !== 'failed'
            ? `status ${t.status}`
            : `it failed only by jest's timeout (a hang): ${firstLine(msg)}`,
      );
    }
    const perFile = new Map();
    for (const t of all) perFile.set(t.file, (perFile.get(t.file) ?? 0) + 1);
    for (const id of ids)
      check(perFile.has(`tests/${id}.test.ts`.split('/').join(path.sep)), `stubs: tests/${id}.test.ts ran`);
    exitedCheck('stubs', res);
    log(
      `stubs: ${all.filter((t) => t.status === 'failed').length}/${all.length} tests failed as they must (${res.ms} ms)`,
    );
  }

  if (steps.has('bugs')) {
    // One jest run, one project a known bug: each project maps its exercise to the broken file
    // and runs only that exercise's tests named by the fixture's `@catches` lines.
    const bugs = ids.flatMap(knownBugs).filter((b) => !flags.bug || b.name.includes(flags.bug));
    const out = path.join(tmpDir, 'bugs.jsonl');
    const projects = bugs.map((bug) => {
      const swapped = { [bug.id]: path.relative(ROOT, bug.file) };
      return projectConfig({
        displayName: bug.name,
        testMatch: [path.join(ROOT, 'tests', `${bug.id}.test.ts`)],
        moduleNameMapper: moduleNameMapper('solutions', swapped),
        globals: {
          KATA_ENV: { KATA_TARGET: 'solutions', KATA_OVERRIDE: JSON.stringify(swapped) },
          KATA_CATCHES: bug.catches,
        },
        testEnvironment: path.join(ROOT, 'tests', 'helpers', 'bug-environment.js'),
      });
    });
    const config = {
      projects,
      testTimeout: 10_000,
      maxWorkers: Number(flags.jobs) || 4,
      reporters: [[path.join(__dirname, 'project-reporter.js'), { outputFile: out }]],
    };
    const configFile = path.join(tmpDir, 'bugs.config.json');
    fs.writeFileSync(configFile, JSON.stringify(config));
    const res = bugs.length
      ? await run(process.execPath, [JEST, '--config', configFile], {
          env: { CI: 'true', KATA_TARGET: 'solutions' },
          timeoutMs: RUN_LIMIT_MS,
          quiet: true,
        })
      : { ms: 0, stderr: '', timedOut: false };
    const results = fs.existsSync(out)
      ? fs
          .readFileSync(out, 'utf8')
          .split('\n')
          .filter(Boolean)
          .map((l) => JSON.parse(l))
      : [];
    for (const bug of bugs) {
      const mine = results.filter((r) => r.project === bug.name && r.status !== 'pending');
      for (const c of bug.catches) {
        const hit = mine.filter((t) => t.title.includes(c) || t.fullName === '(file)');
        const caught = hit.filter((t) => t.status === 'failed');
        check(
          hit.length > 0 && caught.length === hit.length,
          `known bug ${bug.name}: rejected by "${c}"`,
          hit.length === 0
            ? `no test named "${c}" ran${hangNote(res) ? `: ${hangNote(res)}` : ''}`
            : `${hit.length - caught.length} of ${hit.length} matching tests PASSED on this broken implementation: ${hit
                .filter((t) => t.status !== 'failed')
                .map((t) => t.fullName)
                .join('; ')}`,
        );
      }
    }
    exitedCheck('known bugs', res);
    log(`known bugs: ${bugs.length} fixtures checked (${res.ms} ms)`);
  }

  log('');
  if (failures.length > 0) {
    log(`${failures.length} check${failures.length > 1 ? 's' : ''} failed:`);
    for (const f of failures.slice(0, 40)) log(`- ${f}`);
    if (failures.length > 40) log(`… and ${failures.length - 40} more`);
  }
  log(`verify took ${((Date.now() - t0) / 1000).toFixed(1)} s`);
  log(`${passed} passed, ${failed} failed`);
  process.exitCode = failed === 0 ? 0 : 1;
}

main().catch((err) => {
  console.error(err);
  log(`${passed} passed, ${failed + 1} failed`);
  process.exitCode = 1;
});
