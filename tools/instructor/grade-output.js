'use strict';
// @ts-check
// The grader's outputs from its per-student results: a table per student, the class summary,
// CSV (one row per student) and JUnit XML (a suite per student and exercise, every canonical
// test a case, even when the exercise did not load).
const toXml = require('xml');
const { stringify } = require('csv-stringify/sync');
const kata = require('../common/kata.js');
const { firstLine } = require('./grade-core.js');

/**
 * @typedef {{ id: string, points: number, max: number, passed: number, failed: number, error?: string, note?: string }} ExerciseResult
 *   `error`: why the exercise did not run to its end; `note`: why it was not run (an untouched stub)
 * @typedef {{ name: string, status: string, ms: number | null, message?: string }} TestResult
 * @typedef {{ repo: string, total: number, max: number, exercises: ExerciseResult[], tampered: string[], suspicious?: string[], problem?: string, commit?: string, copies?: import('./copies.js').Copy[] }} Report
 *   `suspicious`: lines of the hand-in that reach for the test process itself (grade-core.js
 *   SUSPICIOUS): code there can change the results it reports, so read them before you trust the
 *   points.
 * @typedef {{ report: Report, graded: { tests: TestResult[], ms: number }[], ms: number, sources?: Record<string, string> }} Graded
 *   `sources`: the hand-in's exercise files that differ from the stub (for the copy check, also after merge)
 */
const { describeCopy } = require('./copies.js');

/** @param {Graded} g */
function table({ report, graded, ms }) {
  if (report.problem) return `${report.repo}\n  ${report.problem}\n`;
  const rows = report.exercises.map((e, i) => [
    e.id,
    `${e.passed}/${e.passed + e.failed}`,
    `${e.points.toFixed(2)} / ${e.max}`,
    `${((graded[i]?.ms ?? 0) / 1000).toFixed(1)} s`,
    e.error ?? e.note ?? '',
  ]);
  const head = ['Exercise', 'Tests', 'Points', 'Time', 'Note'];
  const foot = ['Total', '', `${report.total.toFixed(2)} / ${report.max}`, `${(ms / 1000).toFixed(1)} s`, ''];
  const all = [head, ...rows, foot];
  const widths = head.map((_, c) => Math.max(...all.map((r) => r[c].length)));
  const line = (/** @type {string[]} */ r) =>
    `  ${r
      .map((cell, c) => (c >= 1 && c <= 3 ? cell.padStart(widths[c]) : cell.padEnd(widths[c])))
      .join('  ')
      .trimEnd()}`;
  const out = [
    `${report.repo}${report.commit ? ` (commit ${report.commit})` : ''}`,
    line(head),
    ...rows.map(line),
    line(foot),
  ];
  out.push(
    report.tampered.length === 0
      ? '  Tampered: none'
      : `  Tampered (differs from this repo's copy; not used for grading):\n${report.tampered.map((f) => `    ${f}`).join('\n')}`,
  );
  if (report.suspicious?.length)
    out.push(
      `  Suspicious (code that reaches for the test process, which can change its results: read it):\n${report.suspicious
        .map((f) => `    ${f}`)
        .join('\n')}`,
    );
  if (report.copies?.length)
    out.push(
      `  Similar (Dolos; look before you judge):\n${report.copies.map((c) => `    ${describeCopy(c)}`).join('\n')}`,
    );
  return `${out.join('\n')}\n`;
}

/**
 * The copy check's flags, one line each: a pair of hand-ins once, the solution or a known bug per
 * hand-in. @param {{ repo: string, copies?: import('./copies.js').Copy[] }[]} reports
 * @param {number} [threshold]
 */
function copyList(reports, threshold = 0.9) {
  const seen = new Set();
  const lines = reports
    .flatMap((r) => (r.copies ?? []).map((c) => ({ repo: r.repo, c })))
    .filter(({ repo, c }) => {
      const key = [c.exercise, ...[repo, c.with].sort()].join('\0');
      return seen.has(key) ? false : (seen.add(key), true);
    })
    .map(({ repo, c }) => `  ${repo}  ${describeCopy(c)}`);
  const head = `Possible copies (Dolos similarity ≥ ${Math.round(threshold * 100)} %; look before you judge)`;
  return lines.length ? `${head}\n${lines.join('\n')}\n` : `${head}: none\n`;
}

