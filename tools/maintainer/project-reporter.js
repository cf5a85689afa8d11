'use strict';
// A jest reporter for verify's known-bug run: writes one JSON line per test with its project's
// displayName (jest's own --json output does not say which project a result came from).
const fs = require('node:fs');

class ProjectReporter {
  /** @param {unknown} _globalConfig @param {{ outputFile: string }} options */
  constructor(_globalConfig, options) {
    this.file = options.outputFile;
    fs.writeFileSync(this.file, '');
  }

  /** @param {any} test @param {import('@jest/test-result').TestResult} result */
  onTestResult(test, result) {
    const project = test.context.config.displayName?.name ?? '';
    const lines = result.testResults.map((t) =>
      JSON.stringify({
        project,
        fullName: t.fullName,
        title: t.title,
        status: t.status,
        ms: t.duration,
        message: (t.failureMessages ?? []).join('\n'),
      }),
    );
    if (result.testExecError) {
      lines.push(
        JSON.stringify({
          project,
          fullName: '(file)',
          title: '(file)',
          status: 'failed',
          message: String(result.testExecError.message),
        }),
      );
    }
    if (lines.length) fs.appendFileSync(this.file, `${lines.join('\n')}\n`);
  }
}

module.exports = ProjectReporter;
