'use strict';
// The kata's exercise list (kata.json) and the students' progress, shared by the progress
// reporter (`npm test`), `npm run hint`, `npm run watch`, `npm test -- <name>`, the grader and
// verify's layout check.
//
// Progress and hint levels are kept in node_modules/.cache/kata/ (not in the repo: a fresh
// `npm ci` starts over, and nothing of it is ever committed).
const crypto = require('node:crypto');
const fs = require('node:fs');
const path = require('node:path');
const { stripVTControlCharacters } = require('node:util');

const ROOT = path.resolve(__dirname, '..', '..');
const HINT_LEVELS = ['a nudge', 'the API to read', 'the shape of the answer'];

/**
 * @typedef {{ id: string, title: string, points: number, goal: string, hints: string[] }} Exercise
 * @typedef {{ exercises: Exercise[] }} Kata
 * @typedef {{ test: string, message: string, detail?: unknown }} Failure
 * @typedef {{ passed: number, failed: number, pending: number, total: number, solved: boolean,
 *   failure?: Failure, at?: string, notStarted?: boolean, notCompiling?: unknown, file?: string,
 *   compileError?: string }} FileSummary
 *   `file`: a hash of the exercise file's text when the result was recorded; `compileError`: the
 *   compiler's first message and line, for a file that does not compile
 */

/** kata.json of `root`. @returns {Kata} */
function loadKata(root = ROOT) {
  return JSON.parse(fs.readFileSync(path.join(root, 'kata.json'), 'utf8'));
}

/** Exercise ids found in `root`/exercises: every exercises/<topic>/<name>.ts, sorted. */
function treeIds(root = ROOT) {
  const dir = path.join(root, 'exercises');
  if (!fs.existsSync(dir)) return [];
  const ids = [];
  for (const topic of fs.readdirSync(dir).sort()) {
    if (!fs.statSync(path.join(dir, topic)).isDirectory()) continue;
    for (const file of fs.readdirSync(path.join(dir, topic)).sort()) {
      if (file.endsWith('.ts')) ids.push(`${topic}/${file.slice(0, -3)}`);
    }
  }
  return ids;
}

/** The exercise id of a test file path (`…/tests/02-locks/mutex.test.ts` → `02-locks/mutex`), or null. */
/** @param {string} file */
function idOfTestFile(file, root = ROOT) {
  const rel = path.relative(path.join(root, 'tests'), file).split(path.sep).join('/');
  const m = /^([^/]+\/[^/]+)\.test\.ts$/.exec(rel);
  return m ? m[1] : null;
}

/**
 * The exercises a name on the command line means: an id (`02-locks/mutex`), a file name
 * (`mutex`), a path to the exercise or its test (`exercises/02-locks/mutex.ts`), or a topic
 * (`02-locks`, `locks`): several ids. [] if none.
 */
