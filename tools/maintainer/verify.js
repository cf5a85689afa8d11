'use strict';
// `npm run verify`: the maintainer's proof that the tests are worth their points.
//   layout     every exercise has its solution, test file, kata.json entry, known bugs, known goods;
//   types      tsc --noEmit over the whole repo; format: prettier --check;
//   solutions  every test passes against solutions/;
//   contract   every test cites a clause its stub states (`§N` at the start of its title), and
//              every clause is cited by a test (tools/common/clauses.js);
//   stubs      every test FAILS against exercises/ (the stubs), each by its own check, not a hang;
//   bugs       every known bug (tests/known-bugs/<id>/*.ts) is rejected, by its own assertion, by
//              each test its `@catches` lines name (a load error, a crashed file or jest's timeout
//              is not a catch), every fixture loads, and every known bug type-checks as its
//              solution does (tsc over .verify/known-bugs: a stale patch "caught" by a crash);
//   goods      every known good (tests/known-good/<id>/*.ts) passes every test of its exercise;
//   tooling    the tests of the tools and CLIs (tests/tooling/) pass against solutions/;
//   runs exit by themselves (a leaked handle fails its test in tests/helpers/setup.ts).
// Prints one line a check and ends with `N passed, N failed`. Exit code 0 only if all passed.
//
// Flags: --only <step,…> (types, format, lint, solutions, contract, stubs, bugs, goods, tooling), --bug <substring> (filter fixtures), --jobs N (fixture test files run
// at once, default 4: most of their time is spent waiting for a timeout that proves a hang),
// --exercise <id> (repeatable: only these exercises, e.g. --exercise 02-locks/mutex, or mutex).
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { parseArgs } = require('node:util');
const { run } = require('../common/run.js');
const { ROOT } = require('../common/target.js');
const kata = require('../common/kata.js');
const { fixtures } = require('./fixtures.js');
const { materialize } = require('./known-bugs.js');
const { layout, contract } = require('./verify-files.js');
const { jestJson, testRows, firstLine, hangNote, isJestTimeout, RUN_LIMIT_MS } = require('./jest-run.js');
const { runFixtures, loadErrors } = require('./fixture-run.js');
const { studentConfig, toolingConfig, NODE_CRASH } = require('../common/jest-base.js');

const TSC = path.join(ROOT, 'node_modules', 'typescript', 'bin', 'tsc');
const PRETTIER = path.join(ROOT, 'node_modules', 'prettier', 'bin', 'prettier.cjs');
const ESLINT = path.join(ROOT, 'node_modules', 'eslint', 'bin', 'eslint.js');
const STEPS = 'types,format,lint,solutions,contract,stubs,bugs,goods,tooling';

const { values: flags } = parseArgs({
  options: {
    only: { type: 'string' },
    bug: { type: 'string' },
    jobs: { type: 'string', default: '8' },
    exercise: { type: 'string', multiple: true },
  },
});
const steps = new Set((flags.only ?? STEPS).split(','));

let passed = 0;
let failed = 0;
/** @type {string[]} */
const failures = [];
/** @param {unknown} ok @param {string} name @param {string} [detail] */
function check(ok, name, detail) {
  if (ok) {
    passed++;
    return;
  }
  failed++;
  failures.push(detail ? `${name}\n    ${detail.split('\n').join('\n    ')}` : name);
  process.stdout.write(`  FAIL ${name}${detail ? `\n       ${detail.split('\n').join('\n       ')}` : ''}\n`);
}
/** @param {string} line */
const log = (line) => process.stdout.write(`${line}\n`);

const tmpDir = fs.mkdtempSync(path.join(os.tmpdir(), 'kata-verify-'));
if (!process.env.KATA_KEEP_TMP) process.on('exit', () => fs.rmSync(tmpDir, { recursive: true, force: true }));

/** jest arguments: all exercise tests, or only the selected exercises' test files. @param {string[]} ids */
function testPaths(ids) {
  if (!flags.exercise) return [];
  return ['--runTestsByPath', ...ids.map((id) => path.join(ROOT, 'tests', `${id}.test.ts`))];
}

/**
 * A run must end by itself: one killed at its time limit failed. jest's "worker failed to exit
 * gracefully" (a jest child slow to exit on a loaded machine) is printed as a note.
 * @param {string} step @param {import('./jest-run.js').RunResult} res
 */
