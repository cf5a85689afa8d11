'use strict';
// verify's fixtures: known bugs (tests/known-bugs/<id>/<bug>.ts, each rejected by the tests its
// `@catches` lines name) and known goods (tests/known-good/<id>/<variant>.ts, correct
// implementations of another design that must pass every test of their exercise).
const fs = require('node:fs');
const path = require('node:path');
const { ROOT } = require('../common/target.js');
const { splitPatch } = require('./known-bugs.js');

/**
 * @typedef {{ id: string, file: string, name: string, kind: 'bug' | 'good', catches: string[],
 *   patch?: string }} Fixture `patch`: the known bug's .patch file (`file` is built from it by
 *   verify, tools/maintainer/known-bugs.js).
 */

/**
 * @param {'bug' | 'good'} kind
 * @param {string} id an exercise id, `02-locks/mutex`
 * @returns {Fixture[]}
 */
function fixtures(kind, id) {
  const dir = path.join(ROOT, 'tests', kind === 'bug' ? 'known-bugs' : 'known-good', ...id.split('/'));
  if (!fs.existsSync(dir)) return [];
  return fs
    .readdirSync(dir)
    .filter((f) => f.endsWith('.ts') || (kind === 'bug' && f.endsWith('.patch')))
    .sort()
    .map((f) => {
      const file = path.join(dir, f);
      let text = fs.readFileSync(file, 'utf8');
      const isPatch = f.endsWith('.patch');
      if (isPatch) text = splitPatch(text).preamble;
      const catches = [...text.matchAll(/@catches\s+(.+?)\s*(?:\*\/)?$/gm)].map((m) => m[1].trim());
      const name = `${id}/${f.replace(/\.(ts|patch)$/, '')}`;
      return { id, file, name, kind, catches, ...(isPatch ? { patch: file } : {}) };
    });
}

/**
 * A script for one node process (`node --require tsx/cjs -e …`) that loads every file and prints
 * one JSON line `{ file, error }` for each that throws at load, then `done`. A file that ends the
 * process (process.exit at load) leaves `done` unprinted.
 * @param {string[]} files
 */
function loadCheckScript(files) {
  return `
for (const file of ${JSON.stringify(files)}) {
  try { require(file); } catch (e) {
    console.log(JSON.stringify({ file, error: String(e && e.message || e).split('\\n')[0] }));
  }
}
console.log('done');
process.exit(0);
`;
}

module.exports = { fixtures, loadCheckScript };