/** @param {Report[]} reports @param {number} [threshold] the copy check's */
function summary(reports, threshold) {
  const width = Math.max(...reports.map((r) => r.repo.length));
  const lines = reports.map(
    (r) =>
      `  ${r.repo.padEnd(width)}  ${r.total.toFixed(2).padStart(6)} / ${r.max}${
        r.problem
          ? `  (${r.problem})`
          : [
              r.tampered.length
                ? `${r.tampered.length} tampered file${r.tampered.length > 1 ? 's' : ''}`
                : '',
              r.suspicious?.length
                ? `${r.suspicious.length} suspicious line${r.suspicious.length > 1 ? 's' : ''}`
                : '',
            ]
              .filter(Boolean)
              .map((t) => `  (${t})`)
              .join('')
      }`,
  );
  const flagged = reports.some((r) => r.copies?.length);
  return `Summary\n${lines.join('\n')}\n${flagged ? `\n${copyList(reports, threshold)}` : ''}`;
}

/** @param {Report[]} reports @param {string[]} ids */
function csv(reports, ids) {
  const head = ['repo', 'total', 'max', ...ids, 'tampered', 'problem', 'copies', 'suspicious'];
  const rows = reports.map((r) => [
    r.repo,
    r.total,
    r.max,
    ...ids.map((id) => r.exercises.find((e) => e.id === id)?.points ?? ''),
    r.tampered.join(' '),
    r.problem ??
      r.exercises
        .filter((e) => e.error)
        .map((e) => `${e.id}: ${e.error}`)
        .join('; '),
    (r.copies ?? []).map(describeCopy).join('; '),
    (r.suspicious ?? []).join('; '),
  ]);
  return stringify([head, ...rows]);
}

/** Characters XML 1.0 cannot hold (control characters but tab, LF and CR; U+FFFE, U+FFFF). */
const xmlIllegal = (/** @type {number} */ c) =>
  (c < 32 && c !== 9 && c !== 10 && c !== 13) || c === 0xfffe || c === 0xffff;

/** Text XML can hold: no colour codes, no illegal characters (the `xml` package escapes the rest). @param {unknown} s */
const clean = (s) =>
  [...kata.stripAnsi(String(s ?? ''))].filter((ch) => !xmlIllegal(ch.codePointAt(0) ?? 0)).join('');

/** @param {unknown} message */
const trimStack = (message) =>
  String(message ?? '')
    .split('\n')
    .filter((l) => !/^\s*at .*node_modules/.test(l))
    .join('\n');

/**
 * JUnit XML in jest-junit's layout (one <testsuite> per hand-in and exercise, a <testcase> per
 * canonical test, properties for the points), written by the `xml` package jest-junit uses.
 * @param {Graded[]} results
 */
function junit(results) {
  const suites = [];
  let tests = 0;
  let failures = 0;
  let errors = 0;
  for (const { report, graded } of results) {
    report.exercises.forEach((e, i) => {
      const g = graded[i] ?? { tests: [], ms: 0 };
      let f = 0;
      let err = 0;
      const cases = g.tests.map((t) => {
        const attr = {
          _attr: { classname: e.id, name: clean(t.name), time: ((t.ms ?? 0) / 1000).toFixed(3) },
        };
        if (t.status === 'passed') return { testcase: [attr] };
        if (t.status === 'failed') {
          f += 1;
          return {
            testcase: [
              attr,
              { failure: [{ _attr: { message: clean(firstLine(t.message)) } }, clean(trimStack(t.message))] },
            ],
          };
        }
        if (t.status === 'not run') {
          err += 1;
          const why = clean(e.error ?? 'did not run');
          return { testcase: [attr, { error: [{ _attr: { message: why } }, why] }] };
        }
        return { testcase: [attr, { skipped: {} }] };
      });
      tests += cases.length;
      failures += f;
      errors += err;
      const property = (/** @type {string} */ name, /** @type {unknown} */ value) => ({
        property: { _attr: { name, value: clean(value) } },
      });
      suites.push({
        testsuite: [
          {
            _attr: {
              name: clean(`${report.repo} ${e.id}`),
              tests: cases.length,
              failures: f,
              errors: err,
              time: (g.ms / 1000).toFixed(3),
            },
          },
          {
            properties: [
              property('repo', clean(report.repo)),
              property('points', e.points),
              property('max', e.max),
              property('repo.total', report.total),
              property('repo.tampered', clean(report.tampered.join(' '))),
              property('repo.suspicious', clean((report.suspicious ?? []).join(' | '))),
            ],
          },
          ...cases,
        ],
      });
    });
  }
  const root = { testsuites: [{ _attr: { name: 'kata grade', tests, failures, errors } }, ...suites] };
  return `${toXml(root, { declaration: true, indent: '  ' })}\n`;
}

module.exports = { table, summary, csv, junit, copyList };
