'use strict';
// @ts-check
// The grader's core: the canonical tests of each exercise, a fresh workspace per student, one
// exercise graded in the sandbox, and the tamper check. See grade.js for the command line.
const crypto = require('node:crypto');
const fs = require('node:fs');
const path = require('node:path');
const kata = require('../common/kata.js');
const { run } = require('../common/run.js');
const { runSandboxed } = require('./sandbox.js');
const { readRecords } = require('./grade-reporter.js');
const { DEFAULT_STALL_MS } = require('../common/watchdog.js');
const { studentConfig, NODE_CRASH } = require('../common/jest-base.js');
const { round2 } = require('../common/points.js');
const { missingExport } = require('../student/failure.js');

const ROOT = kata.ROOT;
const JEST = path.join(ROOT, 'node_modules', 'jest', 'bin', 'jest.js');
const REPORTER = path.join(__dirname, 'grade-reporter.js');
/** What a workspace takes from this repo (never from the student's). */
const OURS = ['tests', 'tools', 'bin', 'tsconfig.json', 'package.json', 'kata.json'];
const CONFIG_FILE =
  /^(package\.json|kata\.json|tsconfig(\..*)?\.json|jest\.config\.[cm]?[jt]s|jest\.config\.json|babel\.config\.[cm]?js(on)?|\.babelrc(\..*)?|jest\.setup\.[cm]?[jt]s)$/;
const COMPARED_DIRS = ['tests', 'tools', '.github'];
const JUNK = new Set(['.DS_Store', 'Thumbs.db', 'desktop.ini', 'node_modules', '.git']);
const NOT_IN_WORKSPACE = new Set(['tests/known-good', 'tests/known-bugs', 'tests/tooling']);

/** @param {unknown} s */
const firstLine = (s) =>
  kata
    .stripAnsi(String(s ?? ''))
    .split('\n')
    .map((l) => l.trim())
    .find(Boolean) ?? '';

/** The grading run's environment: none of the grader's own KATA_* settings or node options. */
function jestEnv(/** @type {Record<string, string>} */ extra) {
  /** @type {NodeJS.ProcessEnv} */
  const env = { ...process.env, CI: 'true', FORCE_COLOR: '0', ...extra };
  for (const k of Object.keys(env))
    if (/^(KATA_|NODE_OPTIONS$|JEST_)/.test(k) && !(k in extra)) delete env[k];
  return env;
}

/**
 * Every file under `base`/`dir`, relative to `base`, forward slashes.
 * @param {string} base @param {string} dir @returns {string[]}
 */
function listFiles(base, dir) {
  /** @type {string[]} */
  const out = [];
  const walk = (/** @type {string} */ rel) => {
    let entries;
    try {
      entries = fs.readdirSync(path.join(base, rel), { withFileTypes: true });
    } catch {
      return;
    }
    for (const e of entries) {
      if (JUNK.has(e.name)) continue;
      const child = path.join(rel, e.name);
      if (e.isDirectory()) walk(child);
      else out.push(child.split(path.sep).join('/'));
    }
  };
  walk(dir);
  return out;
}

/** @param {string} file @returns {string | null} the text, line endings normalised */
function normalized(file) {
  try {
    return fs.readFileSync(file, 'utf8').replace(/\r\n?/g, '\n');
  } catch {
    return null;
  }
}

/** @type {Map<string, string> | null} */
let starter = null;

/**
 * Files under tests/, tools/, .github/ and root config files that differ from what the student
 * was given: the starter repo (`npm run starter`), or, for a file the starter lacks, this repo's
 * copy (a hand-in cloned from the full kata). Missing files count only in a full copy (one with a
 * package.json) and only if this repo has them; a bare exercises/ hand-in is compared on what it has.
 * @param {string} repo
 */
function tamperedFiles(repo) {
  starter ??= require('./starter.js').starterFiles();
  const given = /** @type {Map<string, string>} */ (starter);
  const rootConfig = (/** @type {string} */ dir) => {
    try {
      return fs
        .readdirSync(dir, { withFileTypes: true })
        .filter((e) => e.isFile() && CONFIG_FILE.test(e.name))
        .map((e) => e.name);
    } catch {
      return [];
    }
  };
  const compared = (/** @type {string} */ rel) =>
    CONFIG_FILE.test(rel) || COMPARED_DIRS.some((d) => rel.startsWith(`${d}/`));
  const paths = new Set([...rootConfig(repo), ...[...given.keys()].filter(compared)]);
  for (const dir of COMPARED_DIRS) for (const f of listFiles(repo, dir)) paths.add(f);
  const fullCopy = fs.existsSync(path.join(repo, 'package.json'));
  const norm = (/** @type {string | undefined} */ t) => (t === undefined ? null : t.replace(/\r\n?/g, '\n'));
  return [...paths]
    .filter((rel) => {
      const theirs = normalized(path.join(repo, rel));
      const ours = normalized(path.join(ROOT, rel));
      if (theirs === null) return fullCopy && given.has(rel) && ours !== null;
      // As handed out (the starter), or as in this repo (a hand-in cloned from the full kata).
      return theirs !== norm(given.get(rel)) && theirs !== ours;
    })
    .sort();
}

