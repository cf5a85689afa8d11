'use strict';
// @ts-check
// `npm run grade -- <student-repo>…`: grades students' exercises/ with THIS repo's tests.
//
// Each student gets a fresh workspace (this repo's tests/, tools/, config and node_modules, and a
// copy of the student's exercises/: nothing else of theirs is used). Each exercise runs in its
// own jest process in a sandbox (sandbox.js: bwrap on Linux) with a time limit; its results come
// back HMAC-signed from a reporter that student code never shares a process with
// (grade-reporter.js). Points: an exercise's points (kata.json) split evenly over its canonical
// tests. `tampered` lists files under tests/, tools/, .github/classroom/ and config files that
// differ from ours (they are never used; the list is for the instructor).
//
//   --json                  one JSON object for one repo
//   --csv FILE, --junit FILE  class CSV, JUnit XML
//   --save FILE             the raw results, for `npm run grade -- merge FILE…`
//   --jobs N                exercise runs at once, over all students (default: the core count)
//   --shard I/N             grade only every N-th repo, from the I-th (1-based)
//   --at COMMIT|DATE        grade the commit, or the last commit before the date (deadline.js)
//   --html FILE             a self-contained class report with plots (grade-html.js)
//   --gradescope FILE       Gradescope results.json for one hand-in (gradescope.js)
//   --copy-threshold X      flag pairs of hand-ins (and a hand-in and the solution or a known
//                           bug) whose exercise file Dolos scores ≥ X (default 0.9; copies.js)
//   --timeout SECONDS, --exercise ID…, --keep
//   copies REPO…            only the copy check (seconds, no grading): the flags, one per line
//   merge FILE…             combine saved results (shards, re-grades: the latest per repo and
//                           exercise wins) and write --csv/--junit/the summary
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { parseArgs } = require('node:util');
const kata = require('../common/kata.js');
const core = require('./grade-core.js');
const out = require('./grade-output.js');
const { sandboxed, stopAll } = require('./sandbox.js');
const { exportAt } = require('./deadline.js');
const { gradescope } = require('./gradescope.js');
const { htmlReport } = require('./grade-html.js');
const { findCopies, sourcesOf, DEFAULT_THRESHOLD } = require('./copies.js');

const USAGE = `usage: npm run grade -- <student-repo>… [--json | --csv FILE | --junit FILE | --save FILE]
                     [--html FILE] [--gradescope FILE] [--at COMMIT|DATE]
                     [--jobs N] [--shard I/N] [--timeout SECONDS] [--exercise ID]… [--keep]
                     [--copy-threshold X]
       npm run grade -- merge <saved.json>… [--csv FILE] [--junit FILE] [--html FILE]
       npm run grade -- copies <student-repo>… [--copy-threshold X]`;

const log = (/** @type {string} */ line) => process.stderr.write(`${line}\n`);
/** @param {string} message @returns {never} */
function fail(message) {
  process.stderr.write(`grade: ${message}\n${USAGE}\n`);
  process.exit(2);
}

/** @typedef {import('./grade-output.js').Graded} Graded */

/** What is wrong with a hand-in before grading it, or null. @param {string} repo */
function problemOf(repo) {
  if (!fs.existsSync(repo)) return 'not found: no such folder';
  if (!fs.statSync(repo).isDirectory()) return 'not a folder';
  if (!fs.existsSync(path.join(repo, 'exercises'))) return 'not a kata repo: it has no exercises/ folder';
  return null;
}

/**
 * Grades every repo, `jobs` exercise runs at a time over all of them.
 * @param {string[]} repos
 * @param {{ id: string, points: number }[]} exercises
 * @param {{ jobs: number, limitMs: number, tmp: string, canonical: Record<string, string[]>, at?: string }} ctx
 * @returns {Promise<Graded[]>}
 */