function exitedCheck(step, res) {
  check(!res.timedOut, `${step}: the run exited by itself`, hangNote(res));
  if (!res.timedOut && hangNote(res)) log(`${step}: note: ${hangNote(res)}`);
}

/**
 * Where the static checks keep what they learnt last time (node_modules/.cache/kata/verify-*):
 * each tool's own cache, which it checks against the files' content and its config, so an
 * unchanged file is not checked again (tsc: 6 s of CPU cold, about 1 s warm; see README "Speed").
 * @param {string} name
 */
function cacheFile(name) {
  const dir = path.join(ROOT, 'node_modules', '.cache', 'kata');
  fs.mkdirSync(dir, { recursive: true });
  return path.join(dir, `verify-${name}`);
}
/** tsc's incremental mode, its record in cacheFile(name). @param {string} name */
const incremental = (name) => ['--incremental', '--tsBuildInfoFile', cacheFile(`${name}.tsbuildinfo`)];

/**
 * With --exercise, the files the static checks read: each chosen exercise's stub, solution and
 * test file (tsc follows their imports), and kata.json. The maintainer's loop on one exercise
 * (README "Adding an exercise"); a whole verify checks every file. null without --exercise.
 * @param {string[]} ids
 */
function exerciseFiles(ids) {
  if (!flags.exercise) return null;
  const files = ids.flatMap((id) => [`exercises/${id}.ts`, `solutions/${id}.ts`, `tests/${id}.test.ts`]);
  return files.filter((f) => fs.existsSync(path.join(ROOT, f)));
}

/**
 * A tsconfig.json in .verify/ that type-checks only `files` with the repo's options; its path.
 * @param {string} name @param {string[]} files absolute, or relative to ROOT
 */
function partialTsconfig(name, files) {
  const dir = path.join(ROOT, '.verify');
  fs.mkdirSync(dir, { recursive: true });
  const config = path.join(dir, name);
  // In .verify/ itself: the root tsconfig's types (node, jest) resolve from there.
  fs.writeFileSync(
    config,
    JSON.stringify({
      extends: '../tsconfig.json',
      include: [],
      files: files.map((f) => path.relative(dir, path.resolve(ROOT, f))),
    }),
  );
  return config;
}

/**
 * tsc over the repo and over tools/, prettier and eslint, side by side; with --exercise, over
 * that exercise's files only (tools/ left out: no exercise changes it). @param {string[]} ids
 */
async function staticChecks(ids) {
  const only = exerciseFiles(ids);
  const project = only ? partialTsconfig('tsconfig.exercise.json', only) : ROOT;
  // Types and format read files and barely compete: run them side by side.
  const [types, toolTypes, format, lint] = await Promise.all([
    steps.has('types')
      ? run(
          process.execPath,
          [TSC, '--noEmit', '-p', project, ...incremental(only ? 'tsc-exercise' : 'tsc')],
          {
            quiet: true,
            cwd: ROOT, // tsc names files relative to it
            timeoutMs: RUN_LIMIT_MS,
          },
        )
      : null,
    steps.has('types') && !only
      ? run(
          process.execPath,
          [TSC, '--noEmit', '-p', path.join(ROOT, 'tools'), ...incremental('tsc-tools')],
          {
            quiet: true,
            timeoutMs: RUN_LIMIT_MS,
          },
        )
      : null,
    steps.has('format')
      ? run(
          process.execPath,
          [
            PRETTIER,
            '--check',
            ...(only ? [...only, 'kata.json'] : ['.']),
            '--cache',
            '--cache-location',
            cacheFile('prettier'),
          ],
          {
            quiet: true,
            cwd: ROOT,
            timeoutMs: RUN_LIMIT_MS,
          },
        )
      : null,
    steps.has('lint')
      ? run(
          process.execPath,
          [ESLINT, ...(only ?? ['.']), '--cache', '--cache-location', cacheFile('eslint')],
          {
            quiet: true,
            cwd: ROOT,
            timeoutMs: RUN_LIMIT_MS,
          },
        )
      : null,
  ]);
  const scope = only ? `the exercise's files, ` : '';
  if (lint) {
    const out = lint.stdout.trim().split('\n').slice(0, 20).join('\n');
    check(lint.code === 0, 'lint: eslint . (npm run lint)', out);
    log(`lint: ${lint.code === 0 ? 'ok' : 'problems'} (${scope}${lint.ms} ms)`);
  }
  if (types) {
    check(types.code === 0, 'types: tsc --noEmit', types.stdout.trim().split('\n').slice(0, 15).join('\n'));
    log(`types: ${types.code === 0 ? 'ok' : 'errors'} (${scope}${types.ms} ms)`);
  }
  if (toolTypes) {
    const out = toolTypes.stdout.trim().split('\n').slice(0, 15).join('\n');
    check(toolTypes.code === 0, 'types: tsc -p tools (the JavaScript tooling, through its JSDoc types)', out);
    log(`types of tools/: ${toolTypes.code === 0 ? 'ok' : 'errors'} (${toolTypes.ms} ms)`);
  }
  if (format) {
    const out = (format.stdout + format.stderr).trim().split('\n').slice(0, 15).join('\n');
    check(format.code === 0, 'format: prettier --check .', `${out}\n(run \`npm run format\`)`);
    log(`format: ${format.code === 0 ? 'ok' : 'needs `npm run format`'} (${scope}${format.ms} ms)`);
  }
}

