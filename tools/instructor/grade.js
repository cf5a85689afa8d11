'use strict';
// `npm run grade -- <student-repo> [<student-repo>…]`: grades students' exercises/ with THIS
// repo's tests.
//
// For each student repo, a scratch workspace gets this repo's tests/, tools/, tsconfig.json
// and package.json, this repo's node_modules (linked), and a copy of the student's exercises/:
// nothing else of the student's (their tests, jest config, package.json) is ever used. Each
// exercise runs in its own jest process with a time limit (--timeout, default 60 s) and is
// killed with everything it started when the limit runs out, so an infinite loop or a crash
// costs that exercise alone, and the whole grade ends within (exercises × limit).
//
// Partial credit: an exercise's points (kata.json) are split evenly over its tests; a test
// counts when it passed. `tampered` lists every file under tests/ and tools/, and each config
// file, that differs from this repo's copy (line endings aside), was added, or is missing (missing
// files count only in a full copy of the kata, one with a package.json).
//
// Output: a table (default); `--json`: one JSON object for one repo,
//   {"repo", "total", "max", "exercises": [{"id", "points", "max", "passed", "failed", "error"?}], "tampered": [...]}
// `--csv FILE`: one row per repo; `--junit FILE`: JUnit XML (a suite per repo and exercise).
// Other flags: --timeout SECONDS, --jobs N (exercises graded at once, default 1: the timing
// tests want the CPU), --exercise ID (repeatable: only these), --keep (keep the workspace).
//
// Not a sandbox: the student's code runs with your rights. Grade untrusted code in a container.
const { spawn } = require('node:child_process');
const crypto = require('node:crypto');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { parseArgs } = require('node:util');
const kata = require('../shared/kata.js');

const ROOT = kata.ROOT;
const JEST = path.join(ROOT, 'node_modules', 'jest', 'bin', 'jest.js');
const REPORTER = path.join(__dirname, 'grade-reporter.js');
const USAGE = `usage: npm run grade -- <student-repo> [<student-repo>…] [--json | --csv FILE | --junit FILE]
                     [--timeout SECONDS] [--jobs N] [--exercise ID]… [--keep]`;

/** Root files that configure how tests run: compared with ours (and flagged when added). */
const CONFIG_FILE =
  /^(package\.json|kata\.json|tsconfig(\..*)?\.json|jest\.config\.[cm]?[jt]s|jest\.config\.json|babel\.config\.[cm]?js(on)?|\.babelrc(\..*)?|jest\.setup\.[cm]?[jt]s)$/;
/** Folders compared file by file. */
const COMPARED_DIRS = ['tests', 'tools', path.join('.github', 'classroom')];
const JUNK = new Set(['.DS_Store', 'Thumbs.db', 'desktop.ini']);
/** What the workspace takes from this repo. */
const OURS = ['tests', 'tools', 'bin', 'tsconfig.json', 'package.json', 'kata.json'];

// ---- small helpers ----------------------------------------------------------------------------

const round2 = (x) => Math.round(x * 100) / 100;
const log = (line) => process.stderr.write(`${line}\n`);
const firstLine = (s) =>
  kata
    .stripAnsi(s)
    .split('\n')
    .map((l) => l.trim())
    .find(Boolean) ?? '';

function fail(message) {
  process.stderr.write(`${message}\n${USAGE}\n`);
  process.exit(2);
}

/** Every file under `dir`, as paths relative to `base` with forward slashes. */
function listFiles(base, dir) {
  const out = [];
  const walk = (rel) => {
    const abs = path.join(base, rel);
    let entries;
    try {
      entries = fs.readdirSync(abs, { withFileTypes: true });
    } catch {
      return;
    }
    for (const e of entries) {
      if (JUNK.has(e.name) || e.name === 'node_modules') continue;
      const child = path.join(rel, e.name);
      if (e.isDirectory()) walk(child);
      else out.push(child.split(path.sep).join('/'));
    }
  };
  walk(dir);
  return out;
}

