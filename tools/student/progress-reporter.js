'use strict';
// A jest reporter (jest.config.ts `reporters`) that ends `npm test` with the student's progress:
//
//   Progress: 3/11 exercises solved  [█████░░░░░░░░░░░░░░░] 27%
//   (one line per exercise: solved, failing, or not run yet)
//   Next: exercises/02-locks/async-mutex.ts: its first failing test and message, and the
//   commands to get a hint and to run just that exercise.
//
// An exercise is solved when every one of its tests passed. Exercises this run did not test
// (`npm test -- mutex` runs one) show their result from an earlier run, marked "earlier run",
// kept in node_modules/.cache/kata/progress.json.
//
// Silent in machine-readable runs (`--json`: verify, the grader), in verify's known-bug runs
// (KATA_OVERRIDE) and when testing solutions/ (KATA_TARGET=solutions).
const fs = require('node:fs');
const path = require('node:path');
const { styleText } = require('node:util');
const kata = require('../common/kata.js');
const { targetName } = require('../common/target.js');
const { describeFailure, codeFrame } = require('./failure.js');
const { syntaxErrors } = require('./syntax.js');
const { isUntouched } = require('./stubs.js');

const BAR_WIDTH = 20;

function painter(stream) {
  const on =
    !process.env.NO_COLOR &&
    (Boolean(process.env.FORCE_COLOR) || (stream.isTTY && process.env.TERM !== 'dumb'));
  /** @param {'bold' | 'dim' | 'green' | 'red' | 'yellow'} format */
  const wrap = (format) => (/** @type {unknown} */ s) => (on ? styleText(format, String(s)) : String(s));
  return {
    bold: wrap('bold'),
    dim: wrap('dim'),
    green: wrap('green'),
    red: wrap('red'),
    yellow: wrap('yellow'),
  };
}

const win = process.platform === 'win32';
const MARK = { solved: win ? '√' : '✓', failing: win ? '×' : '✕', unknown: '·' };

/** The name to type after `npm test --` or `npm run hint --`: the file name when it is unique. */
function shortName(id, ids) {
  const name = id.split('/')[1];
  return kata.resolveExercise(name, ids).length === 1 ? name : id;
}

/**
 * The summary's lines. `results`: `{ [id]: summary }` of this run (kata.summarizeFile);
 * `progress`: the cache of earlier runs; `watching`: under `npm run watch` (no command line: its
 * footer has them); `preferNext`: the exercise watch's Solved screen offers next.
 */