/**
 * A jest run of the exercise tests; a test file whose jest worker process crashed (Node itself,
 * e.g. SIGSEGV, seen about once in ten runs on a loaded 2-core machine) is run once more, alone,
 * and that result replaces it. Said in the output, so a crash that repeats stays visible.
 * @param {string[]} args @param {Record<string, string>} env
 */
async function jestJsonRetryingCrashes(args, env) {
  const first = await jestJson(tmpDir, args, env);
  const crashed = (first.report?.testResults ?? []).filter(
    (/** @type {any} */ f) => f.status === 'failed' && NODE_CRASH.test(f.message ?? ''),
  );
  if (crashed.length === 0) return first;
  const files = crashed.map((/** @type {any} */ f) => f.name);
  log(
    `  note: ${files.map((f) => path.relative(ROOT, f)).join(', ')}: its jest process crashed (${firstLine(crashed[0].message)}); run again`,
  );
  const config = args[0] === '--config' ? args.slice(0, 2) : [];
  const again = await jestJson(tmpDir, [...config, '--runTestsByPath', ...files], env);
  const redone = new Map((again.report?.testResults ?? []).map((/** @type {any} */ f) => [f.name, f]));
  first.report.testResults = first.report.testResults.map((/** @type {any} */ f) => redone.get(f.name) ?? f);
  return first;
}

/**
 * The solutions run (and the contract check on its titles) and the stubs run, side by side: both
 * mostly wait (worker threads, sockets, timeouts), so together they take little more than the
 * longer one. Their lines are printed in that order.
 * @param {string[]} ids
 */
async function testRuns(ids) {
  // 2 jest workers each: 4 at once, as many as a student's full run on 2 cores (jest-base.js
  // studentWorkers); 4 each failed the job-server's 3 s waits for a first reply at load 13.
  /** @param {string} target */
  const args = (target) => [
    '--config',
    JSON.stringify(studentConfig(target)),
    ...testPaths(ids),
    '--maxWorkers=2',
  ];
  const [solutions, stubs] = await Promise.all([
    steps.has('solutions') || steps.has('contract')
      ? jestJsonRetryingCrashes(args('solutions'), { KATA_TARGET: 'solutions' })
      : null,
    steps.has('stubs') ? jestJsonRetryingCrashes(args('exercises'), { KATA_TARGET: 'exercises' }) : null,
  ]);
  if (solutions) {
    const { res, report } = solutions;
    const rows = testRows(report);
    for (const t of rows) {
      const msg = firstLine(t.failureMessages?.[0]);
      const missing = /Not implemented/.test(msg)
        ? `solution missing: solutions/${t.file.replace(/^tests./, '').replace(/\.test\.ts$/, '.ts')} still throws "Not implemented". `
        : '';
      check(t.status === 'passed', `solutions: ${t.file} › ${t.fullName}`, `${missing}${msg}`);
    }
    check(rows.length > 0, 'solutions: the run reported its tests', hangNote(res) || firstLine(res.stderr));
    exitedCheck('solutions', res);
    log(
      `solutions: ${rows.filter((t) => t.status === 'passed').length}/${rows.length} tests passed (${res.ms} ms)`,
    );
    if (steps.has('contract')) contract(ids, rows, check);
  }

  if (stubs) {
    const { res, report } = stubs;
    const rows = testRows(report);
    for (const t of rows) {
      const msg = t.failureMessages?.join('\n') ?? '';
      check(
        t.status === 'failed' && !isJestTimeout(msg),
        `stubs: ${t.file} › ${t.fullName} fails on the stub`,
        t.status === 'passed'
          ? 'it PASSED on the stub: it rewards nothing. Make it require the behaviour, not just any error.'
          : t.status !== 'failed'
            ? `status ${t.status}`
            : `it failed only by jest's timeout (a hang): ${firstLine(msg)}`,
      );
    }
    const ran = new Set(rows.map((t) => t.file.split(path.sep).join('/')));
    for (const id of ids) check(ran.has(`tests/${id}.test.ts`), `stubs: tests/${id}.test.ts ran`);
    exitedCheck('stubs', res);
    log(
      `stubs: ${rows.filter((t) => t.status === 'failed').length}/${rows.length} tests failed as they must (${res.ms} ms)`,
    );
  }
}

