'use strict';
// The one switch between the student's tree and the reference tree.
//
//   KATA_TARGET=exercises (default) | solutions   which tree tests, workers and CLIs load
//   KATA_OVERRIDE='{"02-locks/mutex": "/abs/path/to/broken.ts"}'
//                                                  verify's known-bug runs: one module swapped
//
// Used by jest.config.ts (moduleNameMapper), by worker entries (which jest does not transform)
// and by the CLIs, so every place resolves a module the same way.
const path = require('node:path');

const ROOT = path.resolve(__dirname, '..', '..');
const TARGETS = ['exercises', 'solutions'];

function targetName() {
  const name = process.env.KATA_TARGET || 'exercises';
  if (!TARGETS.includes(name)) {
    throw new Error(`KATA_TARGET must be one of ${TARGETS.join(', ')}; got \`${name}\`.`);
  }
  return name;
}

function overrides() {
  const raw = process.env.KATA_OVERRIDE;
  if (!raw) return {};
  try {
    return JSON.parse(raw);
  } catch {
    throw new Error(`KATA_OVERRIDE must be a JSON object of module -> file; got \`${raw}\`.`);
  }
}

/** Absolute path of an exercise module (e.g. '02-locks/mutex') in the selected tree. */
/** @param {string} id */
function targetModule(id) {
  const swapped = overrides()[id];
  if (swapped) return path.resolve(ROOT, swapped);
  return path.join(ROOT, targetName(), id);
}

module.exports = { ROOT, TARGETS, targetName, targetModule, overrides };
