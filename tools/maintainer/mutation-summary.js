'use strict';
// `npm run mutation:summary [-- report.json …]`: the figures README gives from Stryker's JSON
// report(s): the score as Stryker counts it, the disabled (`// Stryker disable`) mutants, and the
// score with every disabled mutant counted as a survivor. Several reports (one a file or a group
// of files, run separately) are added up; a file in more than one counts from the last.
const fs = require('node:fs');
const path = require('node:path');
const { ROOT } = require('../common/target.js');

/** @param {string[]} reports paths of mutation.json files */
function summarize(reports) {
  /** @type {Map<string, { status: string }[]>} */
  const files = new Map();
  for (const report of reports) {
    const json = JSON.parse(fs.readFileSync(report, 'utf8'));
    for (const [file, data] of Object.entries(json.files ?? {}))
      files.set(path.relative(ROOT, path.resolve(ROOT, file)), /** @type {any} */ (data).mutants);
  }
  /** @type {Record<string, number>} */
  const count = {};
  const rows = [];
  for (const [file, mutants] of [...files].sort()) {
    /** @type {Record<string, number>} */
    const c = {};
    for (const m of mutants) c[m.status] = (c[m.status] ?? 0) + 1;
    for (const [k, v] of Object.entries(c)) count[k] = (count[k] ?? 0) + v;
    rows.push({ file, ...scores(c) });
  }
  return { rows, total: scores(count) };
}

/** @param {Record<string, number>} c mutants by status */
function scores(c) {
  const n = (/** @type {string} */ k) => c[k] ?? 0;
  const detected = n('Killed') + n('Timeout');
  const valid = detected + n('Survived') + n('NoCoverage');
  return {
    mutants: valid + n('Ignored'),
    disabled: n('Ignored'),
    survived: n('Survived') + n('NoCoverage'),
    errors: n('RuntimeError') + n('CompileError'),
    score: valid ? (100 * detected) / valid : 100,
    strict: valid + n('Ignored') ? (100 * detected) / (valid + n('Ignored')) : 100,
  };
}

if (require.main === module) {
  const args = process.argv.slice(2);
  const reports = args.length ? args : [path.join(ROOT, 'reports', 'mutation', 'mutation.json')];
  const { rows, total } = summarize(reports);
  const pct = (/** @type {number} */ x) => `${x.toFixed(1)} %`;
  for (const r of rows)
    process.stdout.write(
      `${r.file.padEnd(42)} score ${pct(r.score).padStart(7)}  disabled ${String(r.disabled).padStart(3)}  with disabled as survivors ${pct(r.strict)}\n`,
    );
  process.stdout.write(
    `\nall: ${total.mutants} mutants, ${total.disabled} disabled, ${total.survived} survived, ${total.errors} errors; ` +
      `score ${pct(total.score)}; with every disabled mutant counted as a survivor ${pct(total.strict)}\n`,
  );
}

module.exports = { summarize };