/** Known bugs (each rejected by its @catches tests) and known goods (passing every test). @param {string[]} ids */
async function fixtureRuns(ids) {
  const chosen = /** @type {import('./fixtures.js').Fixture[]} */ ([]);
  if (steps.has('bugs')) chosen.push(...ids.flatMap((id) => fixtures('bug', id)));
  if (steps.has('goods')) chosen.push(...ids.flatMap((id) => fixtures('good', id)));
  const wanted = chosen.filter((f) => !flags.bug || f.name.includes(flags.bug));
  const picked = wanted.filter((f) => {
    if (!f.patch) return true;
    try {
      f.file = materialize(f.id, f.patch);
      return true;
    } catch (error) {
      check(
        false,
        `known bug ${f.name}: its patch applies to solutions/${f.id}.ts`,
        String(error instanceof Error ? error.message : error),
      );
      return false;
    }
  });
  if (picked.length > 0) {
    const [broken, typeErrors] = await Promise.all([
      loadErrors(picked.map((f) => f.file)),
      bugTypeErrors(picked.filter((f) => f.patch).map((f) => f.file)),
    ]);
    for (const f of picked)
      check(!broken.has(f.file), `known ${f.kind} ${f.name}: loads`, broken.get(f.file) ?? '');
    for (const f of picked.filter((x) => x.patch)) {
      check(
        !typeErrors.has(f.file),
        `known bug ${f.name}: type-checks like its solution`,
        `${typeErrors.get(f.file)?.join('\n')}\n(a name or a type its solution no longer has: the patch was written for older code, and a test may "catch" the crash instead of the bug. \`npm run known-bug -- edit ${f.name}\`, fix, then \`save\`.)`,
      );
    }
    const { res, results } = await runFixtures(tmpDir, picked, Number(flags.jobs) || 8, log);
    for (const f of picked) {
      const mine = results.filter((r) => r.project === f.name && r.status !== 'pending');
      if (f.kind === 'good') checkGood(f, mine, res);
      else checkBug(f, mine, res);
    }
    exitedCheck('fixtures', res);
    log(`known bugs and goods: ${picked.length} fixtures checked (${res.ms} ms)`);
  }
}

/**
 * tsc over the materialized known bugs (.verify/known-bugs/): a bug is its solution with one
 * behaviour changed, so it type-checks as the solution does. A patch written for an older solution
 * can still apply and yet use a name that no longer exists; its test then "caught" a ReferenceError
 * (nine such bugs proved nothing until 2026-12-04). Resolves with each file's error lines.
 * @param {string[]} files
 * @returns {Promise<Map<string, string[]>>}
 */
async function bugTypeErrors(files) {
  /** @type {Map<string, string[]>} */
  const errors = new Map();
  if (files.length === 0) return errors;
  const config = partialTsconfig('tsconfig.json', files);
  const res = await run(process.execPath, [TSC, '--noEmit', '-p', config, ...incremental('tsc-known-bugs')], {
    quiet: true,
    cwd: ROOT, // tsc names files relative to it
    timeoutMs: RUN_LIMIT_MS,
  });
  for (const line of res.stdout.split('\n')) {
    const m = /^(.+?)\(\d+,\d+\): error /.exec(line);
    if (!m) continue;
    const file = path.resolve(ROOT, m[1]);
    errors.set(file, [...(errors.get(file) ?? []), line.trim()]);
  }
  if (res.code !== 0 && errors.size === 0) errors.set(files[0], [firstLine(res.stdout + res.stderr)]);
  return errors;
}

