'use strict';
// verify's checks that read files rather than run tests: the layout of every exercise (solution,
// test file, known bugs and goods, kata.json and what is generated from it) and the contract
// (every test cites clauses its stub states; every clause is cited).
const fs = require('node:fs');
const path = require('node:path');
const { ROOT } = require('../common/target.js');
const kata = require('../common/kata.js');
const { parseClauses, citedClauses } = require('../common/clauses.js');
const { fixtures } = require('./fixtures.js');
const { docsProblems } = require('./docs.js');

/** @typedef {(ok: unknown, name: string, detail?: string) => void} Check */
/** @param {string[]} ids @param {Check} check */
function layout(ids, check) {
  for (const id of ids) {
    check(fs.existsSync(path.join(ROOT, 'solutions', `${id}.ts`)), `layout: solutions/${id}.ts exists`);
    check(fs.existsSync(path.join(ROOT, 'tests', `${id}.test.ts`)), `layout: tests/${id}.test.ts exists`);
    const bugs = fixtures('bug', id);
    check(
      bugs.length >= 2,
      `layout: ${id} has at least two known bugs`,
      `found ${bugs.length} under tests/known-bugs/${id}/`,
    );
    for (const bug of bugs)
      check(bug.catches.length > 0, `layout: ${bug.name} names the tests that catch it (@catches)`);
    const goods = fixtures('good', id).length;
    check(
      goods >= 2,
      `layout: ${id} has at least two known goods`,
      `found ${goods} under tests/known-good/${id}/`,
    );
  }
  const metadata = [...kata.metadataProblems(), ...docsProblems()];
  check(
    metadata.length === 0,
    'layout: kata.json lists exactly the exercises in exercises/, and what is generated from it agrees (README table, Classroom, the stubs in tools/student/stubs.json)',
    metadata.join('\n'),
  );
}

/**
 * Every test of an exercise cites clauses its stub states; every clause is cited.
 * @param {string[]} ids @param {import('./jest-run.js').TestRow[]} rows the solutions run's tests
 * @param {Check} check
 */
function contract(ids, rows, check) {
  for (const id of ids) {
    const stub = path.join(ROOT, 'exercises', `${id}.ts`);
    const clauses = parseClauses(fs.readFileSync(stub, 'utf8'));
    const stated = new Set(clauses.map((c) => c.n));
    check(stated.size > 0, `contract: exercises/${id}.ts states its clauses (comment lines \`§N …\`)`);
    const todo = clauses.filter((c) => /\bTODO\b/.test(c.text)).map((c) => `§${c.n}`);
    check(
      todo.length === 0,
      `contract: exercises/${id}.ts is written`,
      `stub not started: ${todo.join(', ')} still ${todo.length > 1 ? 'say' : 'says'} TODO`,
    );
    const expected = clauses.map((_, i) => i + 1).join(',');
    check(
      clauses.map((c) => c.n).join(',') === expected,
      `contract: exercises/${id}.ts numbers its clauses §1, §2, … in order, without gaps`,
      `found ${clauses.map((c) => `§${c.n}`).join(' ')}`,
    );
    const mine = rows.filter((t) => !t.suiteError && kata.idOfTestFile(path.join(ROOT, t.file)) === id);
    const cited = new Set();
    for (const t of mine) {
      const ns = citedClauses(t.title);
      ns.forEach((n) => cited.add(n));
      const unknown = ns.filter((n) => !stated.has(n));
      check(
        ns.length > 0 && unknown.length === 0,
        `contract: ${id} › "${t.title}" cites a stated clause`,
        ns.length === 0
          ? 'its title must start with `§N`'
          : `no clause ${unknown.map((n) => `§${n}`).join(', ')} in the stub`,
      );
    }
    for (const n of stated) check(cited.has(n), `contract: ${id} §${n} is checked by a test`);
  }
}

module.exports = { layout, contract };
