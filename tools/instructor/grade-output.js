'use strict';
// @ts-check
// The grader's outputs from its per-student results: a table per student, the class summary,
// CSV (one row per student) and JUnit XML (a suite per student and exercise, every canonical
// test a case, even when the exercise did not load).
const { stringify } = require('csv-stringify/sync');
const kata = require('../shared/kata.js');
const { firstLine } = require('./grade-core.js');

/**
 * @typedef {{ id: string, points: number, max: number, passed: number, failed: number, error?: string }} ExerciseResult
 * @typedef {{ name: string, status: string, ms: number | null, message?: string }} TestResult
 * @typedef {{ repo: string, total: number, max: number, exercises: ExerciseResult[], tampered: string[], problem?: string, commit?: string }} Report
 * @typedef {{ report: Report, graded: { tests: TestResult[], ms: number }[], ms: number }} Graded
 */

/** @param {Graded} g */
function table({ report, graded, ms }) {
  if (report.problem) return `${report.repo}\n  ${report.problem}\n`;
  const rows = report.exercises.map((e, i) => [
    e.id,
    `${e.passed}/${e.passed + e.failed}`,
    `${e.points.toFixed(2)} / ${e.max}`,
    `${((graded[i]?.ms ?? 0) / 1000).toFixed(1)} s`,
    e.error ?? '',
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
  return `${out.join('\n')}\n`;
}

/** @param {Report[]} reports */
function summary(reports) {
  const width = Math.max(...reports.map((r) => r.repo.length));
  const lines = reports.map(
    (r) =>
      `  ${r.repo.padEnd(width)}  ${r.total.toFixed(2).padStart(6)} / ${r.max}${
        r.problem
          ? `  (${r.problem})`
          : r.tampered.length
            ? `  (${r.tampered.length} tampered file${r.tampered.length > 1 ? 's' : ''})`
            : ''
      }`,
  );
  return `Summary\n${lines.join('\n')}\n`;
}

/** @param {Report[]} reports @param {string[]} ids */
function csv(reports, ids) {
  const head = ['repo', 'total', 'max', ...ids, 'tampered', 'problem'];
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
  ]);
  return stringify([head, ...rows]);
}

/** Characters XML 1.0 cannot hold (control characters but tab, LF and CR; U+FFFE, U+FFFF). */
const xmlIllegal = (/** @type {number} */ c) =>
  (c < 32 && c !== 9 && c !== 10 && c !== 13) || c === 0xfffe || c === 0xffff;

/** @param {unknown} s */
const xml = (s) =>
  [...kata.stripAnsi(String(s ?? ''))]
    .filter((ch) => !xmlIllegal(ch.codePointAt(0) ?? 0))
    .join('')
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;');

/** @param {unknown} message */
const trimStack = (message) =>
  String(message ?? '')
    .split('\n')
    .filter((l) => !/^\s*at .*node_modules/.test(l))
    .join('\n');

/** @param {Graded[]} results */
function junit(results) {
  /** @type {string[]} */
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
        const head = `    <testcase classname="${xml(e.id)}" name="${xml(t.name)}" time="${((t.ms ?? 0) / 1000).toFixed(3)}"`;
        if (t.status === 'passed') return `${head}/>`;
        if (t.status === 'failed') {
          f += 1;
          return `${head}>\n      <failure message="${xml(firstLine(t.message))}">${xml(trimStack(t.message))}</failure>\n    </testcase>`;
        }
        if (t.status === 'not run') {
          err += 1;
          return `${head}>\n      <error message="${xml(e.error ?? 'did not run')}">${xml(e.error ?? 'did not run')}</error>\n    </testcase>`;
        }
        return `${head}>\n      <skipped/>\n    </testcase>`;
      });
      tests += cases.length;
      failures += f;
      errors += err;
      suites.push(
        [
          `  <testsuite name="${xml(`${report.repo} ${e.id}`)}" tests="${cases.length}" failures="${f}" errors="${err}" time="${(g.ms / 1000).toFixed(3)}">`,
          '    <properties>',
          `      <property name="repo" value="${xml(report.repo)}"/>`,
          `      <property name="points" value="${e.points}"/>`,
          `      <property name="max" value="${e.max}"/>`,
          `      <property name="repo.total" value="${report.total}"/>`,
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
    `<testsuites name="kata grade" tests="${tests}" failures="${failures}" errors="${errors}">`,
    ...suites,
    '</testsuites>',
    '',
  ].join('\n');
}

module.exports = { table, summary, csv, junit };