/** The tests of the tools and CLIs (tests/tooling/), against solutions/. */
async function toolingRun() {
  if (steps.has('tooling') && !flags.exercise && fs.existsSync(path.join(ROOT, 'tests', 'tooling'))) {
    const { res, report } = await jestJson(tmpDir, ['--config', JSON.stringify(toolingConfig())], {
      KATA_TARGET: 'solutions',
    });
    const rows = testRows(report);
    for (const t of rows)
      check(t.status === 'passed', `tooling: ${t.file} › ${t.fullName}`, firstLine(t.failureMessages?.[0]));
    check(rows.length > 0, 'tooling: the run reported its tests', hangNote(res) || firstLine(res.stderr));
    exitedCheck('tooling', res);
    log(
      `tooling: ${rows.filter((t) => t.status === 'passed').length}/${rows.length} tests passed (${res.ms} ms)`,
    );
  }
}

async function main() {
  const t0 = Date.now();
  const all = kata.treeIds();
  // An exercise as npm test takes it: `07-classics/rw-lock`, `rw-lock` or a topic (`locks`).
  const unknown = (flags.exercise ?? []).filter((name) => kata.resolveExercise(name, all).length === 0);
  if (unknown.length > 0) {
    process.stderr.write(
      `verify: no exercise ${unknown.map((n) => `\`${n}\``).join(', ')}. Exercises: ${all.join(', ')}.\n`,
    );
    process.exit(2);
  }
  const chosen = new Set((flags.exercise ?? []).flatMap((name) => kata.resolveExercise(name, all)));
  const ids = flags.exercise ? all.filter((id) => chosen.has(id)) : all;
  log(`verify: ${ids.length} exercises (${ids.join(', ')})`);
  layout(ids, check);

  // The static checks (tsc, prettier) and the two test runs overlap: most of a test run is
  // waiting (workers, sockets, timeouts), and the suite holds on a loaded machine (README).
  await Promise.all([staticChecks(ids), testRuns(ids)]);

  // Side by side: the tooling tests now mostly wait (a grader's time limit, a watchdog's
  // threshold), so the fixtures' jest workers use the cores meanwhile: verify took 104 s instead
  // of 114 s one after the other (2026-12-04, quiet 2-core machine; every phase at once: 99 s,
  // at load 18).
  await Promise.all([fixtureRuns(ids), toolingRun()]);

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

/**
 * A known good passes every test of its exercise (none skipped, the file loaded).
 * @param {import('./fixtures.js').Fixture} f @param {any[]} mine @param {any} res
 */
function checkGood(f, mine, res) {
  const bad = mine.filter((t) => t.status !== 'passed');
  check(
    mine.length > 0 && bad.length === 0,
    `known good ${f.name}: passes every test`,
    mine.length === 0
      ? `no test ran${hangNote(res) ? `: ${hangNote(res)}` : ''}`
      : bad.map((t) => `${t.fullName}: ${firstLine(t.message)}`).join('\n'),
  );
}

/**
 * A known bug is caught by each `@catches` test, by that test's own assertion.
 * @param {import('./fixtures.js').Fixture} f @param {any[]} mine @param {any} res
 */
function checkBug(f, mine, res) {
  const crashed = mine.find((t) => t.fullName === '(file)');
  for (const c of f.catches) {
    const hit = mine.filter((t) => t.title.includes(c) && t.fullName !== '(file)');
    const caught = hit.filter((t) => t.status === 'failed' && !isJestTimeout(t.message));
    check(
      hit.length > 0 && caught.length === hit.length,
      `known bug ${f.name}: rejected by "${c}"`,
      hit.length === 0
        ? crashed
          ? `its test file crashed, which is not a catch: ${firstLine(crashed.message)}`
          : `no test named "${c}" ran${hangNote(res) ? `: ${hangNote(res)}` : ''}`
        : hit
            .filter((t) => !caught.includes(t))
            .map((t) =>
              t.status === 'failed' ? `${t.fullName}: failed only by jest's timeout` : `${t.fullName} PASSED`,
            )
            .join('; '),
    );
  }
}

main().catch((err) => {
  console.error(err);
  log(`${passed} passed, ${failed + 1} failed`);
  process.exitCode = 1;
});
