'use strict';
// How verify runs jest: with a time limit, a JSON report, and the results flattened to one row a
// test (a file that crashed or failed to load is one `(file)` row).
const fs = require('node:fs');
const path = require('node:path');
const { run } = require('../common/run.js');
const { ROOT } = require('../common/target.js');

const JEST = path.join(ROOT, 'node_modules', 'jest', 'bin', 'jest.js');
const RUN_LIMIT_MS = 240_000; // a whole jest run; a hang is killed and reported

/**
 * @typedef {{ file: string, fullName: string, title: string, status: string,
 *   failureMessages?: string[], suiteError?: boolean }} TestRow
 * @typedef {{ code: number | null, timedOut: boolean, stdout: string, stderr: string, ms: number,
 *   limitMs?: number }} RunResult
 */

/**
 * Runs jest with --json into `dir`; resolves with the parsed report (or null) and the process result.
 * @param {string} dir a scratch folder
 * @param {string[]} args
 * @param {Record<string, string>} env
 * @returns {Promise<{ res: RunResult, report: any }>}
 */
async function jestJson(dir, args, env) {
  const out = path.join(dir, `jest-${process.hrtime.bigint()}.json`);
  const res = await run(process.execPath, [JEST, '--json', `--outputFile=${out}`, ...args], {
    env: { CI: 'true', ...env },
    timeoutMs: RUN_LIMIT_MS,
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

/**
 * One row a test of a jest --json report.
 * @param {any} report
 * @returns {TestRow[]}
 */
function testRows(report) {
  /** @type {TestRow[]} */
  const out = [];
  for (const file of report?.testResults ?? []) {
    const rel = path.relative(ROOT, file.name);
    for (const t of file.assertionResults) out.push({ file: rel, ...t });
    if (
      file.assertionResults.length === 0 ||
      (file.status === 'failed' &&
        file.message &&
        !file.assertionResults.some((/** @type {any} */ t) => t.status === 'failed'))
    ) {
      out.push({
        file: rel,
        fullName: '(file)',
        title: '(file)',
        status: 'failed',
        failureMessages: [file.message],
        suiteError: true,
      });
    }
  }
  return out;
}

/**
 * The first line that says something: not jest's "● Test suite failed to run" heading, whose
 * cause is on the lines below it.
 * @param {string | undefined} msg
 */
const firstLine = (msg) =>
  (msg ?? '')
    .split('\n')
    .find((l) => l.trim() && !/^\s*●/.test(l))
    ?.trim() ?? '';

/**
 * Why a run is suspect: killed at its limit, or jest's own "did not exit" notes ('' when neither).
 * @param {RunResult} res
 */
const hangNote = (res) =>
  res.timedOut
    ? `the run did not finish within ${(res.limitMs ?? RUN_LIMIT_MS) / 1000} s and was killed (a hang, or a leak that kept it alive)`
    : /did not exit|failed to exit gracefully|open handle/i.test(res.stderr)
      ? `jest reported: ${firstLine(res.stderr.match(/.*(did not exit|failed to exit gracefully|open handle).*/i)?.[0])}`
      : '';

/** A failure jest produced by its own timeout, not by a test's assertion. @param {string} msg */
const isJestTimeout = (msg) => /Exceeded timeout of \d+ ?ms/.test(msg);

module.exports = { JEST, RUN_LIMIT_MS, jestJson, testRows, firstLine, hangNote, isJestTimeout };
