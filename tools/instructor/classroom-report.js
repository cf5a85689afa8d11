'use strict';
// @ts-check
// `node tools/instructor/classroom-report.js <exercise-id> <points>`: runs one exercise's tests
// and prints `result=<base64>` for GitHub Classroom's grading reporter: the exercise's points
// split evenly over its tests (partial credit). Shipped in the starter repo with the workflow.
const { spawnSync } = require('node:child_process');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');

const { studentConfig } = require('../common/jest-base.js');
const { testShares } = require('../common/points.js');

const ROOT = path.resolve(__dirname, '..', '..');

/**
 * The grading reporter's runner result for one jest JSON report of one exercise.
 * @param {string} id @param {number} points @param {any} report  jest --json output, or null
 */
function runnerResult(id, points, report) {
  const file = report?.testResults?.[0];
  /** @type {any[]} */
  const cases = file?.assertionResults ?? [];
  const shares = testShares(
    points,
    cases.map((t) => t.status === 'passed'),
  );
  const tests = cases.map((t, i) => ({
    name: [...t.ancestorTitles, t.title].join(' › '),
    status: t.status === 'passed' ? 'pass' : 'fail',
    score: shares[i].score,
    message: (t.failureMessages ?? []).join('\n').slice(0, 2000),
    test_code: `npx jest tests/${id}.test.ts -t ${JSON.stringify(t.title)}`,
    filename: `tests/${id}.test.ts`,
    line_no: 0,
    execution_time: `${((t.duration ?? 0) / 1000).toFixed(2)}s`,
  }));
  if (tests.length === 0) {
    tests.push({
      name: `${id} did not load`,
      status: 'error',
      score: 0,
      message: String(file?.message ?? 'the tests did not run').slice(0, 2000),
      test_code: `npx jest tests/${id}.test.ts`,
      filename: `tests/${id}.test.ts`,
      line_no: 0,
      execution_time: '0s',
    });
  }
  const status = tests.every((t) => t.status === 'pass')
    ? 'pass'
    : tests.some((t) => t.status === 'error')
      ? 'error'
      : 'fail';
  return { version: 1, status, max_score: points, tests };
}

if (require.main === module) {
  const [id, pointsArg] = process.argv.slice(2);
  const out = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'kata-classroom-')), 'jest.json');
  spawnSync(
    process.execPath,
    [
      path.join(ROOT, 'node_modules/jest/bin/jest.js'),
      // As JSON: reading jest.config.ts would load ts-node and TypeScript, once per exercise.
      '--config',
      JSON.stringify(studentConfig('exercises')),
      '--ci',
      '--json',
      `--outputFile=${out}`,
      '--forceExit',
      '--runTestsByPath',
      `tests/${id}.test.ts`,
    ],
    {
      cwd: ROOT,
      stdio: ['ignore', 'ignore', 'inherit'],
      timeout: 300_000,
      env: { ...process.env, KATA_TARGET: 'exercises' },
    },
  );
  let report = null;
  try {
    report = JSON.parse(fs.readFileSync(out, 'utf8'));
  } catch {
    /* no report: the exercise did not run */
  }
  const result = runnerResult(id, Number(pointsArg), report);
  process.stdout.write(`result=${Buffer.from(JSON.stringify(result)).toString('base64')}\n`);
}

module.exports = { runnerResult };
