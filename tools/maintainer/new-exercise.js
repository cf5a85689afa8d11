'use strict';
// `npm run new-exercise -- <topic>/<name>`: scaffolds an exercise, so that verify lists what is
// left to write: the stub (exercises/), its solution (solutions/, a copy of the stub until
// written), its test file, the known-bug and known-good folders, a kata.json entry, and the
// generated README table and Classroom file. Every TODO it leaves fails verify by name.
const fs = require('node:fs');
const path = require('node:path');
const { execFileSync } = require('node:child_process');
const { ROOT } = require('../common/target.js');
const kata = require('../common/kata.js');

/** `bounded-queue` → `boundedQueue`. @param {string} name */
const camel = (name) => name.replace(/-([a-z0-9])/g, (_, c) => c.toUpperCase());

/** @param {string} id @param {string} fn */
const stub = (id, fn) => `/**
 * Exercise ${id}: TODO one line on what the student builds.
 *
 * TODO: the one trap to avoid, and what to read.
 *
 * Contract (what the tests check, and nothing else):
 *  §1 TODO: the first clause: behaviour, defaults, errors and their types.
 *
 * Hints: \`npm run hint -- ${id.split('/')[1]}\`.
 */
export function ${fn}(): unknown {
  // TODO: say what to build here.
  throw new Error('Not implemented: ${fn}()');
}
`;

/** @param {string} id @param {string} fn */
const test = (
  id,
  fn,
) => `// ${id}: each test starts with the clause it checks (\`§N\`) and checks nothing else.
import { ${fn} } from '@kata/${id}';
import { check, show } from '../helpers/assert';

describe('${fn}', () => {
  it('§1 TODO: the behaviour §1 states', () => {
    const got = ${fn}();
    check(got === 'TODO', \`Expected \\\`${fn}()\\\` to … (§1), got \${show(got)}. The usual cause: …\`);
  });
});
`;

function main() {
  const id = String(process.argv[2] ?? '')
    .trim()
    .replace(/\.ts$/, '');
  if (!/^\d\d-[a-z0-9-]+\/[a-z][a-z0-9-]*$/.test(id)) {
    process.stderr.write('usage: npm run new-exercise -- <NN-topic>/<name>   (e.g. 07-classics/barrier)\n');
    process.exit(2);
  }
  const list = kata.loadKata();
  if (list.exercises.some((e) => e.id === id) || fs.existsSync(path.join(ROOT, 'exercises', `${id}.ts`))) {
    process.stderr.write(`${id} exists already.\n`);
    process.exit(1);
  }
  const fn = camel(id.split('/')[1]);
  /** @param {string} rel @param {string} text */
  const write = (rel, text) => {
    fs.mkdirSync(path.dirname(path.join(ROOT, rel)), { recursive: true });
    fs.writeFileSync(path.join(ROOT, rel), text);
    process.stdout.write(`wrote ${rel}\n`);
  };
  write(`exercises/${id}.ts`, stub(id, fn));
  write(`solutions/${id}.ts`, stub(id, fn));
  write(`tests/${id}.test.ts`, test(id, fn));
  write(`tests/known-bugs/${id}/.gitkeep`, '');
  write(`tests/known-good/${id}/.gitkeep`, '');
  list.exercises.push({
    id,
    title: 'TODO',
    points: 1,
    goal: 'TODO',
    hints: ['TODO: a nudge', 'TODO: the API to read', 'TODO: the shape of the answer'],
  });
  fs.writeFileSync(path.join(ROOT, 'kata.json'), `${JSON.stringify(list, null, 2)}\n`);
  process.stdout.write('added kata.json entry (title, goal, points, hints: TODO)\n');
  execFileSync(process.execPath, [path.join(__dirname, 'docs.js')], { stdio: 'inherit' });
  const prettier = path.join(ROOT, 'node_modules', 'prettier', 'bin', 'prettier.cjs');
  execFileSync(process.execPath, [prettier, '--write', 'kata.json', 'README.md'], {
    cwd: ROOT,
    stdio: 'ignore',
  });
  process.stdout.write(`\nNext: npm run verify -- --exercise ${id}   (lists what is left to write)\n`);
}

main();