function renderSummary({
  list,
  results,
  progress,
  before = {},
  watching = false,
  paint = painter({}),
  preferNext = /** @type {string | undefined} */ (undefined),
}) {
  const ids = list.map((e) => e.id);
  const status = (id) => results[id] ?? progress[id];
  const solvedCount = list.filter((e) => status(e.id)?.solved).length;
  const filled = Math.round((solvedCount / list.length) * BAR_WIDTH);
  const percent = Math.round((solvedCount / list.length) * 100);
  const out = [''];
  out.push(
    `${paint.bold(`Progress: ${solvedCount}/${list.length} exercises solved`)}  [${paint.green(
      '█'.repeat(filled),
    )}${'░'.repeat(BAR_WIDTH - filled)}] ${percent}%`,
  );
  out.push('');
  const titleWidth = Math.max(...list.map((e) => e.title.length));
  const idWidth = Math.max(...ids.map((id) => id.length));
  list.forEach((e, i) => {
    const s = status(e.id);
    const earlier = !results[e.id] && s ? paint.dim('  (earlier run)') : '';
    const mark = !s ? paint.dim(MARK.unknown) : s.solved ? paint.green(MARK.solved) : paint.red(MARK.failing);
    const detail = !s
      ? paint.dim('not run yet')
      : s.compileError
        ? paint.red(`does not compile: ${s.compileError}`)
        : s.solved
          ? `${s.passed}/${s.total} tests pass`
          : s.notStarted
            ? paint.dim(`not started (${s.total} tests)`)
            : s.total === 0
              ? paint.red('the test file did not run')
              : `${s.passed}/${s.total} tests pass`;
    const num = String(i + 1).padStart(String(list.length).length);
    out.push(`  ${mark} ${num}. ${e.title.padEnd(titleWidth)}  ${e.id.padEnd(idWidth)}  ${detail}${earlier}`);
  });
  out.push('');

  const newlySolved = list.filter((e) => results[e.id]?.solved && !before[e.id]?.solved);
  if (newlySolved.length > 0) {
    out.push(paint.green(`Solved: ${newlySolved.map((e) => e.title).join(', ')}. Nice work!`));
    out.push('');
  }

  // Next: the first unsolved exercise this run tested (the one being worked on), else the one
  // watch's `n` goes on to (`preferNext`, the first unsolved after it), else the first unsolved
  // one of the whole kata.
  const next =
    list.find((e) => results[e.id] && !results[e.id].solved) ??
    list.find((e) => e.id === preferNext && !status(e.id)?.solved) ??
    list.find((e) => !status(e.id)?.solved);
  if (!next) {
    out.push(paint.green(paint.bold(`All ${list.length} exercises solved. Well done!`)));
    out.push('GUIDE.md has more to read; `npm run test:solutions` runs the same tests on the reference.');
    out.push('');
    return out;
  }
  const name = shortName(next.id, ids);
  const s = status(next.id);
  out.push(`${paint.bold('Next:')} exercises/${next.id}.ts  ${paint.dim(`(${next.title}: ${next.goal})`)}`);
  if (!s) {
    out.push(`  Not run yet. Run its tests: ${paint.bold(`npm test -- ${name}`)}`);
  } else if (s.failure) {
    const when = results[next.id] ? '' : paint.dim(' (earlier run)');
    out.push(`  First failing test${when}: ${paint.red(s.failure.test)}`);
    const lines = s.failure.detail?.length
      ? s.failure.detail
      : (s.failure.message || '(no message)').split('\n');
    for (const line of lines) out.push(line ? `      ${line}` : '');
  }
  if (s && s.passed === 0) {
    out.push(
      hasTodo(next.id)
        ? `  Open exercises/${next.id}.ts: its doc comment says what to build and \`// TODO:\` marks the spot.`
        : `  Open exercises/${next.id}.ts: its doc comment says what to build.`,
    );
  }
  out.push(
    `  Stuck?    ${paint.bold(`npm run hint -- ${name}`)}  ${paint.dim('(ask again for the next hint)')}`,
  );
  // Under `npm run watch` its own footer says what a save runs and which keys work.
  if (!watching) {
    out.push(
      `  Just this exercise: ${paint.bold(`npm test -- ${name}`)}    re-run on every save: ${paint.bold(
        'npm run watch',
      )}`,
    );
  }
  out.push('');
  return out;
}

class ProgressReporter {
  constructor(globalConfig) {
    this.globalConfig = globalConfig;
  }

  onRunComplete(_contexts, aggregated) {
    if (this.globalConfig.json || process.env.KATA_OVERRIDE) return;
    let target;
    try {
      target = targetName();
    } catch {
      return;
    }
    const stream = process.stderr;
    if (target !== 'exercises') {
      printAfterJestSummary(stream, `(Progress is kept for exercises/ only: this run tested ${target}/.)\n`);
      return;
    }
    let list;
    try {
      list = kata.loadKata().exercises;
    } catch (err) {
      stream.write(
        `\n(No progress summary: kata.json cannot be read: ${err instanceof Error ? err.message : err})\n`,
      );
      return;
    }
    const results = {};
    for (const file of aggregated.testResults) {
      const id = exerciseOf(kata.idOfTestFile(file.testFilePath), list);
      if (!id) continue;
      const summary = kata.summarizeFile(file);
      // A run that skipped some tests (`-t <name>`) and failed none says nothing for sure: the
      // exercise keeps its result from earlier runs.
      if (summary.pending > 0 && !summary.failure) continue;
      if (summary.failure) summary.failure.detail = describeFailure(rawFailure(file));
      // Not started: the file is still the stub as handed out (tools/student/stubs.json), or every
      // test failed on a `Not implemented` error. One line, no blame. The file is what decides:
      // a test may record only an error's name (the barrier's do), so its message never says
      // `Not implemented`.
      const failed = file.testResults.filter((t) => t.status === 'failed');
      summary.notStarted =
        summary.passed === 0 &&
        (isUntouched(id) ||
          (failed.length > 0 &&
            failed.every((t) => /Not implemented/.test(t.failureMessages?.join('\n') ?? ''))));
      notCompiling(id, summary);
      results[id] = merge(results[id], { ...summary, at: new Date().toISOString() });
    }
    const progress = kata.readProgress();
    const before = { ...progress };
    Object.assign(progress, results);
    kata.writeProgress(progress);
    const lines = renderSummary({
      list,
      results,
      progress,
      before,
      watching: Boolean(process.env.KATA_WATCH),
      preferNext: process.env.KATA_WATCH_NEXT || undefined,
      paint: painter(stream),
    });
    printAfterJestSummary(stream, `${lines.join('\n')}\n`);
  }
}

