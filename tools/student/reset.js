'use strict';
// `npm run reset -- <exercise> [--yes]`: puts an exercise's stub back, as handed out
// (tools/student/stubs.json: no git needed, the same in the kata and in the starter repo).
//
// It asks first (y/N) when stdin is a terminal; otherwise it refuses unless `--yes` is given.
// The replaced file is kept in node_modules/.cache/kata/reset/, and the exercise's result from
// earlier runs is forgotten (it is not solved any more). Exit status: 0 reset (or already the
// stub), 1 not confirmed, 2 bad usage (no such exercise, several, or no stub known).
const fs = require('node:fs');
const path = require('node:path');
const readline = require('node:readline/promises');
const { parseArgs } = require('node:util');
const kata = require('../common/kata.js');
const { readStubs, isUntouched } = require('./stubs.js');

const USAGE = 'usage: npm run reset -- <exercise> [--yes]';

/** @param {string} message @returns {never} */
function fail(message) {
  process.stderr.write(`${message}\n${USAGE}\n`);
  process.exit(2);
}

/** y/N on the terminal; false on anything but y or yes. @param {string} question */
async function confirm(question) {
  const rl = readline.createInterface({ input: process.stdin, output: process.stdout });
  try {
    const answer = await rl.question(question);
    return /^\s*y(es)?\s*$/i.test(answer);
  } finally {
    rl.close();
  }
}

async function main() {
  let parsed;
  try {
    parsed = parseArgs({
      allowPositionals: true,
      options: { yes: { type: 'boolean', short: 'y' }, help: { type: 'boolean', short: 'h' } },
    });
  } catch (err) {
    return fail(err instanceof Error ? err.message : String(err));
  }
  const { values, positionals } = parsed;
  if (values.help) {
    process.stdout.write(`${USAGE}\n`);
    return 0;
  }
  const ids = kata.loadKata().exercises.map((e) => e.id);
  const names = ids.map((id) => id.split('/')[1]).join(', ');
  if (positionals.length !== 1) fail(`Name the one exercise to reset. Exercises: ${names}.`);
  const found = kata.resolveExercise(positionals[0], ids);
  if (found.length === 0)
    fail(
      `No exercise named \`${positionals[0]}\`.${kata.didYouMean(positionals[0], ids)} Exercises: ${names}.`,
    );
  if (found.length > 1) fail(`\`${positionals[0]}\` names several exercises: ${found.join(', ')}. Name one.`);
  const id = found[0];
  const rel = `exercises/${id}.ts`;
  const stub = readStubs()[id];
  if (stub === undefined) fail(`No stub is known for ${rel} (tools/student/stubs.json lacks it).`);
  if (isUntouched(id)) {
    process.stdout.write(`${rel} is already the stub: nothing to reset.\n`);
    return 0;
  }

  const question = `Replace ${rel} with its stub? Your code in it goes to node_modules/.cache/kata/reset/. [y/N] `;
  if (!values.yes) {
    if (!process.stdin.isTTY) {
      process.stderr.write(
        `Not reset: ${rel} keeps your code. Nobody can answer y/N here (stdin is not a terminal): add --yes to reset it anyway.\n`,
      );
      return 1;
    }
    if (!(await confirm(question))) {
      process.stdout.write(`Not reset: ${rel} is as it was.\n`);
      return 1;
    }
  }

  const file = path.join(kata.ROOT, rel);
  let backup;
  if (fs.existsSync(file)) {
    const stamp = new Date().toISOString().replace(/[:.]/g, '-');
    backup = path.join(kata.cacheDir(), 'reset', `${id.replace('/', '--')}.${stamp}.ts`);
    fs.mkdirSync(path.dirname(backup), { recursive: true });
    fs.copyFileSync(file, backup);
  }
  // Read before the stub is written: a result counts only for the file it was recorded for.
  const progress = kata.readProgress();
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, stub);
  if (progress[id]) {
    delete progress[id];
    kata.writeProgress(progress);
  }
  const name = id.split('/')[1];
  process.stdout.write(
    `${rel} is the stub again.${backup ? ` Your code is in ${path.relative(process.cwd(), backup)}.` : ''}\n` +
      `Run its tests: npm test -- ${name}\n`,
  );
  return 0;
}

main().then((code) => process.exit(code));
