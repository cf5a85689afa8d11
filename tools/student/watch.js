'use strict';
// `npm run watch [-- <exercise>]`: runs the tests of the exercise you are on, then again each
// time a file under exercises/ is saved, ending every run with the progress summary.
//
// Without a name it follows you: it watches the first exercise not solved yet, and moves on to the
// next one as soon as that one passes. With a name (`npm run watch -- mutex`) it stays on it.
// A save during a run stops that run (a hang in your code is never waited for) and starts over.
const fs = require('node:fs');
const path = require('node:path');
const kata = require('../common/kata.js');
const { jestArgs, reporterArgs, TAKES_VALUE } = require('./test.js');
const { runWatched, describeStall } = require('../common/watchdog.js');
const { killTree } = require('../common/kill-tree.js');

const JEST = path.join(kata.ROOT, 'node_modules', 'jest', 'bin', 'jest.js');
const EXERCISES = path.join(kata.ROOT, 'exercises');
const DEBOUNCE_MS = 200;

const list = kata.loadKata().exercises;
const ids = list.map((e) => e.id);
const names = ids.map((id) => id.split('/')[1]).join(', ');

const args = process.argv.slice(2);
/** @type {string[]} */
const extra = []; // jest flags, with their values (`-t release`), passed on
/** @type {string[]} */
const named = [];
for (let i = 0; i < args.length; i++) {
  if (!args[i].startsWith('-')) named.push(args[i]);
  else {
    extra.push(args[i]);
    if (TAKES_VALUE.has(args[i]) && i + 1 < args.length) extra.push(args[++i]);
  }
}
const all = extra.includes('--all');
if (all) extra.splice(extra.indexOf('--all'), 1);
let fixed; // the ids named on the command line, if any
if (named.length > 0) {
  fixed = [...new Set(named.flatMap((n) => kata.resolveExercise(n, ids)))];
  if (fixed.length === 0) {
    process.stderr.write(`No exercise named \`${named.join(' ')}\`. Exercises: ${names}.\n`);
    process.exit(2);
  }
}

/** @type {import('node:child_process').ChildProcess | null} */
let child = null;
/** What to run now: the named exercises, or the first one not solved yet. */
function current() {
  if (fixed) return fixed;
  const next = kata.currentExercise({ exercises: list }, kata.readProgress());
  return next ? [next.id] : [];
}

let again = false;
let timer = null;
let lastRun = [];

function killChild() {
  if (child) void killTree(child.pid);
}

function run() {
  if (child) {
    // A save during a run: stop it and start over once it is gone.
    again = true;
    killChild();
    return;
  }
  const targets = current();
  if (targets.length === 0) {
    process.stdout.write(
      `Every exercise passes. Nothing left to watch (name one to keep working on it: npm run watch -- mutex).\n`,
    );
    return;
  }
  if (process.stdout.isTTY) process.stdout.write('\u001b[2J\u001b[3J\u001b[H');
  process.stdout.write(`npm run watch: ${targets.join(', ')}  (${new Date().toLocaleTimeString()})\n`);
  lastRun = targets;
  runWatched(process.execPath, [JEST, ...jestArgs(targets, ids), ...extra, ...reporterArgs(all)], {
    env: { KATA_WATCH: targets.join(', ') },
    onSpawn: (c) => {
      child = c;
    },
  }).then(({ stall }) => {
    child = null;
    if (stall) {
      const id = stall.file ? kata.idOfTestFile(stall.file) : undefined;
      process.stdout.write(`\n${describeStall(stall, id ? `exercises/${id}.ts` : undefined).join('\n')}\n`);
      process.stdout.write(
        `\nWatching: save a file in exercises/ to run ${targets.join(', ')} again. Ctrl+C stops.\n`,
      );
    }
    if (again) {
      again = false;
      run();
      return;
    }
    // Following the student: the exercise just passed, so show it, then go on to the next one.
    const now = current();
    if (!fixed && now.join() !== lastRun.join()) {
      process.stdout.write(
        `\n★ Solved: ${lastRun.join(', ')}. On to ${now.join(', ') || 'the end'} in 3 s…\n`,
      );
      setTimeout(run, 3000);
    }
  });
}

function onChange(_event, filename) {
  // Editors save through temp files (`.x.swp`, `4913`, `x.ts~`): react to .ts files only.
  if (filename && !String(filename).endsWith('.ts')) return;
  clearTimeout(timer);
  timer = setTimeout(run, DEBOUNCE_MS);
}

function watch() {
  try {
    fs.watch(EXERCISES, { recursive: true }, onChange);
  } catch {
    // No recursive watching on this platform: watch each topic folder.
    for (const topic of fs.readdirSync(EXERCISES)) {
      const dir = path.join(EXERCISES, topic);
      if (fs.statSync(dir).isDirectory()) fs.watch(dir, onChange);
    }
  }
}

process.on('SIGINT', () => {
  killChild();
  process.exit(130);
});
process.on('SIGTERM', () => {
  killChild();
  process.exit(143);
});

watch();
run();