/** A file's text with line endings normalised (a Windows checkout is not tampering), or null. */
function normalized(file) {
  try {
    return fs.readFileSync(file, 'utf8').replace(/\r\n?/g, '\n');
  } catch {
    return null;
  }
}

/** Files under tests/, tools/ and .github/classroom/, and config files, that differ from ours. */
function tamperedFiles(repo) {
  const rootConfig = (dir) => {
    try {
      return fs
        .readdirSync(dir, { withFileTypes: true })
        .filter((e) => e.isFile() && CONFIG_FILE.test(e.name))
        .map((e) => e.name);
    } catch {
      return [];
    }
  };
  const paths = new Set([...rootConfig(ROOT), ...rootConfig(repo)]);
  for (const dir of COMPARED_DIRS) {
    for (const f of listFiles(ROOT, dir)) paths.add(f);
    for (const f of listFiles(repo, dir)) paths.add(f);
  }
  // A repo with no package.json is a bare exercises/ hand-in: only what it has can differ.
  const fullCopy = fs.existsSync(path.join(repo, 'package.json'));
  return [...paths]
    .filter((rel) => {
      const theirs = normalized(path.join(repo, rel));
      if (theirs === null && !fullCopy) return false;
      return normalized(path.join(ROOT, rel)) !== theirs;
    })
    .sort();
}

/**
 * Runs node with `args`, killing it and every process it started after `limitMs`. Output is
 * dropped except the last few KB of stderr (a student's code may print without end).
 */
function runLimited(args, { cwd, env, limitMs }) {
  const started = Date.now();
  return new Promise((resolve) => {
    const child = spawn(process.execPath, args, {
      cwd,
      env,
      stdio: ['ignore', 'ignore', 'pipe'],
      detached: process.platform !== 'win32',
      windowsHide: true,
    });
    let stderr = '';
    child.stderr.on('data', (d) => {
      stderr = (stderr + d).slice(-4000);
    });
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      try {
        if (process.platform === 'win32') {
          spawn('taskkill', ['/pid', String(child.pid), '/T', '/F'], { stdio: 'ignore', windowsHide: true });
        } else {
          process.kill(-child.pid, 'SIGKILL');
        }
      } catch {
        child.kill('SIGKILL');
      }
    }, limitMs);
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      resolve({ code, signal, timedOut, stderr, ms: Date.now() - started });
    });
  });
}

function readJsonLines(file) {
  try {
    return fs
      .readFileSync(file, 'utf8')
      .split('\n')
      .filter(Boolean)
      .flatMap((l) => {
        try {
          return [JSON.parse(l)];
        } catch {
          return []; // a line cut short by the kill
        }
      });
  } catch {
    return [];
  }
}

/** The jest environment of a grading run: nothing of the grader's own KATA_* settings. */
function jestEnv(extra) {
  const env = { ...process.env, CI: 'true', FORCE_COLOR: '0', ...extra };
  delete env.KATA_OVERRIDE;
  delete env.KATA_WATCH;
  delete env.NODE_OPTIONS;
  return env;
}

// ---- the canonical test counts ----------------------------------------------------------------

/**
 * How many tests each exercise's test file has, to split points even when a student's run died
 * before reporting them: one jest run that collects every test and runs none (cached by the
 * content of tests/).
 */
