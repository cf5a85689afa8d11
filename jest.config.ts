import type { Config } from 'jest';
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { projectConfig } = require('./scripts/jest-base.js');

// `@kata/<topic>/<name>` resolves to the selected tree (KATA_TARGET=exercises|solutions), or to
// a known-bug file that verify swaps in (KATA_OVERRIDE). See scripts/target.js.
const config: Config = {
  ...projectConfig(),
  testTimeout: 10_000,
  maxWorkers: 2,
  // The progress summary at the end of `npm test` (silent with --json, as verify and the grader run).
  reporters: ['default', '<rootDir>/scripts/progress-reporter.js'],
};

export default config;
