'use strict';
// `npm run watch [-- <exercise>] [jest flags] [--all] [--poll]`: runs the tests of the exercise
// you are on, then again each time a .ts file under exercises/ is saved, each run ending with the
// progress summary and a footer that says what a save runs and which keys work:
//
//   n  next: go on to the next exercise not solved yet     l  list: every exercise and its state
//   h  hint: the next hint for this exercise                r  run: run it again now
//   q  quit (Ctrl-C too)
//
// Without a name it follows you: it starts on the first exercise not solved yet. When the one it
// watches passes it shows a "Solved" screen and waits for `n` (when nobody can press a key,
// stdin at its end, it goes on after 3 s). With a name (`npm run watch -- mutex`) it stays there
// until `n`. A save during a run stops that run and starts over; the watchdog stops a run frozen
// by a synchronous loop (as in `npm test`) and watch goes on.
//
// Keys are read one at a time when stdin is a terminal (raw mode), else as they come from a pipe;
// without them (stdin not readable) watch still watches. Saves are noticed by file events and by
// polling every second (file events do not arrive on WSL's /mnt/c or network drives); `--poll`
// turns file events off.
const path = require('node:path');
const { spawnSync } = require('node:child_process');
const kata = require('../common/kata.js');
const { targetName } = require('../common/target.js');
const { jestArgs, reporterArgs, reportStall, TAKES_VALUE } = require('./test.js');
const { configArgs } = require('../common/jest-base.js');
const { runWatched } = require('../common/watchdog.js');
const { killTree } = require('../common/kill-tree.js');
const { painter, shortName } = require('./progress-reporter.js');
const { watchSaves, POLL_MS } = require('./saves.js');

const JEST = path.join(kata.ROOT, 'node_modules', 'jest', 'bin', 'jest.js');
const TREE = targetName(); // exercises/, or solutions/ under KATA_TARGET=solutions
const WATCHED = path.join(kata.ROOT, TREE);
const AUTO_NEXT_MS = 3000;
const paint = painter(process.stdout);

const list = kata.loadKata().exercises;
const ids = list.map((e) => e.id);

// ---- the command line: exercise names, and jest flags with their values -----------------------
const args = process.argv.slice(2);
/** @type {string[]} */
const flags = [];
/** @type {string[]} */
const named = [];
for (let i = 0; i < args.length; i++) {
  if (!args[i].startsWith('-')) named.push(args[i]);
  else {
    flags.push(args[i]);
    if (TAKES_VALUE.has(args[i]) && i + 1 < args.length) flags.push(args[++i]);
  }
}
const own = (/** @type {string} */ flag) => flags.includes(flag) && flags.splice(flags.indexOf(flag), 1);
const all = Boolean(own('--all'));
let polling = Boolean(own('--poll')); // file events off (or failed): polling only
// Progress from earlier runs counts for exercises/ only (not for solutions/ or a swapped module).
const useProgress = TREE === 'exercises' && !process.env.KATA_OVERRIDE;

/** Exercises solved or failed in this session's runs. @type {Map<string, boolean>} */
const seen = new Map();
const isSolved = (/** @type {string} */ id) =>
  seen.get(id) ?? (useProgress ? Boolean(kata.readProgress()[id]?.solved) : false);
/** The first exercise after `from` (kata order, wrapping around) not solved yet, if any. @param {number} from */
function nextUnsolved(from) {
  for (let k = 1; k <= list.length; k++) {
    const id = ids[(from + k) % list.length];
    if (!isSolved(id)) return id;
  }
  return undefined;
}

/** @type {string[]} */
let targets;
let following = named.length === 0;
if (named.length > 0) {
  targets = [...new Set(named.flatMap((n) => kata.resolveExercise(n, ids)))];
  if (targets.length === 0) {
    process.stderr.write(
      `No exercise named \`${named.join(' ')}\`.${kata.didYouMean(named.join(' '), ids)} Exercises: ${ids.map((id) => id.split('/')[1]).join(', ')}.\n`,
    );
    process.exit(2);
  }
} else {
  const first = nextUnsolved(-1);
  targets = first ? [first] : [];
}