/**
 * The names of each exercise's tests, from one jest run on this repo that collects every test
 * and runs none. Done once per grade (never cached where student code could write).
 * @param {string[]} ids @param {string} tmp
 * @returns {Promise<Record<string, string[]>>}
 */
async function canonicalTests(ids, tmp) {
  const hasSolutions = ids.every((id) => fs.existsSync(path.join(ROOT, 'solutions', `${id}.ts`)));
  const out = path.join(tmp, 'canonical.json');
  const files = ids.map((id) => path.join(ROOT, 'tests', `${id}.test.ts`)).filter((f) => fs.existsSync(f));
  const target = hasSolutions ? 'solutions' : 'exercises';
  const res = await run(
    process.execPath,
    [
      JEST,
      '--config',
      JSON.stringify(studentConfig(target)),
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
      env: jestEnv({ KATA_TARGET: target }),
      timeoutMs: 180_000,
      quiet: true,
    },
  );
  /** @type {Record<string, string[]>} */
  const names = {};
  try {
    const report = JSON.parse(fs.readFileSync(out, 'utf8'));
    for (const file of report.testResults) {
      const id = kata.idOfTestFile(file.name);
      if (id && file.assertionResults.length > 0)
        names[id] = file.assertionResults.map((/** @type {any} */ t) =>
          [...t.ancestorTitles, t.title].join(' › '),
        );
    }
  } catch {
    throw new Error(
      `could not list the tests of this repo: ${res.timedOut ? 'timeout' : firstLine(res.stderr)}`,
    );
  }
  return names;
}

/**
 * A fresh workspace for one student: this repo's tests/tools/config, our node_modules (linked;
 * read-only in the sandbox) and a copy of the student's exercises/ (nothing else of theirs).
 * @param {string} dir @param {string} repo
 */
function makeWorkspace(dir, repo) {
  const ws = path.join(dir, 'ws');
  fs.mkdirSync(ws, { recursive: true });
  for (const name of OURS) {
    const src = path.join(ROOT, name);
    // Not the known goods and bugs (correct and broken answers a hand-in could load) nor the
    // tooling tests: only what the exercise tests use.
    const filter = (/** @type {string} */ f) =>
      !NOT_IN_WORKSPACE.has(path.relative(ROOT, f).split(path.sep).join('/'));
    if (fs.existsSync(src)) fs.cpSync(src, path.join(ws, name), { recursive: true, filter });
  }
  fs.symlinkSync(path.join(ROOT, 'node_modules'), path.join(ws, 'node_modules'), 'junction');
  fs.cpSync(path.join(repo, 'exercises'), path.join(ws, 'exercises'), {
    recursive: true,
    dereference: true,
    filter: (f) => !JUNK.has(path.basename(f)),
  });
  return ws;
}

/**
 * What in a hand-in's exercise file reaches for the test process itself rather than the exercise:
 * code that runs there can change the results it reports (the HMAC proves only that they came
 * from that process), so the report lists such lines for the instructor to read. Patterns, with
 * what they reach; a determined cheat can hide them, so an empty list proves nothing.
 * @type {[RegExp, string][]}
 */