async function canonicalCounts(ids, tmp) {
  const hash = crypto.createHash('sha256');
  for (const f of listFiles(ROOT, 'tests').sort()) hash.update(`${f}\n${normalized(path.join(ROOT, f))}\n`);
  const key = hash.digest('hex');
  const cacheFile = path.join(kata.cacheDir(), 'test-counts.json');
  let cached = {};
  try {
    cached = JSON.parse(fs.readFileSync(cacheFile, 'utf8'));
  } catch {
    /* none yet */
  }
  if (cached.key === key && ids.every((id) => Number.isInteger(cached.counts?.[id]))) return cached.counts;

  log('grade: counting the tests of each exercise (once; cached until tests/ change)…');
  const hasSolutions = ids.every((id) => fs.existsSync(path.join(ROOT, 'solutions', `${id}.ts`)));
  const out = path.join(tmp, 'counts.json');
  const files = ids.map((id) => path.join(ROOT, 'tests', `${id}.test.ts`)).filter((f) => fs.existsSync(f));
  const res = await runLimited(
    [
      JEST,
      '--ci',
      '--json',
      `--outputFile=${out}`,
      '--testNamePattern',
      '(?!)',
      '--runTestsByPath',
      ...files,
    ],
    {
      cwd: ROOT,
      env: jestEnv({ KATA_TARGET: hasSolutions ? 'solutions' : 'exercises' }),
      limitMs: 180_000,
    },
  );
  const counts = {};
  try {
    const report = JSON.parse(fs.readFileSync(out, 'utf8'));
    for (const file of report.testResults) {
      const id = kata.idOfTestFile(file.name);
      if (id && file.assertionResults.length > 0) counts[id] = file.assertionResults.length;
    }
  } catch {
    log(`grade: could not count the tests (${res.timedOut ? 'timeout' : firstLine(res.stderr)}).`);
  }
  if (ids.every((id) => counts[id])) {
    try {
      fs.mkdirSync(path.dirname(cacheFile), { recursive: true });
      fs.writeFileSync(cacheFile, JSON.stringify({ key, counts }, null, 2));
    } catch {
      /* read-only: count again next time */
    }
  }
  return counts;
}

// ---- the workspace ----------------------------------------------------------------------------

/** A scratch copy of this repo's test setup; `exercises/` is swapped in per student. */
function makeWorkspace(tmp) {
  const ws = path.join(tmp, 'workspace');
  fs.mkdirSync(ws, { recursive: true });
  for (const name of OURS) {
    const src = path.join(ROOT, name);
    if (fs.existsSync(src)) fs.cpSync(src, path.join(ws, name), { recursive: true });
  }
  fs.symlinkSync(
    path.join(ROOT, 'node_modules'),
    path.join(ws, 'node_modules'),
    process.platform === 'win32' ? 'junction' : 'dir',
  );
  // Our jest setup, rooted in the workspace, always on exercises/, reporting through ours.
  const { projectConfig, moduleNameMapper } = require(path.join(ws, 'tools', 'shared', 'jest-base.js'));
  const config = {
    ...projectConfig({ moduleNameMapper: moduleNameMapper('exercises', {}) }),
    testTimeout: 10_000,
    reporters: [REPORTER],
  };
  const configFile = path.join(tmp, 'jest.config.json');
  fs.writeFileSync(configFile, JSON.stringify(config, null, 2));
  return { ws, configFile };
}

function useExercises(ws, repo) {
  const dest = path.join(ws, 'exercises');
  fs.rmSync(dest, { recursive: true, force: true });
  const src = path.join(repo, 'exercises');
  if (!fs.existsSync(src)) return false;
  fs.cpSync(src, dest, {
    recursive: true,
    dereference: true,
    filter: (f) => !['node_modules', '.git'].includes(path.basename(f)),
  });
  return true;
}

// ---- grading ----------------------------------------------------------------------------------

