'use strict';
// Runs known bugs and known goods: one jest run, one jest project a fixture. Each project maps its
// exercise to the fixture's file; a known bug's project runs only the tests its `@catches` lines
// name (tests/helpers/bug-environment.js skips the rest), a known good's runs them all.
const fs = require('node:fs');
const path = require('node:path');
const { run } = require('../common/run.js');
const { ROOT } = require('../common/target.js');
const { projectConfig, projectId, moduleNameMapper, NODE_CRASH } = require('../common/jest-base.js');
const { JEST, RUN_LIMIT_MS } = require('./jest-run.js');
const { loadCheckScript } = require('./fixtures.js');

const FIXTURE_MS = 1000; // added to the run's limit for each fixture

/**
 * Runs the fixtures; a fixture whose jest worker process crashed (Node itself, e.g. SIGSEGV, about
 * once in ten runs on a loaded 2-core machine, as verify's other runs see it) is run once more,
 * alone, and that result replaces it. Said through `log`, so a crash that repeats stays visible.
 * @param {string} tmpDir
 * @param {import('./fixtures.js').Fixture[]} list
 * @param {number} jobs test files at once
 * @param {(line: string) => void} [log]
 * @returns {Promise<{ res: import('./jest-run.js').RunResult, results: any[] }>}
 */
async function runFixtures(tmpDir, list, jobs, log = () => {}) {
  const first = await runOnce(tmpDir, list, jobs, 'fixtures');
  const crashed = new Set(
    first.results.filter((r) => r.fullName === '(file)' && NODE_CRASH.test(r.message)).map((r) => r.project),
  );
  if (crashed.size === 0) return first;
  log(`  note: ${[...crashed].join(', ')}: its jest process crashed; run again`);
  const again = await runOnce(
    tmpDir,
    list.filter((f) => crashed.has(f.name)),
    jobs,
    'fixtures-again',
  );
  return {
    res: first.res,
    results: [...first.results.filter((r) => !crashed.has(r.project)), ...again.results],
  };
}

/**
 * @param {string} tmpDir @param {import('./fixtures.js').Fixture[]} list @param {number} jobs
 * @param {string} name the run's files in tmpDir
 * @returns {Promise<{ res: import('./jest-run.js').RunResult, results: any[] }>}
 */
async function runOnce(tmpDir, list, jobs, name) {
  const out = path.join(tmpDir, `${name}.jsonl`);
  const configFile = fixtureConfig(tmpDir, list, jobs, out, name);
  // The run's limit grows with its size: all 165 fixtures ran past 240 s twice on a machine at
  // load 15-47 (every fixture then failed as "a hang"), while each third of them passed alone.
  const limitMs = RUN_LIMIT_MS + list.length * FIXTURE_MS;
  const res = await run(process.execPath, [JEST, '--config', configFile], {
    env: { CI: 'true', KATA_TARGET: 'solutions' },
    timeoutMs: limitMs,
    quiet: true,
  });
  const results = fs.existsSync(out)
    ? fs
        .readFileSync(out, 'utf8')
        .split('\n')
        .filter(Boolean)
        .map((l) => JSON.parse(l))
    : [];
  return { res: { ...res, limitMs }, results };
}

/**
 * Writes the fixture run's jest config (one project a fixture) to `tmpDir`; returns its path.
 * @param {string} tmpDir @param {import('./fixtures.js').Fixture[]} list @param {number} jobs
 * @param {string} out the project reporter's output file
 * @param {string} [name] the config file's name in tmpDir
 */
function fixtureConfig(tmpDir, list, jobs, out, name = 'fixtures') {
  const projects = list.map((f) => {
    const swapped = { [f.id]: path.relative(ROOT, f.file) };
    return projectConfig({
      // A stable id (jest derives one from the config file's path, a new temporary file each
      // run): jest's caches of this project (its file map, its transform results) are found
      // again on the next run instead of being rebuilt and left behind in the cache folder.
      id: projectId(`fixture ${f.name}`),
      displayName: f.name,
      testMatch: [path.join(ROOT, 'tests', `${f.id}.test.ts`)],
      moduleNameMapper: moduleNameMapper('solutions', swapped),
      globals: {
        KATA_ENV: { KATA_TARGET: 'solutions', KATA_OVERRIDE: JSON.stringify(swapped) },
        ...(f.kind === 'bug' ? { KATA_CATCHES: f.catches } : {}),
      },
      testEnvironment: path.join(ROOT, 'tests', 'helpers', 'bug-environment.js'),
    });
  });
  const config = {
    projects,
    testTimeout: 10_000,
    maxWorkers: jobs,
    reporters: [[path.join(__dirname, 'project-reporter.js'), { outputFile: out }]],
  };
  const configFile = path.join(tmpDir, `${name}.config.json`);
  fs.writeFileSync(configFile, JSON.stringify(config));
  return configFile;
}

/**
 * Loads every file in one node process (with tsx); resolves with the files that threw at load,
 * each with its first error line. A process that ended early (process.exit at load) marks every
 * file it did not report on.
 * @param {string[]} files
 * @returns {Promise<Map<string, string>>}
 */
async function loadErrors(files) {
  const res = await run(
    process.execPath,
    ['--require', require.resolve('tsx/cjs'), '-e', loadCheckScript(files)],
    { quiet: true, timeoutMs: 60_000, cwd: ROOT },
  );
  const broken = new Map();
  const lines = res.stdout.split('\n').filter(Boolean);
  for (const line of lines) {
    if (line === 'done') continue;
    try {
      const { file, error } = JSON.parse(line);
      broken.set(file, `throws at load: ${error}`);
    } catch {
      /* a line the fixture printed itself */
    }
  }
  if (!lines.includes('done')) {
    for (const f of files)
      if (!broken.has(f))
        broken.set(f, `the load check ended early (${res.timedOut ? 'a hang' : `exit ${res.code}`})`);
  }
  return broken;
}

module.exports = { runFixtures, fixtureConfig, loadErrors };
