'use strict';
// `node tools/common/with-target.js solutions jest [args…]`: runs a local bin with KATA_TARGET set,
// without shell syntax (which cmd.exe would not understand).
const { spawnSync } = require('node:child_process');
const path = require('node:path');

const [target, bin, ...args] = process.argv.slice(2);
if (!target || !bin) {
  process.stderr.write('usage: node tools/common/with-target.js <exercises|solutions> <bin> [args…]\n');
  process.exit(2);
}
/** @type {Record<string, string>} */
const BINS = {
  jest: path.join(__dirname, '..', '..', 'node_modules', 'jest', 'bin', 'jest.js'),
  stryker: path.join(__dirname, '..', '..', 'node_modules', '@stryker-mutator', 'core', 'bin', 'stryker.js'),
};
const script = BINS[bin] ?? bin;
const result = spawnSync(process.execPath, [script, ...args], {
  stdio: 'inherit',
  env: { ...process.env, KATA_TARGET: target },
});
process.exit(result.status ?? 1);
