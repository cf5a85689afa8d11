import type { Config } from 'jest';
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { projectConfig, projectId, studentWorkers, TEST_SEQUENCER } = require('./tools/common/jest-base.js');
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { targetName } = require('./tools/common/target.js');

// `@kata/<topic>/<name>` resolves to the selected tree (KATA_TARGET=exercises|solutions), or to
// a known-bug file that verify swaps in (KATA_OVERRIDE). See tools/common/target.js.
const config: Config = {
  ...projectConfig(),
  // One record of file times a tree: the stubs' fast failures must not order the solutions' run.
  id: projectId(targetName()),
  testSequencer: TEST_SEQUENCER,
  testTimeout: 10_000,
  // Twice the cores (at most 8): the tests mostly wait. tools/common/jest-base.js.
  maxWorkers: studentWorkers(),
  // The progress summary at the end of `npm test` (silent with --json, as verify and the grader run).
  reporters: ['default', '<rootDir>/tools/student/progress-reporter.js'],
};

export default config;
