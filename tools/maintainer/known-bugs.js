'use strict';
// Known bugs as patches: tests/known-bugs/<topic>/<name>/<bug>.patch is a short text (what the
// bug is, and `@catches <test title>` lines) followed by a unified diff against the exercise's
// solution, so a reader sees exactly what the bug changes. verify applies each patch to the
// current solution (`materialize`); one that no longer applies is stale, and fails by name.
//
//   npm run known-bug -- edit <topic>/<name>/<bug>   writes the patched solution to .verify/edit/
//   npm run known-bug -- save <topic>/<name>/<bug>   turns that edited file back into the patch
//   npm run known-bug -- new <topic>/<name>/<bug>    starts a new one from the solution
const fs = require('node:fs');
const path = require('node:path');
const { applyPatch, createTwoFilesPatch } = require('diff');
const { ROOT } = require('../common/target.js');

const DIR = path.join(ROOT, 'tests', 'known-bugs');
const BUILD = path.join(ROOT, '.verify', 'known-bugs');
const EDIT = path.join(ROOT, '.verify', 'edit');

/**
 * The parts of a .patch file: its preamble (the description and `@catches` lines) and the diff.
 * @param {string} text
 */
function splitPatch(text) {
  const at = text.search(/^--- /m);
  if (at < 0) return { preamble: text.trim(), diff: '' };
  return { preamble: text.slice(0, at).trim(), diff: text.slice(at) };
}

/**
 * The solution with the patch applied; throws an Error saying why when the patch is stale.
 * @param {string} id @param {string} patchFile
 */
function patched(id, patchFile) {
  const solution = fs.readFileSync(path.join(ROOT, 'solutions', `${id}.ts`), 'utf8');
  const { diff } = splitPatch(fs.readFileSync(patchFile, 'utf8'));
  if (!diff) throw new Error('the file has no diff (a line starting `--- solutions/…`)');
  const out = applyPatch(solution, diff);
  if (out === false)
    throw new Error(
      `it no longer applies to solutions/${id}.ts (the solution changed around the bug): ` +
        `\`npm run known-bug -- edit ${path.relative(DIR, patchFile).replace(/\.patch$/, '')}\`, redo the bug, then \`save\``,
    );
  return out;
}

/**
 * Writes the patched solution of a fixture to .verify/known-bugs/ (beside nothing a student has)
 * and returns its path. Throws when the patch is stale.
 * @param {string} id @param {string} patchFile
 */
function materialize(id, patchFile) {
  const out = path.join(BUILD, path.relative(DIR, patchFile).replace(/\.patch$/, '.ts'));
  fs.mkdirSync(path.dirname(out), { recursive: true });
  const { preamble } = splitPatch(fs.readFileSync(patchFile, 'utf8'));
  const banner = `// Built by verify from ${path.relative(ROOT, patchFile)}: edit that file, not this one.\n/*\n${preamble.replace(/\*\//g, '* /')}\n*/\n`;
  fs.writeFileSync(out, banner + patched(id, patchFile));
  return out;
}

/**
 * A .patch file's text for `bugged` (the whole changed solution).
 * @param {string} id @param {string} name the bug's path under tests/known-bugs, without .patch
 * @param {string} preamble @param {string} bugged
 */
function patchText(id, name, preamble, bugged) {
  const solution = fs.readFileSync(path.join(ROOT, 'solutions', `${id}.ts`), 'utf8');
  const diff = createTwoFilesPatch(`solutions/${id}.ts`, `known-bugs/${name}.ts`, solution, bugged, '', '', {
    context: 3,
  }).replace(/^=+\n/m, '');
  return `${preamble.trim()}\n\n${diff.slice(diff.indexOf('--- '))}`;
}

/** `<topic>/<name>/<bug>` → [exercise id, .patch path]. @param {string} name */
function locate(name) {
  const clean = name.replace(/\.(patch|ts)$/, '').replace(/^tests\/known-bugs\//, '');
  const parts = clean.split('/');
  if (parts.length !== 3) throw new Error(`name a known bug as <topic>/<name>/<bug>; got \`${name}\``);
  return [`${parts[0]}/${parts[1]}`, path.join(DIR, `${clean}.patch`), clean];
}

function main() {
  const [cmd, name] = process.argv.slice(2);
  if (!['edit', 'save', 'new'].includes(cmd ?? '') || !name) {
    process.stderr.write('usage: npm run known-bug -- <edit|save|new> <topic>/<name>/<bug>\n');
    process.exit(2);
  }
  const [id, file, clean] = locate(name);
  const editFile = path.join(EDIT, `${clean}.ts`);
  fs.mkdirSync(path.dirname(editFile), { recursive: true });
  if (cmd === 'new') {
    if (fs.existsSync(file)) throw new Error(`${path.relative(ROOT, file)} exists: use edit`);
    fs.copyFileSync(path.join(ROOT, 'solutions', `${id}.ts`), editFile);
    fs.writeFileSync(
      file,
      `Known bug: TODO what it gets wrong, and why that is a mistake students make.\n\n@catches TODO a test title\n`,
    );
  } else if (cmd === 'edit') {
    fs.writeFileSync(editFile, patched(id, file));
  } else {
    const { preamble } = splitPatch(fs.readFileSync(file, 'utf8'));
    fs.writeFileSync(file, patchText(id, clean, preamble, fs.readFileSync(editFile, 'utf8')));
    process.stdout.write(`wrote ${path.relative(ROOT, file)}\n`);
    return;
  }
  process.stdout.write(
    `Edit ${path.relative(ROOT, editFile)}, then: npm run known-bug -- save ${clean}\n` +
      `(its description and @catches lines are in ${path.relative(ROOT, file)})\n`,
  );
}

if (require.main === module) main();

module.exports = { materialize, patchText, splitPatch, DIR };
