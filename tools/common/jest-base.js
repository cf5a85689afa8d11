'use strict';
// The jest configuration shared by jest.config.ts (students and the solutions run) and by
// verify's known-bug run (one jest project a fixture, see tools/maintainer/verify.js).
const crypto = require('node:crypto');
const os = require('node:os');
const path = require('node:path');
const { ROOT, targetName, targetModule, overrides } = require('./target.js');

/** @param {string} s */
const escape = (s) => s.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');

/** `@kata/<topic>/<name>` → the selected tree, or a swapped-in file for the ids in `swapped`. */
function moduleNameMapper(target = targetName(), swapped = overrides()) {
  /** @type {Record<string, string>} */
  const mapper = {};
  for (const [id, file] of Object.entries(swapped))
    mapper[`^@kata/${escape(id)}$`] = path.resolve(ROOT, file);
  mapper['^@kata/(.*)$'] = path.join(ROOT, target, '$1');
  return mapper;
}

/**
 * A jest project id of this checkout for `kind` (a tree, a fixture, the tooling). jest keys its
 * caches by it (the file times that order the next run, file maps, transforms); its default
 * comes from the config file's path, so the stubs' run and the solutions' run shared one record
 * of file times: after the stubs (every file fast) the solutions ran one file after the other.
 * @param {string} kind
 */
const projectId = (kind) => crypto.createHash('sha1').update(`${ROOT}\0${kind}`).digest('hex').slice(0, 32);

/**
 * jest workers for a run of the exercise tests: twice the cores, at most 8. The tests mostly
 * wait (worker threads starting, sockets, timeouts that prove a hang): a full run on the
 * solutions kept 2 cores only 118 % busy with 2 workers (17.7 s of CPU in 15.0 s). Measured on a
 * quiet 2-core machine: 2 workers 15 s, 4 workers under 10 s (README "Speed").
 */
const studentWorkers = () => Math.min(8, 2 * os.availableParallelism());

/** jest's test order with a fix for its run-in-band guess (test-sequencer.js); a global option. */
const TEST_SEQUENCER = path.join(__dirname, 'test-sequencer.js');

/** One jest project; `extra` is merged over it. */
function projectConfig(extra = {}) {
  return {
    rootDir: ROOT,
    testEnvironment: path.join(ROOT, 'tests', 'helpers', 'environment.js'),
    roots: ['<rootDir>/tests'],
    testMatch: ['**/*.test.ts'],
    // esbuild, one file at a time (type errors are tsc's job in verify), and get-port's ESM
    // JavaScript too; ts-transform.js compiles a file once whatever the project (verify's fixture
    // run has one project a fixture).
    transform: {
      '^.+\\.[tj]s$': [
        path.join(__dirname, 'ts-transform.js'),
        { tsconfig: path.join(ROOT, 'tsconfig.json') },
      ],
    },
    transformIgnorePatterns: ['/node_modules/(?!get-port/)'],
    moduleNameMapper: moduleNameMapper(),
    setupFiles: ['<rootDir>/tests/helpers/env-from-globals.js'],
    setupFilesAfterEnv: ['<rootDir>/tests/helpers/setup.ts'],
    // tests/tooling/ tests the tools, not an exercise: only verify runs it (toolingConfig).
    testPathIgnorePatterns: ['/node_modules/', '<rootDir>/tests/tooling/'],
    ...extra,
  };
}

/**
 * The exercise tests' configuration, against `target` (exercises or solutions): jest.config.ts
 * exports it, and `npm test`, `npm run watch`, verify and the grader pass it to jest as JSON,
 * which spares every run loading TypeScript and ts-node to read jest.config.ts (a third of a
 * second of CPU).
 * @param {string} [target]
 */
function studentConfig(target = targetName()) {
  return {
    ...projectConfig({ moduleNameMapper: moduleNameMapper(target) }),
    // One record of file times a tree: the stubs' fast failures must not order the solutions' run.
    id: projectId(target),
    testSequencer: TEST_SEQUENCER,
    testTimeout: 10_000,
    // Twice the cores (at most 8): the tests mostly wait.
    maxWorkers: studentWorkers(),
    // The progress summary at the end of `npm test` (silent with --json, as verify and the grader run).
    reporters: ['default', '<rootDir>/tools/student/progress-reporter.js'],
  };
}

/** jest's arguments for studentConfig(), unless `argv` names a config of its own. @param {string[]} [argv] */
function configArgs(argv = []) {
  if (argv.some((a) => a === '--config' || a === '-c' || a.startsWith('--config='))) return [];
  return ['--config', JSON.stringify(studentConfig())];
}

/** The tests of the tools and CLIs (tests/tooling/): verify runs them against solutions/. */
function toolingConfig() {
  return {
    ...projectConfig({
      id: projectId('tooling'),
      roots: ['<rootDir>/tests/tooling'],
      testPathIgnorePatterns: [],
    }),
    testSequencer: TEST_SEQUENCER,
    testTimeout: 60_000,
    maxWorkers: 2,
  };
}

/**
 * jest's words for a jest worker process killed by a signal of its own fault (SIGSEGV, …): a crash
 * of Node, not a verdict on the tests. verify runs such a file again; the grader too.
 */
const NODE_CRASH =
  /jest worker process \(pid=\d+\) was terminated by another process: signal=SIG(SEGV|BUS|ILL|ABRT)/;

module.exports = {
  NODE_CRASH,
  studentWorkers,
  studentConfig,
  configArgs,
  projectConfig,
  projectId,
  moduleNameMapper,
  targetModule,
  toolingConfig,
  TEST_SEQUENCER,
};
