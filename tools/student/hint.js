'use strict';
// `npm run hint -- <exercise>`: the next hint for an exercise, one level more each time asked:
//   1. a nudge, 2. the API to read, 3. the shape of the answer (from kata.json).
//
//   npm run hint                       the exercise you are on (the first one not solved yet)
//   npm run hint -- mutex              the next hint for exercises/02-locks/mutex.ts
//   npm run hint -- mutex --level 2    hint 2 again (or first), without moving on
//   npm run hint -- mutex --reset      start that exercise's hints over (no name: all of them)
//
// Which level you have seen is kept in node_modules/.cache/kata/hints.json.
const { parseArgs } = require('node:util');
const kata = require('../common/kata.js');

const USAGE = 'usage: npm run hint -- [<exercise>] [--level N] [--reset]';

/**
 * Word-wraps `text` to `width` columns, indented by `indent`; its own line breaks stay, and a
 * line starting with `- ` continues under its text.
 */
function wrap(text, width, indent) {
  return text
    .split('\n')
    .map((line) =>
      line.startsWith('- ')
        ? wrapLine(line, width, indent, `${indent}  `)
        : wrapLine(line, width, indent, indent),
    )
    .join('\n');
}

function wrapLine(text, width, first, rest) {
  const lines = [];
  let indent = first;
  let line = '';
  for (const word of text.split(/\s+/).filter(Boolean)) {
    if (line && line.length + 1 + word.length > width - indent.length) {
      lines.push(indent + line);
      indent = rest;
      line = word;
    } else line = line ? `${line} ${word}` : word;
  }
  if (line) lines.push(indent + line);
  return lines.join('\n');
}

/** @param {string} message @returns {never} */
function fail(message) {
  process.stderr.write(`${message}\n${USAGE}\n`);
  process.exit(2);
}

function main() {
  let parsed;
  try {
    parsed = parseArgs({
      allowPositionals: true,
      options: {
        level: { type: 'string', short: 'l' },
        reset: { type: 'boolean' },
        help: { type: 'boolean' },
      },
    });
  } catch (err) {
    return fail(err instanceof Error ? err.message : String(err));
  }
  const { values, positionals } = parsed;
  if (values.help) {
    process.stdout.write(`${USAGE}\n`);
    return;
  }
  const list = kata.loadKata().exercises;
  const ids = list.map((e) => e.id);
  const names = ids.map((id) => id.split('/')[1]).join(', ');
  if (positionals.length > 1) fail('Name one exercise.');

  const hints = kata.readHints();
  if (values.reset && positionals.length === 0) {
    kata.writeHints({});
    process.stdout.write('Hints start over for every exercise.\n');
    return;
  }

  let exercise;
  if (positionals.length === 1) {
    const found = kata.resolveExercise(positionals[0], ids);
    if (found.length === 0)
      fail(
        `No exercise named \`${positionals[0]}\`.${kata.didYouMean(positionals[0], ids)} Exercises: ${names}.`,
      );
    if (found.length > 1)
      fail(`\`${positionals[0]}\` names several exercises: ${found.join(', ')}. Name one.`);
    exercise = list.find((e) => e.id === found[0]);
    if (!exercise) return fail(`\`${found[0]}\` is not in kata.json.`);
  } else {
    exercise = kata.currentExercise(kata.loadKata(), kata.readProgress());
    if (!exercise) {
      process.stdout.write(
        `Every exercise passed its tests in your last runs: no hint needed. (Name one to read its hints: ${names}.)\n`,
      );
      return;
    }
  }
  const name = exercise.id.split('/')[1];
  const total = exercise.hints.length;

  if (values.reset) {
    delete hints[exercise.id];
    kata.writeHints(hints);
    process.stdout.write(`Hints for ${exercise.id} start over: \`npm run hint -- ${name}\` shows hint 1.\n`);
    return;
  }

  const seen = hints[exercise.id] ?? 0;
  let level;
  if (values.level !== undefined) {
    level = Number(values.level);
    if (!Number.isInteger(level) || level < 1 || level > total) fail(`--level must be 1 to ${total}.`);
  } else {
    level = Math.min(seen + 1, total);
  }
  hints[exercise.id] = Math.max(seen, level);
  kata.writeHints(hints);

  const width = Math.min(process.stdout.columns || 100, 100);
  const out = [];
  out.push(
    `Hint ${level}/${total} for exercises/${exercise.id}.ts (${exercise.title}): ${kata.HINT_LEVELS[level - 1]}`,
  );
  if (kata.readProgress()[exercise.id]?.solved)
    out.push('(You have solved this one: every test passed in your last run of it.)');
  out.push('');
  out.push(wrap(exercise.hints[level - 1], width, '  '));
  out.push('');
  if (level < total) {
    out.push(
      `Still stuck? \`npm run hint -- ${name}\` again shows hint ${level + 1}/${total} (${kata.HINT_LEVELS[level]}).`,
    );
  } else {
    if (values.level === undefined && seen >= total) out.push('(That was already the last hint.)');
    out.push(
      wrap(
        `That is the last hint. Read an earlier one with \`npm run hint -- ${name} --level 1\`. Still stuck after a real try? The reference answer is solutions/${exercise.id}.ts, and GUIDE.md explains the ideas.`,
        width,
        '',
      ),
    );
  }
  out.push(`Run its tests: \`npm test -- ${name}\`.`);
  process.stdout.write(`${out.join('\n')}\n`);
}

main();