async function gradeAll(repos, exercises, { jobs, limitMs, tmp, canonical, at }) {
  const started = Date.now();
  const students = repos.map((arg, n) => {
    let repo = path.resolve(arg);
    const dir = path.join(tmp, `student-${n}`);
    let problem = problemOf(repo);
    let commit;
    if (!problem && at) {
      const found = exportAt(repo, at, path.join(dir, 'at'));
      if ('problem' in found) problem = found.problem;
      else [repo, commit] = [found.dir, found.commit];
      if (commit) log(`grade: ${arg}: grading commit ${commit} (--at ${at})`);
      if (!problem) problem = problemOf(repo);
    }
    if (problem) log(`grade: ${arg}: ${problem}`);
    return {
      arg,
      repo,
      commit,
      problem,
      dir,
      ws: problem ? '' : core.makeWorkspace(dir, repo),
      graded: /** @type {any[]} */ ([]),
      ms: 0,
    };
  });
  const tasks = students.flatMap((s) => (s.problem ? [] : exercises.map((e, i) => ({ s, e, i }))));
  let next = 0;
  const worker = async () => {
    while (next < tasks.length) {
      const { s, e, i } = tasks[next++];
      const g = await core.gradeExercise(e, {
        ws: s.ws,
        dir: s.dir,
        canonical: canonical[e.id] ?? [],
        limitMs,
        // Out of the run's sight: the grader's workspaces (every student's) and the hand-ins.
        hide: [tmp, ...students.map((st) => st.repo)],
      });
      s.graded[i] = g;
      s.ms += g.ms;
      const r = g.result;
      log(
        `grade: ${s.arg} ${e.id}: ${r.passed}/${r.passed + r.failed} tests, ${r.points}/${r.max} points${r.error || r.note ? ` (${r.error ?? r.note})` : ''} in ${(g.ms / 1000).toFixed(1)} s`,
      );
    }
  };
  await Promise.all(Array.from({ length: Math.min(jobs, Math.max(tasks.length, 1)) }, worker));
  log(`grade: ${repos.length} repo(s) in ${((Date.now() - started) / 1000).toFixed(1)} s`);
  return students.map((s) => {
    const graded = s.problem
      ? exercises.map((e) => ({
          result: {
            id: e.id,
            points: 0,
            max: e.points,
            passed: 0,
            failed: (canonical[e.id] ?? []).length,
            error: 'not graded',
          },
          tests: (canonical[e.id] ?? []).map((name) => ({
            name,
            status: 'not run',
            ms: null,
            message: s.problem ?? '',
          })),
          ms: 0,
        }))
      : s.graded;
    const results = graded.map((g) => g.result);
    /** @type {import('./grade-output.js').Report} */
    const report = {
      repo: s.arg,
      total: core.round2(results.reduce((sum, e) => sum + e.points, 0)),
      max: core.round2(results.reduce((sum, e) => sum + e.max, 0)),
      exercises: results,
      tampered: s.problem ? [] : core.tamperedFiles(s.repo),
      suspicious: s.problem ? [] : core.suspiciousLines(s.ws),
    };
    if (s.problem) report.problem = s.problem;
    if (s.commit) report.commit = s.commit;
    return {
      report,
      graded: graded.map((g) => ({ tests: g.tests, ms: g.ms })),
      ms: s.ms,
      sources: s.problem
        ? {}
        : sourcesOf(
            s.repo,
            exercises.map((e) => e.id),
          ),
    };
  });
}

/** Saved results merged: per repo, each exercise from the last file that graded it. @param {string[]} files */
function merge(files) {
  /** @type {Map<string, Graded>} */
  const byRepo = new Map();
  let boxed = true;
  for (const file of files) {
    /** @type {{ results: Graded[], sandboxed?: boolean }} */
    let saved;
    try {
      saved = JSON.parse(fs.readFileSync(file, 'utf8'));
    } catch (err) {
      fail(`${file}: not a saved grade (${/** @type {Error} */ (err).message})`);
    }
    boxed &&= saved.sandboxed !== false;
    for (const g of saved.results) {
      const old = byRepo.get(g.report.repo);
      if (!old || g.report.problem) {
        byRepo.set(g.report.repo, g);
        continue;
      }
      g.report.exercises.forEach((e, i) => {
        const at = old.report.exercises.findIndex((o) => o.id === e.id);
        if (at >= 0) {
          old.report.exercises[at] = e;
          old.graded[at] = g.graded[i];
        } else {
          old.report.exercises.push(e);
          old.graded.push(g.graded[i]);
        }
      });
      old.report.total = core.round2(old.report.exercises.reduce((s, e) => s + e.points, 0));
      old.report.max = core.round2(old.report.exercises.reduce((s, e) => s + e.max, 0));
      old.report.tampered = g.report.tampered;
      old.report.suspicious = g.report.suspicious;
      old.sources = { ...old.sources, ...g.sources };
    }
  }
  return { results: [...byRepo.values()], sandboxed: boxed };
}

