import type { Config } from 'jest';
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { studentConfig } = require('./tools/common/jest-base.js');

// `@kata/<topic>/<name>` resolves to the selected tree (KATA_TARGET=exercises|solutions), or to
// a known-bug file that verify swaps in (KATA_OVERRIDE). See tools/common/target.js. The
// configuration itself is tools/common/jest-base.js `studentConfig()`, which `npm test` and watch
// hand to jest directly (reading this file costs jest TypeScript and ts-node).
const config: Config = studentConfig();

export default config;