/** @param {string} name @param {string[]} ids @returns {string[]} */
function resolveExercise(name, ids) {
  const n = String(name)
    .trim()
    .split('\\')
    .join('/')
    .replace(/^\.\//, '')
    .replace(/\/+$/, '')
    .replace(/^(exercises|solutions|tests)\//, '')
    .replace(/(\.test)?\.ts$/, '')
    .toLowerCase();
  if (!n) return [];
  if (ids.includes(n)) return [n];
  const byName = ids.filter((id) => id.split('/')[1] === n);
  if (byName.length > 0) return byName;
  return ids.filter((id) => {
    const topic = id.split('/')[0];
    return topic === n || topic.replace(/^\d+-/, '') === n;
  });
}

/**
 * ` Did you mean \`mutex\`?` for a name one or two typing mistakes away from exactly one
 * exercise's name (`mutx`, `barier`); '' otherwise.
 * @param {string} name @param {string[]} ids
 */
function didYouMean(name, ids) {
  const n = String(name).toLowerCase();
  const close = ids
    .map((id) => id.split('/')[1])
    .filter((e) => editDistance(n, e) <= Math.min(2, e.length - 2));
  return close.length === 1 ? ` Did you mean \`${close[0]}\`?` : '';
}

/** Levenshtein distance. @param {string} a @param {string} b */
function editDistance(a, b) {
  let row = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const next = [i];
    for (let j = 1; j <= b.length; j++)
      next[j] = Math.min(row[j] + 1, next[j - 1] + 1, row[j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1));
    row = next;
  }
  return row[b.length];
}

// ---- the cache: progress and hints ------------------------------------------------------------

/** Where progress and hint levels are kept. */
function cacheDir(root = ROOT) {
  return path.join(root, 'node_modules', '.cache', 'kata');
}

/** @param {string} file @param {any} fallback @returns {any} */
function readJson(file, fallback) {
  try {
    return JSON.parse(fs.readFileSync(file, 'utf8'));
  } catch {
    return fallback;
  }
}

/** @param {string} file @param {unknown} value */
function writeJson(file, value) {
  try {
    fs.mkdirSync(path.dirname(file), { recursive: true });
    fs.writeFileSync(file, `${JSON.stringify(value, null, 2)}\n`);
  } catch {
    /* a read-only node_modules: progress is then shown for this run only */
  }
}

/**
 * Last known result of each exercise, from earlier `npm test` runs:
 * `{ [id]: { solved, passed, total, failure?: { test, message }, at } }`.
 */
/** @returns {Record<string, FileSummary>} */
function readProgress(root = ROOT) {
  /** @type {Record<string, FileSummary>} */
  const all = readJson(path.join(cacheDir(root), 'progress.json'), {});
  // A result counts for the file it was recorded for: an exercise file changed since (edited,
  // checked out again, copied over) has no known result, and is run again.
  return Object.fromEntries(
    Object.entries(all).filter(([id, s]) => s.file !== undefined && s.file === exerciseHash(id, root)),
  );
}

/** @param {Record<string, FileSummary>} progress */
function writeProgress(progress, root = ROOT) {
  for (const [id, s] of Object.entries(progress)) s.file ??= exerciseHash(id, root);
  writeJson(path.join(cacheDir(root), 'progress.json'), progress);
}

/** A hash of exercises/<id>.ts as it is now, or undefined if it cannot be read. @param {string} id @param {string} root */
function exerciseHash(id, root) {
  try {
    const text = fs.readFileSync(path.join(root, 'exercises', `${id}.ts`));
    return crypto.createHash('sha1').update(text).digest('hex');
  } catch {
    return undefined;
  }
}

/** `{ [id]: highest hint level shown (1-based) }`. */
/** @returns {Record<string, number>} */
function readHints(root = ROOT) {
  return readJson(path.join(cacheDir(root), 'hints.json'), {});
}

/** @param {Record<string, number>} hints */
function writeHints(hints, root = ROOT) {
  writeJson(path.join(cacheDir(root), 'hints.json'), hints);
}

/** The first exercise in kata order not known to be solved, or undefined when all are. */
/** @param {Kata} kata @param {Record<string, FileSummary>} progress */
function currentExercise(kata, progress) {
  return kata.exercises.find((e) => !progress[e.id]?.solved);
}

// ---- reading jest results ---------------------------------------------------------------------

/** @param {unknown} s */
const stripAnsi = (s) => stripVTControlCharacters(String(s ?? ''));

/**
 * The part of a jest failure message worth showing in a summary: its first lines, before the
 * code frame and the stack.
 */
/** @param {string | undefined} message */
function shortMessage(message, maxLines = 4) {
  /** @type {string[]} */
  const lines = [];
  for (const raw of stripAnsi(message).split('\n')) {
    const line = raw.replace(/\s+$/, '');
    if (/^\s*at\s/.test(line) || /^\s*>?\s*\d+\s*\|/.test(line)) break;
    if (!line.trim() && lines.length === 0) continue;
    lines.push(line.trim());
  }
  while (lines.length > 0 && !lines[lines.length - 1]) lines.pop();
  const out = lines.filter((l, i) => l || lines[i - 1]).slice(0, maxLines);
  if (lines.length > maxLines) out.push('…');
  return out.join('\n');
}

/**
 * Sums up one test file's jest result (a `TestResult` of a reporter, or a `testResults[]` entry of
 * `--json`): `{ passed, failed, pending, total, solved, failure? }`, where `failure` is the first
 * failing test and its message, or the error that kept the file from running.
 */
/** @param {any} result @returns {FileSummary} */
function summarizeFile(result) {
  /** @type {any[]} */
  const tests = result.testResults ?? result.assertionResults ?? [];
  /** @param {string} s */
  const count = (s) => tests.filter((t) => t.status === s).length;
  const passed = count('passed');
  const failed = count('failed');
  const pending = tests.length - passed - failed;
  const execError =
    result.testExecError?.message || (tests.length === 0 ? result.failureMessage || result.message : '');
  /** @type {Failure | undefined} */
  let failure;
  const first = tests.find((t) => t.status === 'failed');
  if (first) {
    const name = first.ancestorTitles ? [...first.ancestorTitles, first.title].join(' › ') : first.fullName;
    failure = { test: name ?? first.title, message: shortMessage(first.failureMessages?.[0]) };
  } else if (execError) {
    failure = { test: '(the test file could not run)', message: shortMessage(execError, 6) };
  }
  const solved = !failure && passed > 0 && pending === 0;
  return { passed, failed, pending, total: tests.length, solved, failure };
}

// ---- verify's layout check ----------------------------------------------------------------------

/**
 * Problems with kata.json: [] when it lists exactly the exercises in exercises/ (each with a
 * title, points and three hints).
 */
/** @returns {string[]} */
function metadataProblems(root = ROOT) {
  /** @type {string[]} */
  const problems = [];
  /** @type {any} */
  let kata;
  try {
    kata = loadKata(root);
  } catch (err) {
    return [`kata.json cannot be read: ${err instanceof Error ? err.message : err}`];
  }
  /** @type {any[]} */
  const list = Array.isArray(kata.exercises) ? kata.exercises : [];
  const ids = list.map((e) => e?.id);
  const tree = treeIds(root);
  for (const id of tree) {
    if (!ids.includes(id)) problems.push(`exercises/${id}.ts is not listed in kata.json`);
  }
  for (const id of ids) {
    if (!tree.includes(id)) problems.push(`kata.json lists "${id}", but exercises/${id}.ts does not exist`);
  }
  const total = list.reduce((sum, e) => sum + (typeof e?.points === 'number' ? e.points : 0), 0);
  if (total !== 100) problems.push(`kata.json: the points add up to ${total}, not 100`);
  const seen = new Set();
  for (const e of list) {
    const name = `kata.json "${e?.id}"`;
    if (seen.has(e?.id)) problems.push(`${name} is listed twice`);
    seen.add(e?.id);
    if (/\bTODO\b/.test(JSON.stringify(e))) problems.push(`${name} still says TODO (title, goal or hints)`);
    if (typeof e?.title !== 'string' || !e.title.trim()) problems.push(`${name} has no title`);
    if (typeof e?.goal !== 'string' || !e.goal.trim()) problems.push(`${name} has no goal`);
    if (!(typeof e?.points === 'number' && e.points > 0)) problems.push(`${name}: points must be > 0`);
    if (
      !Array.isArray(e?.hints) ||
      e.hints.length !== HINT_LEVELS.length ||
      !e.hints.every((/** @type {unknown} */ h) => typeof h === 'string' && h.trim())
    ) {
      problems.push(`${name} needs ${HINT_LEVELS.length} hints (${HINT_LEVELS.join(', ')})`);
    }
  }

  return problems;
}

module.exports = {
  ROOT,
  HINT_LEVELS,
  loadKata,
  treeIds,
  idOfTestFile,
  resolveExercise,
  didYouMean,
  cacheDir,
  readProgress,
  writeProgress,
  readHints,
  writeHints,
  currentExercise,
  stripAnsi,
  shortMessage,
  summarizeFile,
  metadataProblems,
};