const SUSPICIOUS = [
  [
    /\.\s*constructor\s*\(|\[\s*['"`]constructor['"`]\s*\]/,
    "a function's constructor (code from a string, outside jest's sandbox)",
  ],
  [/(?<![\w$.])(?:new\s+)?Function\s*\(/, 'the Function constructor (code from a string)'],
  [/(?<![\w$.])eval\s*\(/, 'eval'],
  [
    /(?<![\w$.])(?:expect|jest|afterAll|afterEach|beforeAll|beforeEach|describe)\s*[.(]|JEST_STATE|\bSymbol\s*\.\s*for\s*\(|\bglobalThis\b|(?<![\w$.])global\s*[.[]/,
    "jest's own machinery or the test file's globals",
  ],
  [
    /\bprocess\s*\.\s*(?:send|_send|channel|binding|_linkedBinding|mainModule|disconnect|_events)\b/,
    "the test process's own machinery",
  ],
  [/\brequire\s*\.\s*cache\b|\bmodule\s*\.\s*constructor\b|\b_load\b/, 'the module loader'],
  [
    /['"`](?:node:)?(?:vm|inspector|v8|worker_threads\/internal)['"`]/,
    'a Node module that runs or inspects other code',
  ],
  [
    /\b(?:Object|Array|Function|Promise|Atomics|JSON|Reflect|Math|globalThis|global|process|fs)\s*(?:\.\s*prototype\s*)?(?:\.\s*[\w$]+|\[[^\]]+\])\s*=(?!=)|\b__proto__\b|\bsetPrototypeOf\b|\bdefineProperty\s*\(\s*(?:Object|Array|Function|Promise|Atomics|globalThis|global|process)\b/,
    'a built-in or the process changed (its prototype, a method)',
  ],
  [/\.\s*(?:send|_send|postMessage|readFileSync)\s*=(?!=)/, 'a method of the process or of fs, replaced'],
];

/**
 * The lines of the hand-in's exercise files that match SUSPICIOUS, as `exercises/x.ts:12: <what>`.
 * @param {string} ws the workspace (its exercises/ is the hand-in's)
 * @returns {string[]}
 */
function suspiciousLines(ws) {
  const out = [];
  for (const file of listFiles(ws, 'exercises').filter((f) => f.endsWith('.ts'))) {
    let text;
    try {
      text = fs.readFileSync(path.join(ws, file), 'utf8');
    } catch {
      continue;
    }
    text.split('\n').forEach((line, i) => {
      const hit = SUSPICIOUS.find(([re]) => re.test(line));
      if (hit) out.push(`${file}:${i + 1}: ${hit[1]}`);
    });
  }
  return out;
}

/**
 * Grades one exercise of one workspace: jest in the sandbox, results read back with their HMAC.
 * @param {{ id: string, points: number }} exercise
 * @param {{ ws: string, dir: string, canonical: string[], limitMs: number, hide?: string[] }} ctx
 * @returns {Promise<{ result: import('./grade-output.js').ExerciseResult, tests: import('./grade-output.js').TestResult[], ms: number }>}
 */
async function gradeExercise(exercise, { ws, dir, canonical, limitMs, hide = [] }) {
  const base = { id: exercise.id, points: 0, max: exercise.points, passed: 0, failed: canonical.length };
  if (!fs.existsSync(path.join(ws, 'exercises', `${exercise.id}.ts`))) {
    const error = `exercises/${exercise.id}.ts is missing`;
    const tests = canonical.map((name) => ({ name, status: 'not run', ms: null, message: error }));
    return { result: { ...base, error }, tests, ms: 0 };
  }
  // verify's `stubs` step proves every test fails on the stub: an untouched stub scores 0 unrun.
  const stub = normalized(path.join(ROOT, 'exercises', `${exercise.id}.ts`));
  if (stub !== null && normalized(path.join(ws, 'exercises', `${exercise.id}.ts`))?.trim() === stub.trim()) {
    const note = 'untouched stub: not run (every test fails on the stub)';
    const tests = canonical.map((name) => ({ name, status: 'failed', ms: null, message: note }));
    return { result: { ...base, note }, tests, ms: 0 };
  }
  const first = await runExercise(exercise, { ws, dir, canonical, limitMs, hide }, base);
  if (!first.nodeCrashed) return first;
  // Node itself crashed (a signal such as SIGSEGV, no record of the file): not a verdict on the
  // student's code, so it gets one more run; the note says so, and a second crash stands.
  const second = await runExercise(exercise, { ws, dir, canonical, limitMs, hide }, base);
  const note = `run twice: the first run's Node crashed (${first.result.error})`;
  return { ...second, result: { ...second.result, note }, ms: first.ms + second.ms };
}

/** Signals by which Node itself dies (exit codes 128 + n when a sandbox passes them on). */
const CRASH_SIGNALS = new Set(['SIGSEGV', 'SIGBUS', 'SIGILL', 'SIGABRT']);
const CRASH_CODES = new Set([139, 135, 132, 134]);

/**
 * One sandboxed jest run of one exercise's tests.
 * @param {{ id: string, points: number }} exercise
 * @param {{ ws: string, dir: string, canonical: string[], limitMs: number, hide?: string[] }} where
 * @param {any} base
 */
async function runExercise(exercise, { ws, dir, canonical, limitMs, hide }, base) {
  const runDir = path.join(dir, exercise.id.replace('/', '__'));
  const scratch = path.join(runDir, 'scratch');
  fs.mkdirSync(scratch, { recursive: true });
  const out = path.join(scratch, 'results.jsonl');
  const { projectConfig, moduleNameMapper } = require(path.join(ws, 'tools', 'common', 'jest-base.js'));
  const config = {
    ...projectConfig({ moduleNameMapper: moduleNameMapper('exercises', {}) }),
    testTimeout: 10_000,
    maxWorkers: 1,
    // A worker process even for one file: student code never shares the reporter's process.
    workerIdleMemoryLimit: '2GB',
    cacheDirectory: path.join(scratch, 'jest-cache'),
    reporters: [[REPORTER, { out }]],
  };
  const configFile = path.join(runDir, 'jest.config.json');
  fs.writeFileSync(configFile, JSON.stringify(config));
  const secret = crypto.randomBytes(32).toString('hex');
  const res = await runSandboxed(
    [
      JEST,
      '--config',
      configFile,
      '--ci',
      '--forceExit',
      '--no-watchman',
      '--runTestsByPath',
      path.join(ws, 'tests', `${exercise.id}.test.ts`),
    ],
    {
      cwd: ws,
      env: jestEnv({ KATA_TARGET: 'exercises' }),
      limitMs,
      scratch,
      secret,
      // `npm test`'s watchdog: no result for twice jest's test timeout once the tests started.
      stallMs: DEFAULT_STALL_MS,
      // This repo (its solutions), the other hand-ins and the grader's other workspaces are out of
      // sight; the run sees our node_modules and tools (its reporter), its workspace and config.
      hide: [ROOT, ...(hide ?? [])],
      show: [path.join(ROOT, 'node_modules'), path.join(ROOT, 'tools'), ws, configFile],
      progress: () => {
        try {
          return fs.statSync(out).size;
        } catch {
          return 0;
        }
      },
    },
  );
  const records = readRecords(out, secret);
  fs.rmSync(runDir, { recursive: true, force: true });
  const file = records.find((r) => r.type === 'file');
  /** @type {any[]} */
  const reported = file ? file.tests : records.filter((r) => r.type === 'test');
  const known = new Set(canonical);
  const byName = new Map(reported.filter((t) => known.has(t.name)).map((t) => [t.name, t]));
  const passed = [...byName.values()].filter((t) => t.status === 'passed').length;
  const total = canonical.length;
  /** @type {string | undefined} */
  let error;
  if (res.stalled) {
    const ended = new Set(records.filter((r) => r.type === 'test').map((r) => r.name));
    const stuck = records.filter((r) => r.type === 'start' && !ended.has(r.name)).at(-1)?.name;
    error = `stalled: no progress for ${Math.round(DEFAULT_STALL_MS / 1000)} s ${stuck ? `in "${stuck}"` : 'after its last test'} (an endless synchronous loop?)`;
  } else if (res.timedOut) error = `timeout (${limitMs / 1000} s)`;
  else if (NODE_CRASH.test(file?.error ?? '')) error = `crashed: ${firstLine(file.error)}`;
  else if (file?.error)
    error = `did not load: ${firstLine(file.error.replace(/^\s*Configuration error:\s*/i, ''))}`;
  else if (!file)
    error = `crashed (${res.signal ?? `exit code ${res.code}`}): ${firstLine(res.stderr)}`.trim();
  else if (byName.size === 0) error = `no tests ran: ${firstLine(file.message)}`;
  else if (passed === 0) {
    // Every test failed on a name the exercise does not export: say so (the student's screen does).
    const missing = reported.map((t) => missingExport(String(t.message ?? ''))).find(Boolean);
    if (missing)
      error = `missing export: the tests import \`${missing}\`, which exercises/${exercise.id}.ts does not export`;
  }
  // The workspace is a temporary folder: name the student's file as in their repo.
  if (error) error = error.split(`${ws}${path.sep}`).join('');
  /** @type {import('./grade-output.js').ExerciseResult} */
  const result = {
    ...base,
    points: total > 0 ? round2((exercise.points * passed) / total) : 0,
    passed,
    failed: total - passed,
  };
  // Every canonical test, in order: those that never reported are listed as not run.
  const tests = canonical.map(
    (name) => byName.get(name) ?? { name, status: 'not run', ms: null, message: error ?? 'did not run' },
  );
  const nodeCrashed =
    !res.stalled &&
    !res.timedOut &&
    (NODE_CRASH.test(file?.error ?? '') ||
      (!file && (CRASH_SIGNALS.has(String(res.signal)) || CRASH_CODES.has(Number(res.code)))));
  return { result: error ? { ...result, error } : result, tests, ms: res.ms, nodeCrashed };
}

module.exports = {
  ROOT,
  canonicalTests,
  makeWorkspace,
  gradeExercise,
  tamperedFiles,
  suspiciousLines,
  firstLine,
  round2,
};
