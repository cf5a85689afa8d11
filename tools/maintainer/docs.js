'use strict';
// kata.json is the one source of truth for the exercise list. `npm run sync` rewrites what is
// generated from it (README.md's exercise table, between its `exercises` markers, and
// .github/classroom/); verify fails when they disagree (`docsProblems()`).
const fs = require('node:fs');
const path = require('node:path');
const kata = require('../shared/kata.js');
const { ROOT } = require('../shared/target.js');

const START = '<!-- exercises:start (generated from kata.json by `npm run sync`) -->';
const END = '<!-- exercises:end -->';

/**
 * README's exercise table as prettier writes it: every column padded to its widest cell.
 * @param {import('../shared/kata.js').Kata} list
 */
function exerciseTable(list) {
  const rows = [
    ['#', 'Exercise', 'File', 'What you build', 'Points'],
    ...list.exercises.map((e, i) => [
      String(i + 1),
      e.title,
      `\`exercises/${e.id}.ts\``,
      e.goal,
      String(e.points),
    ]),
  ];
  const widths = rows[0].map((_, c) => Math.max(3, ...rows.map((r) => [...r[c]].length)));
  /** @param {string[]} r */
  const line = (r) =>
    `| ${r.map((cell, c) => cell + ' '.repeat(widths[c] - [...cell].length)).join(' | ')} |`;
  return [line(rows[0]), line(widths.map((w) => '-'.repeat(w))), ...rows.slice(1).map(line)].join('\n');
}

/** README.md with its table regenerated; null when the markers are missing. @param {string} readme */
function withTable(readme) {
  const a = readme.indexOf(START);
  const b = readme.indexOf(END);
  if (a < 0 || b < a) return null;
  return `${readme.slice(0, a + START.length)}\n\n${exerciseTable(kata.loadKata())}\n\n${readme.slice(b)}`;
}

/** What disagrees with kata.json: [] when README's table is up to date. @returns {string[]} */
function docsProblems(root = ROOT) {
  const readme = fs.readFileSync(path.join(root, 'README.md'), 'utf8');
  const fresh = withTable(readme);
  if (fresh === null) return [`README.md has no exercise table between "${START}" and "${END}"`];
  return fresh === readme
    ? []
    : ['README.md: the exercise table differs from kata.json (run `npm run sync`)'];
}

if (require.main === module) {
  const file = path.join(ROOT, 'README.md');
  const fresh = withTable(fs.readFileSync(file, 'utf8'));
  if (fresh === null) {
    process.stderr.write(`README.md needs the markers ${START} and ${END}\n`);
    process.exit(1);
  }
  fs.writeFileSync(file, fresh);
  process.stdout.write('wrote README.md (exercise table)\n');
  require('node:child_process').execFileSync(
    process.execPath,
    [path.join(ROOT, 'tools', 'shared', 'kata.js'), 'classroom'],
    {
      stdio: 'inherit',
    },
  );
}

module.exports = { docsProblems, exerciseTable };