async function gradeExercise(exercise, ctx) {
  const { ws, configFile, tmp, counts, limitMs } = ctx;
  if (!fs.existsSync(path.join(ws, 'tests', `${exercise.id}.test.ts`))) {
    const result = { id: exercise.id, points: 0, max: exercise.points, passed: 0, failed: 0 };
    result.error = `this repo has no tests/${exercise.id}.test.ts`;
    return { result, tests: [], ms: 0 };
  }
  const out = path.join(tmp, `${exercise.id.replace('/', '__')}.jsonl`);
  fs.rmSync(out, { force: true });
  const res = await runLimited(
    [
      JEST,
      '--config',
      configFile,
      '--ci',
      '--runInBand',
      '--forceExit',
      '--no-watchman',
      '--runTestsByPath',
      path.join(ws, 'tests', `${exercise.id}.test.ts`),
    ],
    { cwd: ws, env: jestEnv({ KATA_TARGET: 'exercises', KATA_GRADE_OUT: out }), limitMs },
  );
  const records = readJsonLines(out);
  const file = records.find((r) => r.type === 'file');
  // The file's record when the run finished; otherwise the tests reported before the kill.
  const tests = file ? file.tests : records.filter((r) => r.type === 'test');
  const byName = new Map(tests.map((t) => [t.name, t]));
  const passed = [...byName.values()].filter((t) => t.status === 'passed').length;
  const total = counts[exercise.id] ?? byName.size;

  let error;
  if (res.timedOut) error = 'timeout';
  else if (file?.error) error = `did not load: ${firstLine(file.error)}`;
  else if (!file)
    error = `crashed (${res.signal ?? `exit code ${res.code}`}): ${firstLine(res.stderr)}`.trim();
  else if (byName.size === 0) error = `no tests ran: ${firstLine(file.message)}`;

  const points = total > 0 ? round2((exercise.points * Math.min(passed, total)) / total) : 0;
  const result = {
    id: exercise.id,
    points,
    max: exercise.points,
    passed,
    failed: Math.max(total - passed, 0),
  };
  if (error) result.error = error;
  return { result, tests: [...byName.values()], ms: res.ms };
}

async function gradeRepo(repoArg, ctx) {
  const repo = path.resolve(repoArg);
  const started = Date.now();
  const present = fs.existsSync(repo) && useExercises(ctx.ws, repo);
  const graded = [];
  if (!present) {
    log(
      `grade: ${repoArg}: ${fs.existsSync(repo) ? 'no exercises/ folder' : 'not found'}: every exercise scores 0.`,
    );
    for (const e of ctx.exercises) {
      graded.push({
        result: {
          id: e.id,
          points: 0,
          max: e.points,
          passed: 0,
          failed: ctx.counts[e.id] ?? 0,
          error: 'missing',
        },
        tests: [],
        ms: 0,
      });
    }
  } else {
    // `jobs` exercises at a time, results kept in kata order.
    let next = 0;
    const worker = async () => {
      while (next < ctx.exercises.length) {
        const i = next++;
        const e = ctx.exercises[i];
        graded[i] = await gradeExercise(e, ctx);
        const r = graded[i].result;
        log(
          `grade: ${repoArg} ${e.id}: ${r.passed}/${r.passed + r.failed} tests, ${r.points}/${r.max} points${
            r.error ? ` (${r.error})` : ''
          } in ${(graded[i].ms / 1000).toFixed(1)} s`,
        );
      }
    };
    await Promise.all(Array.from({ length: ctx.jobs }, worker));
  }
  const exercises = graded.map((g) => g.result);
  return {
    report: {
      repo: repoArg,
      total: round2(exercises.reduce((s, e) => s + e.points, 0)),
      max: round2(exercises.reduce((s, e) => s + e.max, 0)),
      exercises,
      tampered: fs.existsSync(repo) ? tamperedFiles(repo) : [],
    },
    graded,
    ms: Date.now() - started,
  };
}

// ---- output -----------------------------------------------------------------------------------

function table({ report, graded, ms }) {
  const rows = report.exercises.map((e, i) => [
    e.id,
    `${e.passed}/${e.passed + e.failed}`,
    `${e.points.toFixed(2)} / ${e.max}`,
    `${(graded[i].ms / 1000).toFixed(1)} s`,
    e.error ?? '',
  ]);
  const head = ['Exercise', 'Tests', 'Points', 'Time', 'Note'];
  const all = [
    head,
    ...rows,
    ['Total', '', `${report.total.toFixed(2)} / ${report.max}`, `${(ms / 1000).toFixed(1)} s`, ''],
  ];
  const widths = head.map((_, c) => Math.max(...all.map((r) => r[c].length)));
  const line = (r) =>
    `  ${r
      .map((cell, c) => (c === 1 || c === 2 || c === 3 ? cell.padStart(widths[c]) : cell.padEnd(widths[c])))
      .join('  ')
      .trimEnd()}`;
  const out = [`${report.repo}`, line(head), ...rows.map(line), line(all[all.length - 1])];
  out.push(
    report.tampered.length === 0
      ? '  Tampered: none'
      : `  Tampered (differs from this repo's copy; not used for grading):\n${report.tampered
          .map((f) => `    ${f}`)
          .join('\n')}`,
  );
  return `${out.join('\n')}\n`;
}

