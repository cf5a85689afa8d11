'use strict';
// @ts-check
// `node tools/instructor/sample-class.js <dir> [N]`: writes N (default 30) made-up hand-ins, the
// same every time, to measure and check the grader at class scale (README, "Scale"). Hand-in k
// (from 0) has done the first k mod (n + 1) of the n exercises, in kata order, each as the solution,
// a known good or a known bug (applied to the solution), in turn; the rest are untouched stubs.
// The last hand-in has every exercise solved but an endless loop in Thread's `isAlive`.
const fs = require('node:fs');
const path = require('node:path');
const { applyPatch } = require('diff');
const kata = require('../common/kata.js');
const { splitPatch } = require('../maintainer/known-bugs.js');

const ROOT = kata.ROOT;
/** @param {string} dir @param {string} ext @returns {string[]} */
const filesIn = (dir, ext) =>
  fs.existsSync(dir)
    ? fs
        .readdirSync(dir)
        .filter((f) => f.endsWith(ext))
        .sort()
        .map((f) => path.join(dir, f))
    : [];

/**
 * The text of exercise `id` for hand-in `k`, and what it is.
 * @param {string} id @param {number} k @param {number} i the exercise's place in the kata
 */
function variant(id, k, i) {
  const solution = fs.readFileSync(path.join(ROOT, 'solutions', `${id}.ts`), 'utf8');
  const goods = filesIn(path.join(ROOT, 'tests', 'known-good', id), '.ts');
  const bugs = filesIn(path.join(ROOT, 'tests', 'known-bugs', id), '.patch');
  const turn = (k + i) % 3;
  if (turn === 1 && goods.length > 0) {
    const file = goods[(k + i) % goods.length];
    return { what: `known good ${path.basename(file, '.ts')}`, text: fs.readFileSync(file, 'utf8') };
  }
  if (turn === 2 && bugs.length > 0) {
    const file = bugs[(k + i) % bugs.length];
    const text = applyPatch(solution, splitPatch(fs.readFileSync(file, 'utf8')).diff);
    if (text !== false) return { what: `known bug ${path.basename(file, '.patch')}`, text };
  }
  return { what: 'solution', text: solution };
}

/** @param {string} out @param {number} n @returns {string[]} one line per hand-in: what it holds */
function writeClass(out, n) {
  const ids = kata.loadKata().exercises.map((e) => e.id);
  const lines = [];
  for (let k = 0; k < n; k++) {
    const repo = path.join(out, `student-${String(k + 1).padStart(2, '0')}`);
    fs.cpSync(path.join(ROOT, 'exercises'), path.join(repo, 'exercises'), { recursive: true });
    const looping = k === n - 1;
    const done = looping ? ids.length : k % (ids.length + 1);
    const what = [];
    for (let i = 0; i < done; i++) {
      let { what: w, text } = looping ? { what: 'solution', text: '' } : variant(ids[i], k, i);
      if (looping) {
        text = fs.readFileSync(path.join(ROOT, 'solutions', `${ids[i]}.ts`), 'utf8');
        if (ids[i] === '01-threads/thread') {
          text = text.replace(/(get isAlive\(\): boolean \{)/, '$1\n    for (;;) {}');
          w = 'solution with an endless loop in isAlive';
        }
      }
      fs.writeFileSync(path.join(repo, 'exercises', `${ids[i]}.ts`), text);
      what.push(`${ids[i]}: ${w}`);
    }
    lines.push(`${path.basename(repo)}: ${done} done${what.length ? ` (${what.join(', ')})` : ''}`);
  }
  return lines;
}

if (require.main === module) {
  const [out, n = '30'] = process.argv.slice(2);
  if (!out || !(Number(n) >= 1)) {
    process.stderr.write('usage: node tools/instructor/sample-class.js <empty or new folder> [N]\n');
    process.exit(2);
  }
  if (fs.existsSync(out) && fs.readdirSync(out).length > 0) {
    process.stderr.write(`sample-class: ${out} is not empty\n`);
    process.exit(1);
  }
  for (const line of writeClass(path.resolve(out), Number(n))) process.stdout.write(`${line}\n`);
}

module.exports = { writeClass };