// ---- runs ---------------------------------------------------------------------------------------
/** @type {import('node:child_process').ChildProcess | null} */
let child = null;
let again = false;
/** @type {NodeJS.Timeout | undefined} */
let autoNext;
let onSolvedScreen = false;
let keysGone = false;

/** A word as a shell would need it. @param {string} a */
const quote = (a) => (/^[\w@%+=:,./-]+$/.test(a) ? a : `'${a.replace(/'/g, `'\\''`)}'`);
/** What a save runs, as the command that runs the same. */
const command = () =>
  [
    `${TREE === 'exercises' ? '' : `KATA_TARGET=${TREE} `}npm test --`,
    ...targets.map((id) => shortName(id, ids)),
    ...flags,
    ...(all ? ['--all'] : []),
  ]
    .map((a, i) => (i === 0 ? a : quote(a)))
    .join(' ');

function footer() {
  const what = targets.length > 0 ? targets.map((id) => `${TREE}/${id}.ts`).join(', ') : 'nothing';
  const how = polling ? `polling ${TREE}/ every ${POLL_MS / 1000} s` : `a save in ${TREE}/`;
  process.stdout.write(
    `${paint.dim('─'.repeat(72))}\n` +
      `Watching ${paint.bold(what)}: ${how} runs ${paint.bold(command())}\n` +
      `Keys: ${paint.bold('n')} next  ${paint.bold('h')} hint  ${paint.bold('l')} list  ${paint.bold('r')} run  ${paint.bold('q')} quit\n`,
  );
}

function run() {
  clearTimeout(autoNext);
  onSolvedScreen = false;
  if (child) {
    // A save during a run: stop it and start over once it is gone.
    again = true;
    void killTree(child.pid);
    return;
  }
  if (targets.length === 0) {
    process.stdout.write(
      `Every exercise passes. Nothing left to watch (name one to keep working on it: npm run watch -- mutex).\n`,
    );
    footer();
    return;
  }
  if (process.stdout.isTTY) process.stdout.write('\u001b[2J\u001b[3J\u001b[H');
  process.stdout.write(`npm run watch: ${targets.join(', ')}  (${new Date().toLocaleTimeString()})\n`);
  const ran = targets;
  runWatched(
    process.execPath,
    [JEST, ...configArgs(flags), ...jestArgs(ran, ids), ...flags, ...reporterArgs(all)],
    {
      // The summary's "Next:" once these pass: what the Solved screen's `n` goes on to.
      env: {
        KATA_WATCH: ran.join(', '),
        KATA_WATCH_NEXT: nextUnsolved(ids.indexOf(ran[ran.length - 1])) ?? '',
      },
      // jest never reads the keys: they are watch's.
      stdio: ['ignore', 'inherit', 'inherit'],
      onSpawn: (c) => {
        child = c;
      },
    },
  ).then(({ stall, events }) => {
    child = null;
    if (again) {
      again = false;
      run();
      return;
    }
    // As `npm test` says it: what stopped, and the summary with the stuck exercise failing.
    if (stall) reportStall(stall, events, true);
    for (const id of ran) seen.set(id, !stall && passedAll(id, events));
    if (ran.every((id) => seen.get(id))) solvedScreen(ran);
    footer();
  });
}

/**
 * Every test of the exercise ran in this run and passed (its `-cli` tests too: none skipped by a
 * filter such as `-t`), and, for exercises/, the progress reporter agrees (it also fails a file
 * that does not compile).
 * @param {string} id
 * @param {Array<{ e: string, file?: string, passed?: number, failed?: number, pending?: number }>} events
 */
function passedAll(id, events) {
  const files = events.filter(
    (ev) => ev.e === 'file-end' && ev.file && kata.idOfTestFile(ev.file)?.replace(/-cli$/, '') === id,
  );
  const whole = (/** @type {(typeof files)[number]} */ ev) =>
    (ev.passed ?? 0) > 0 && ev.failed === 0 && ev.pending === 0;
  if (files.length === 0 || !files.every(whole)) return false;
  return !useProgress || Boolean(kata.readProgress()[id]?.solved);
}

/** @param {string[]} ran */
function solvedScreen(ran) {
  const titles = ran.map((id) => list.find((e) => e.id === id)?.title ?? id).join(', ');
  const next = nextUnsolved(ids.indexOf(ran[ran.length - 1]));
  const nextText = next ? `${list.find((e) => e.id === next)?.title} (${TREE}/${next}.ts)` : undefined;
  const lines = [
    '',
    paint.green(paint.bold(`★ Solved: ${titles}. Every test passes.`)),
    nextText
      ? `  Press ${paint.bold('n')} to go on to ${nextText}; a save runs ${titles} again.`
      : paint.green('  That was the last one: every exercise passes.'),
    '',
  ];
  process.stdout.write(`${lines.join('\n')}\n`);
  onSolvedScreen = Boolean(next);
  autoNextIfNoKeys();
}

/** On the Solved screen, following the student, and nobody can press `n`: go on by itself. */
function autoNextIfNoKeys() {
  if (!onSolvedScreen || !following || !keysGone) return;
  onSolvedScreen = false;
  process.stdout.write(`(No keyboard: on to the next exercise in ${AUTO_NEXT_MS / 1000} s.)\n`);
  autoNext = setTimeout(goNext, AUTO_NEXT_MS);
}

function goNext() {
  const last = targets.length > 0 ? ids.indexOf(targets[targets.length - 1]) : -1;
  const next = nextUnsolved(last);
  if (!next) {
    process.stdout.write('Every exercise passes: no next one.\n');
    return;
  }
  targets = [next];
  following = true;
  run();
}

// ---- keys ---------------------------------------------------------------------------------------
function showList() {
  const width = Math.max(...list.map((e) => e.title.length));
  const idWidth = Math.max(...ids.map((id) => id.length));
  const progress = useProgress ? kata.readProgress() : {};
  const lines = list.map((e, i) => {
    const p = progress[e.id];
    const state = isSolved(e.id)
      ? paint.green('solved')
      : p?.notStarted
        ? 'not started'
        : p
          ? `${p.passed}/${p.total} tests pass`
          : seen.has(e.id)
            ? paint.red('failing')
            : paint.dim('not run yet');
    const here = targets.includes(e.id) ? paint.bold(' ← watching') : '';
    return `  ${String(i + 1).padStart(2)}. ${e.title.padEnd(width)}  ${e.id.padEnd(idWidth)}  ${state}${here}`;
  });
  process.stdout.write(`\n${lines.join('\n')}\n\n`);
}

function showHint() {
  const id = targets[0];
  if (!id) return;
  spawnSync(process.execPath, [path.join(__dirname, 'hint.js'), id], {
    stdio: ['ignore', 'inherit', 'inherit'],
  });
}

/** @param {number} code */
function quit(code) {
  clearTimeout(autoNext);
  if (process.stdin.isTTY && process.stdin.isRaw) process.stdin.setRawMode(false);
  const done = () => process.exit(code);
  if (child) void killTree(child.pid).then(done);
  else done();
}

/** @param {string} key */
function onKey(key) {
  switch (key) {
    case 'n':
      return goNext();
    case 'h':
      showHint();
      return footer();
    case 'l':
      showList();
      return footer();
    case 'r':
      return run();
    case 'q':
      return quit(0);
    case '\u0003': // Ctrl-C in raw mode
      return quit(130);
    default:
      return undefined;
  }
}

function readKeys() {
  const stdin = process.stdin;
  stdin.on('error', () => {
    keysGone = true;
  });
  stdin.on('end', () => {
    keysGone = true;
    autoNextIfNoKeys();
  });
  if (stdin.isTTY) {
    try {
      stdin.setRawMode(true);
    } catch {
      /* a terminal that refuses raw mode (watch in the background): keys then need Enter */
    }
  }
  stdin.setEncoding('utf8');
  stdin.on('data', (/** @type {string} */ text) => {
    for (const key of text) onKey(key.toLowerCase());
  });
}

// ---- saves --------------------------------------------------------------------------------------
watchSaves(WATCHED, {
  poll: polling,
  onSave: run,
  onPolling: (reason) => {
    polling = true;
    process.stdout.write(`(${reason}. Polling every ${POLL_MS / 1000} s instead.)\n`);
  },
});

process.on('SIGINT', () => quit(130));
process.on('SIGTERM', () => quit(143));

readKeys();
run();