const csvCell = (v) => (/[",\n]/.test(String(v)) ? `"${String(v).replace(/"/g, '""')}"` : String(v));

function csv(results, ids) {
  const head = ['repo', 'total', 'max', ...ids, 'tampered'];
  const rows = results.map(({ report }) => [
    report.repo,
    report.total,
    report.max,
    ...ids.map((id) => report.exercises.find((e) => e.id === id)?.points ?? ''),
    report.tampered.join(' '),
  ]);
  return `${[head, ...rows].map((r) => r.map(csvCell).join(',')).join('\n')}\n`;
}

const xml = (s) =>
  kata
    .stripAnsi(s)
    // eslint-disable-next-line no-control-regex
    .replace(/[\u0000-\u0008\u000b\u000c\u000e-\u001f\ufffe\uffff]/g, '')
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;');

/** A failure message without jest's own stack frames (those in node_modules). */
const trimStack = (message) =>
  String(message ?? '')
    .split('\n')
    .filter((l) => !/^\s*at .*node_modules/.test(l))
    .join('\n');

function junit(results, limitS) {
  const suites = [];
  let tests = 0;
  let failures = 0;
  let errors = 0;
  let time = 0;
  for (const { report, graded } of results) {
    report.exercises.forEach((e, i) => {
      const g = graded[i];
      const cases = g.tests.map((t) => {
        const head = `    <testcase classname="${xml(e.id)}" name="${xml(t.name)}" time="${((t.ms ?? 0) / 1000).toFixed(3)}"`;
        if (t.status === 'passed') return `${head}/>`;
        if (t.status !== 'failed') return `${head}>\n      <skipped/>\n    </testcase>`;
        return `${head}>\n      <failure message="${xml(firstLine(t.message))}">${xml(trimStack(t.message))}</failure>\n    </testcase>`;
      });
      let caseErrors = 0;
      if (e.error) {
        caseErrors = 1;
        const what =
          e.error === 'timeout'
            ? `did not finish within ${limitS} s and was stopped`
            : 'did not run to the end';
        cases.push(
          `    <testcase classname="${xml(e.id)}" name="${xml(`${e.id} ${what}`)}" time="0">\n      <error message="${xml(e.error)}">${xml(e.error)}</error>\n    </testcase>`,
        );
      }
      const caseFailures = g.tests.filter((t) => t.status === 'failed').length;
      const count = cases.length;
      tests += count;
      failures += caseFailures;
      errors += caseErrors;
      time += g.ms / 1000;
      suites.push(
        [
          `  <testsuite name="${xml(`${report.repo} ${e.id}`)}" tests="${count}" failures="${caseFailures}" errors="${caseErrors}" time="${(g.ms / 1000).toFixed(3)}">`,
          '    <properties>',
          `      <property name="repo" value="${xml(report.repo)}"/>`,
          `      <property name="points" value="${e.points}"/>`,
          `      <property name="max" value="${e.max}"/>`,
          `      <property name="repo.total" value="${report.total}"/>`,
          `      <property name="repo.max" value="${report.max}"/>`,
          `      <property name="repo.tampered" value="${xml(report.tampered.join(' '))}"/>`,
          '    </properties>',
          ...cases,
          '  </testsuite>',
        ].join('\n'),
      );
    });
  }
  return [
    '<?xml version="1.0" encoding="UTF-8"?>',
    `<testsuites name="kata grade" tests="${tests}" failures="${failures}" errors="${errors}" time="${time.toFixed(3)}">`,
    ...suites,
    '</testsuites>',
    '',
  ].join('\n');
}

// ---- main -------------------------------------------------------------------------------------

async function main() {
  let parsed;
  try {
    parsed = parseArgs({
      allowPositionals: true,
      options: {
        json: { type: 'boolean' },
        csv: { type: 'string' },
        junit: { type: 'string' },
        timeout: { type: 'string', default: '60' },
        jobs: { type: 'string', default: '1' },
        exercise: { type: 'string', multiple: true },
        keep: { type: 'boolean' },
        help: { type: 'boolean', short: 'h' },
      },
    });
  } catch (err) {
    fail(err.message);
  }
  const { values: flags, positionals: repos } = parsed;
  if (flags.help) {
    process.stdout.write(`${USAGE}\n`);
    return;
  }
  if (repos.length === 0) fail('Name at least one student repository (a folder with exercises/).');
  if (flags.json && repos.length > 1) {
    fail('--json prints one object for one repo: grade several with --csv FILE or --junit FILE.');
  }
  const limitS = Number(flags.timeout);
  if (!(limitS > 0)) fail('--timeout must be a number of seconds > 0.');
  const jobs = Number(flags.jobs);
  if (!Number.isInteger(jobs) || jobs < 1) fail('--jobs must be a positive integer.');
  for (const repo of repos) {
    if (path.resolve(repo) === ROOT)
      log(`grade: note: ${repo} is this repo itself (its exercises/ are graded).`);
  }

  const all = kata.loadKata().exercises;
  const wanted = flags.exercise
    ? flags.exercise.flatMap((n) => {
        const found = kata.resolveExercise(
          n,
          all.map((e) => e.id),
        );
        if (found.length === 0) fail(`No exercise named \`${n}\`.`);
        return found;
      })
    : null;
  const exercises = wanted ? all.filter((e) => wanted.includes(e.id)) : all;

  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'kata-grade-'));
  const cleanup = () => {
    if (!flags.keep) fs.rmSync(tmp, { recursive: true, force: true });
  };
  process.on('exit', cleanup);
  for (const sig of ['SIGINT', 'SIGTERM']) process.on(sig, () => process.exit(130));
  if (flags.keep) log(`grade: workspace kept in ${tmp}`);

  const counts = await canonicalCounts(
    exercises.map((e) => e.id),
    tmp,
  );
  const { ws, configFile } = makeWorkspace(tmp);
  const ctx = { ws, configFile, tmp, counts, limitMs: limitS * 1000, jobs, exercises };

  const results = [];
  for (const repo of repos) {
    const graded = await gradeRepo(repo, ctx);
    results.push(graded);
    if (!flags.json) process.stdout.write(`${table(graded)}\n`);
  }

  if (flags.json) process.stdout.write(`${JSON.stringify(results[0].report, null, 2)}\n`);
  if (!flags.json && results.length > 1) {
    const width = Math.max(...results.map((r) => r.report.repo.length));
    process.stdout.write('Summary\n');
    for (const { report } of results) {
      process.stdout.write(
        `  ${report.repo.padEnd(width)}  ${report.total.toFixed(2).padStart(6)} / ${report.max}${
          report.tampered.length
            ? `  (${report.tampered.length} tampered file${report.tampered.length > 1 ? 's' : ''})`
            : ''
        }\n`,
      );
    }
  }
  if (flags.csv) {
    fs.writeFileSync(
      flags.csv,
      csv(
        results,
        exercises.map((e) => e.id),
      ),
    );
    log(`grade: wrote ${flags.csv}`);
  }
  if (flags.junit) {
    fs.writeFileSync(flags.junit, junit(results, limitS));
    log(`grade: wrote ${flags.junit}`);
  }
}

main().catch((err) => {
  process.stderr.write(`grade: ${err.stack ?? err}\n`);
  process.exit(1);
});