/**
 * `copies REPO…`: the copy check alone, its flags on stdout (exit 1 if a hand-in is not a kata repo).
 * @param {string[]} repos @param {{ id: string }[]} exercises @param {number} threshold
 */
async function copiesOnly(repos, exercises, threshold) {
  if (repos.length === 0) fail('copies: name the student repositories to compare.');
  const ids = exercises.map((e) => e.id);
  const ok = repos.filter((repo) => {
    const problem = problemOf(path.resolve(repo));
    if (problem) log(`grade: ${repo}: ${problem}`);
    return !problem;
  });
  const { copies, skipped } = await findCopies(
    ok.map((repo) => ({ repo, sources: sourcesOf(path.resolve(repo), ids) })),
    ids,
    { threshold },
  );
  if (skipped) fail(`copy check: ${skipped}`);
  process.stdout.write(
    out.copyList(
      [...copies].map(([repo, list]) => ({ repo, copies: list })),
      threshold,
    ),
  );
  if (ok.length < repos.length) process.exitCode = 1;
}

async function main() {
  /** @type {any} */
  let parsed;
  try {
    parsed = parseArgs({
      allowPositionals: true,
      options: {
        json: { type: 'boolean' },
        csv: { type: 'string' },
        junit: { type: 'string' },
        save: { type: 'string' },
        timeout: { type: 'string', default: '60' },
        jobs: { type: 'string', default: String(os.availableParallelism()) },
        shard: { type: 'string' },
        at: { type: 'string' },
        gradescope: { type: 'string' },
        html: { type: 'string' },
        exercise: { type: 'string', multiple: true },
        keep: { type: 'boolean' },
        'copy-threshold': { type: 'string', default: String(DEFAULT_THRESHOLD) },
        help: { type: 'boolean', short: 'h' },
      },
    });
  } catch (err) {
    fail(/** @type {Error} */ (err).message);
  }
  const { values: flags, positionals } = parsed;
  if (flags.help) return void process.stdout.write(`${USAGE}\n`);
  const threshold = Number(flags['copy-threshold']);
  if (!(threshold > 0 && threshold <= 1)) fail('--copy-threshold must be a similarity in (0, 1], e.g. 0.9.');
  const all = kata.loadKata().exercises;

  /** @type {Graded[]} */
  let results;
  /** @type {boolean | undefined} */
  let savedSandboxed;
  if (positionals[0] === 'copies') return copiesOnly(positionals.slice(1), all, threshold);
  if (positionals[0] === 'merge') {
    if (positionals.length < 2) fail('merge: name the saved results (--save FILE) to merge.');
    ({ results, sandboxed: savedSandboxed } = merge(positionals.slice(1)));
  } else {
    let repos = positionals;
    if (repos.length === 0) fail('Name at least one student repository (a folder with exercises/).');
    if ((flags.json || flags.gradescope) && repos.length > 1)
      fail('--json prints one object for one repo: use --csv, --junit or --save.');
    const limitS = Number(flags.timeout);
    if (!(limitS > 0)) fail('--timeout must be a number of seconds > 0.');
    const jobs = Number(flags.jobs);
    if (!Number.isInteger(jobs) || jobs < 1) fail('--jobs must be a positive integer.');
    if (flags.shard) {
      const m = /^(\d+)\/(\d+)$/.exec(flags.shard);
      const [i, n] = m ? [Number(m[1]), Number(m[2])] : [0, 0];
      if (!(n >= 1 && i >= 1 && i <= n)) fail('--shard must be I/N with 1 ≤ I ≤ N, e.g. 2/4.');
      repos = repos.filter((/** @type {string} */ _, /** @type {number} */ k) => k % n === i - 1);
    }
    const wanted = flags.exercise
      ? flags.exercise.flatMap((/** @type {string} */ n) => {
          const found = kata.resolveExercise(
            n,
            all.map((e) => e.id),
          );
          if (found.length === 0) fail(`No exercise named \`${n}\`.`);
          return found;
        })
      : null;
    const exercises = wanted ? all.filter((e) => wanted.includes(e.id)) : all;
    if (!flags.json) {
      log(
        sandboxed()
          ? 'grade: sandbox: bubblewrap (read-only file system, no network, own PID namespace)'
          : 'grade: WARNING: NO SANDBOX (no working bwrap here): student code runs with your rights',
      );
    }
    const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'kata-grade-'));
    process.on('exit', () => {
      if (!flags.keep) fs.rmSync(tmp, { recursive: true, force: true });
    });
    for (const [sig, code] of /** @type {const} */ ([
      ['SIGINT', 130],
      ['SIGTERM', 143],
    ]))
      process.on(sig, () => void stopAll().then(() => process.exit(code)));
    if (flags.keep) log(`grade: workspaces kept in ${tmp}`);
    const canonical = await core.canonicalTests(
      exercises.map((e) => e.id),
      tmp,
    );
    results = await gradeAll(repos, exercises, {
      jobs,
      limitMs: limitS * 1000,
      tmp,
      canonical,
      at: flags.at,
    });
  }

  const ids = [...new Set(results.flatMap((r) => r.report.exercises.map((e) => e.id)))];
  const { copies, skipped } = await findCopies(
    results.filter((r) => !r.report.problem).map((r) => ({ repo: r.report.repo, sources: r.sources ?? {} })),
    ids,
    { threshold },
  );
  if (skipped) log(`grade: copy check skipped: ${skipped}`);
  for (const r of results) if (!r.report.problem) r.report.copies = copies.get(r.report.repo) ?? [];
  const reports = results.map((r) => r.report);
  if (flags.json)
    process.stdout.write(`${JSON.stringify({ sandboxed: sandboxed(), ...reports[0] }, null, 2)}\n`);
  else {
    process.stdout.write(
      sandboxed()
        ? ''
        : 'WARNING: graded WITHOUT a sandbox (no bwrap): student code ran with your rights.\n\n',
    );
    for (const r of results) process.stdout.write(`${out.table(r)}\n`);
    if (results.length > 1) process.stdout.write(out.summary(reports, threshold));
  }
  if (flags.csv) fs.writeFileSync(flags.csv, out.csv(reports, ids));
  if (flags.junit) fs.writeFileSync(flags.junit, out.junit(results));
  if (flags.save) fs.writeFileSync(flags.save, JSON.stringify({ sandboxed: sandboxed(), results }));
  if (flags.html)
    fs.writeFileSync(flags.html, htmlReport(reports, { sandboxed: savedSandboxed ?? sandboxed() }));
  if (flags.gradescope) fs.writeFileSync(flags.gradescope, JSON.stringify(gradescope(results[0]), null, 2));
  for (const f of [flags.csv, flags.junit, flags.save, flags.gradescope, flags.html])
    if (f) log(`grade: wrote ${f}`);
  const wrong = reports.filter(
    (r) => r.problem || r.exercises.some((e) => /is missing$/.test(e.error ?? '')),
  );
  if (wrong.length > 0) {
    log(`grade: ${wrong.length} hand-in(s) had a problem: ${wrong.map((r) => r.repo).join(', ')}`);
    process.exitCode = 1;
  }
}

main().catch((err) => {
  process.stderr.write(`grade: ${err.stack ?? err}\n`);
  process.exit(1);
});
