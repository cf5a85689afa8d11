'use strict';
// `npm test`'s quiet reporter (instead of jest's 'default', which `npm test -- --all` restores):
// one line when the run starts and one with the counts at the end. The exercise being worked on
// is shown in full by the progress summary (progress-reporter.js), every other one as one line.

class CompactReporter {
  /** @param {{ json?: boolean }} globalConfig */
  constructor(globalConfig) {
    this.globalConfig = globalConfig;
    this.started = Date.now();
  }

  /** @param {{ numTotalTestSuites: number }} results */
  onRunStart(results) {
    this.started = Date.now();
    process.stderr.write(
      `Running ${results.numTotalTestSuites} test file${results.numTotalTestSuites === 1 ? '' : 's'}… (jest's full output: npm test -- --all)\n`,
    );
  }

  /**
   * @param {unknown} _contexts
   * @param {{ numFailedTests: number, numPassedTests: number, numTotalTests: number,
   *   numRuntimeErrorTestSuites: number }} r
   */
  onRunComplete(_contexts, r) {
    const secs = ((Date.now() - this.started) / 1000).toFixed(1);
    const broken = r.numRuntimeErrorTestSuites
      ? `, ${r.numRuntimeErrorTestSuites} file(s) could not run`
      : '';
    process.stderr.write(
      `Tests: ${r.numPassedTests} passed, ${r.numFailedTests} failed, ${r.numTotalTests} total${broken} (${secs} s)\n`,
    );
  }
}

module.exports = CompactReporter;
