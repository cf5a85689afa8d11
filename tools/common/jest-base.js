'use strict';
// The jest configuration shared by jest.config.ts (students and the solutions run) and by
// verify's known-bug run (one jest project a fixture, see tools/maintainer/verify.js).
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

/** One jest project; `extra` is merged over it. */
function projectConfig(extra = {}) {
  return {
    rootDir: ROOT,
    testEnvironment: 'node',
    roots: ['<rootDir>/tests'],
    testMatch: ['**/*.test.ts'],
    // ts-jest with tsconfig's isolatedModules: one file at a time (type errors are tsc's job in
    // verify), and get-port's ESM JavaScript too (allowJs).
    transform: { '^.+\\.[tj]s$': ['ts-jest', { tsconfig: path.join(ROOT, 'tsconfig.json') }] },
    transformIgnorePatterns: ['/node_modules/(?!get-port/)'],
    moduleNameMapper: moduleNameMapper(),
    setupFiles: ['<rootDir>/tests/helpers/env-from-globals.js'],
    setupFilesAfterEnv: ['<rootDir>/tests/helpers/setup.ts'],
    // tests/tooling/ tests the tools, not an exercise: only verify runs it (toolingConfig).
    testPathIgnorePatterns: ['/node_modules/', '<rootDir>/tests/tooling/'],
    ...extra,
  };
}

/** The tests of the tools and CLIs (tests/tooling/): verify runs them against solutions/. */
function toolingConfig() {
  return {
    ...projectConfig({ roots: ['<rootDir>/tests/tooling'], testPathIgnorePatterns: [] }),
    testTimeout: 60_000,
    maxWorkers: 2,
  };
}

module.exports = { projectConfig, moduleNameMapper, targetModule, toolingConfig };