/**
 * The exercise a test file counts for: its own id, or `<id>` for `<id>-cli.test.ts` (the job
 * server's CLI tests count in the job server's row), or null.
 * @param {string | null} id @param {Array<{ id: string }>} list
 */
function exerciseOf(id, list) {
  if (!id) return null;
  if (list.some((e) => e.id === id)) return id;
  const base = id.replace(/-cli$/, '');
  return base !== id && list.some((e) => e.id === base) ? base : null;
}

/**
 * Two test files' summaries of one exercise, as one.
 * @param {any} a @param {any} b
 */
function merge(a, b) {
  if (!a) return b;
  return {
    ...a,
    passed: a.passed + b.passed,
    failed: a.failed + b.failed,
    pending: a.pending + b.pending,
    total: a.total + b.total,
    solved: a.solved && b.solved,
    notStarted: a.notStarted && b.notStarted,
    failure: a.failure ?? b.failure,
    compileError: a.compileError ?? b.compileError,
  };
}

/** Whether exercises/<id>.ts still has a `// TODO:` line. @param {string} id */
function hasTodo(id) {
  try {
    return /\/\/ TODO:/.test(fs.readFileSync(path.join(kata.ROOT, 'exercises', `${id}.ts`), 'utf8'));
  } catch {
    return false;
  }
}

/**
 * An exercise file that does not parse is never solved, however many tests pass (the per-file
 * transpile forgives a missing final `}`): its first failure becomes the compiler's message.
 * @param {string} id
 * @param {{ solved: boolean, notStarted?: boolean, compileError?: string, failure?: any }} summary
 */
function notCompiling(id, summary) {
  const file = path.join(kata.ROOT, 'exercises', `${id}.ts`);
  const [first] = syntaxErrors(file);
  if (!first) return;
  summary.solved = false;
  summary.notStarted = false;
  summary.compileError = `${first.message} (line ${first.line})`;
  summary.failure = {
    test: `exercises/${id}.ts does not compile`,
    message: first.message,
    detail: [`error: ${first.message}`, '', ...codeFrame(file, first.line, first.column)],
  };
}

/**
 * The full message of a file's first failure, or the error that kept the file from running.
 * @param {{ testResults: Array<{ status: string, failureMessages?: string[] }>,
 *   testExecError?: { message?: string, stack?: string }, failureMessage?: string | null }} file
 */
function rawFailure(file) {
  const first = file.testResults.find((t) => t.status === 'failed');
  if (first) return first.failureMessages?.[0] ?? '';
  return file.testExecError?.stack || file.testExecError?.message || file.failureMessage || '';
}

/**
 * Writes `text` after jest's own "Tests: … Time: …" lines: jest's summary reporter always runs
 * after custom reporters, in the same tick, so print on the next turn of the event loop (or at
 * exit, if jest exits first, as with --forceExit).
 */
function printAfterJestSummary(stream, text) {
  let printed = false;
  const print = () => {
    if (printed) return;
    printed = true;
    process.off('exit', print);
    stream.write(text);
  };
  process.on('exit', print);
  setImmediate(print);
}

module.exports = ProgressReporter;
module.exports.renderSummary = renderSummary;
module.exports.shortName = shortName;
module.exports.painter = painter;
module.exports.ROOT = path.resolve(__dirname, '..', '..');
