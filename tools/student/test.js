'use strict';
// `npm test [-- <exercise>…] [-- jest flags]`: jest, where an exercise's name means exactly that
// exercise. `npm test -- mutex` runs tests/02-locks/mutex.test.ts only (a plain jest pattern
// `mutex` would also match async-mutex); `npm test -- 02-locks` or `locks` runs the topic.
// Anything that is not an exercise name or a flag goes to jest unchanged (a path pattern).
// The progress summary at the end comes from tools/student/progress-reporter.js (jest.config.ts).
const { spawnSync } = require('node:child_process');
const path = require('node:path');
const kata = require('../shared/kata.js');

const JEST = path.join(__dirname, '..', '..', 'node_modules', 'jest', 'bin', 'jest.js');
// jest flags whose value is the next argument (`-t mutex` is a test name, not an exercise).
const TAKES_VALUE = new Set([
  '-t',
  '--testNamePattern',
  '-c',
  '--config',
  '--outputFile',
  '-w',
  '--maxWorkers',
  '--testTimeout',
  '--reporters',
  '--seed',
  '--shard',
  '--selectProjects',
  '--testPathIgnorePatterns',
  '--coverageDirectory',
  '--rootDir',
  '--roots',
]);

const escape = (s) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

function jestArgs(argv, ids) {
  const out = [];
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (arg.startsWith('-')) {
      out.push(arg);
      if (TAKES_VALUE.has(arg) && i + 1 < argv.length) out.push(argv[++i]);
      continue;
    }
    const found = kata.resolveExercise(arg, ids);
    if (found.length === 0) {
      process.stderr.write(
        `(\`${arg}\` is not an exercise name, so jest matches it against test file paths. Exercise names: ${ids
          .map((id) => id.split('/')[1])
          .join(', ')}.)\n`,
      );
      out.push(arg);
      continue;
    }
    // `02-locks.mutex\.test\.ts$`: the `.` matches `/` and Windows' `\` alike.
    for (const id of found) {
      const [topic, name] = id.split('/');
      out.push(`${escape(topic)}.${escape(name)}\\.test\\.ts$`);
    }
  }
  return out;
}

if (require.main === module) {
  let ids;
  try {
    ids = kata.loadKata().exercises.map((e) => e.id);
  } catch {
    ids = [];
  }
  for (const id of kata.treeIds()) if (!ids.includes(id)) ids.push(id);
  const result = spawnSync(process.execPath, [JEST, ...jestArgs(process.argv.slice(2), ids)], {
    stdio: 'inherit',
  });
  process.exit(result.status ?? 1);
}

module.exports = { jestArgs };
