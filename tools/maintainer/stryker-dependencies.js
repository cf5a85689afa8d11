'use strict';
// jest `dependencyExtractor` for `npm run mutation` only. Stryker runs, for each mutant, the tests
// that depend on the mutated file (jest --findRelatedTests). Some tests never import their module
// in jest's own thread: the mutex tests load it only inside worker threads, so that a lock that
// spins or deadlocks cannot freeze jest. To jest those tests look unrelated to their
// module, and every mutant of it would "survive" untested. This extractor adds the edge that
// the naming convention implies: tests/<topic>/<name>.test.ts depends on `@kata/<topic>/<name>`.
const path = require('node:path');

const TESTS = path.join(path.resolve(__dirname, '..', '..'), 'tests') + path.sep;

module.exports = {
  /**
   * @param {string} code @param {string} filePath
   * @param {(code: string, filePath: string) => Set<string>} defaultExtract
   */
  extract(code, filePath, defaultExtract) {
    const deps = defaultExtract(code, filePath);
    if (filePath.startsWith(TESTS) && filePath.endsWith('.test.ts')) {
      const id = filePath.slice(TESTS.length, -'.test.ts'.length).split(path.sep).join('/');
      deps.add(`@kata/${id}`);
    }
    return deps;
  },
  getCacheKey() {
    return 'kata-stryker-dependencies-1';
  },
};
