'use strict';
// The stubs as handed out: tools/student/stubs.json, every exercises/<id>.ts of this repo as the
// students receive it. It ships with the kata and with the starter repo (tools/student is copied
// whole), so it works in any clone, with or without git history:
//   - `npm test` calls an exercise "not started" while its file is still the stub, whatever its
//     tests report (a test that records only an error's name never shows `Not implemented`);
//   - `npm run reset -- <exercise>` writes the stub back.
// `npm run sync` rewrites stubs.json from exercises/; verify's layout step fails when it differs.
const fs = require('node:fs');
const path = require('node:path');
const kata = require('../common/kata.js');

const STUBS_FILE = path.join('tools', 'student', 'stubs.json');

/** @param {string} text */
const norm = (text) => text.replace(/\r\n?/g, '\n');

/** The stubs of exercises/ as they are now (maintainers: exercises/ holds the stubs). @returns {Record<string, string>} */
function currentStubs(root = kata.ROOT) {
  /** @type {Record<string, string>} */
  const out = {};
  for (const id of kata.treeIds(root)) {
    out[id] = norm(fs.readFileSync(path.join(root, 'exercises', `${id}.ts`), 'utf8'));
  }
  return out;
}

/** stubs.json's text for `stubs`. @param {Record<string, string>} stubs */
const stubsText = (stubs) => `${JSON.stringify(stubs, null, 2)}\n`;

/** The stubs as handed out, `{ [id]: source }` ({} when stubs.json is missing or unreadable). @returns {Record<string, string>} */
function readStubs(root = kata.ROOT) {
  try {
    return JSON.parse(fs.readFileSync(path.join(root, STUBS_FILE), 'utf8'));
  } catch {
    return {};
  }
}

/**
 * True when exercises/<id>.ts is still its stub, byte for byte (line endings aside: git may have
 * written CRLF on Windows). False when it differs, is missing, or no stub is known.
 * @param {string} id
 */
function isUntouched(id, root = kata.ROOT) {
  const stub = readStubs(root)[id];
  if (stub === undefined) return false;
  try {
    return norm(fs.readFileSync(path.join(root, 'exercises', `${id}.ts`), 'utf8')) === stub;
  } catch {
    return false;
  }
}

/** verify's layout check: [] when stubs.json holds exactly exercises/ as it is. @returns {string[]} */
function stubsProblems(root = kata.ROOT) {
  let text;
  try {
    text = fs.readFileSync(path.join(root, STUBS_FILE), 'utf8');
  } catch {
    return [`${STUBS_FILE} is missing (run \`npm run sync\`)`];
  }
  return text === stubsText(currentStubs(root))
    ? []
    : [`${STUBS_FILE} differs from the stubs in exercises/ (run \`npm run sync\`)`];
}

/** Rewrites stubs.json from exercises/ (`npm run sync`). */
function writeStubs(root = kata.ROOT) {
  fs.writeFileSync(path.join(root, STUBS_FILE), stubsText(currentStubs(root)));
}

module.exports = { STUBS_FILE, readStubs, isUntouched, stubsProblems, writeStubs };
