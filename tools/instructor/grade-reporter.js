'use strict';
// A jest reporter for `npm run grade`: appends one JSON line per test as soon as it finishes
// (so the tests that passed before a hang still count when the grader kills the run), then one
// line per test file, to the file named by KATA_GRADE_OUT.
const fs = require('node:fs');

class GradeReporter {
  constructor() {
    this.file = process.env.KATA_GRADE_OUT;
    if (this.file) fs.writeFileSync(this.file, '');
  }

  write(record) {
    if (this.file) fs.appendFileSync(this.file, `${JSON.stringify(record)}\n`);
  }

  onTestCaseResult(_test, t) {
    this.write({
      type: 'test',
      name: [...(t.ancestorTitles ?? []), t.title].join(' › '),
      status: t.status,
      ms: t.duration ?? null,
      message: (t.failureMessages ?? []).join('\n'),
    });
  }

  onTestResult(_test, result) {
    this.write({
      type: 'file',
      error: result.testExecError ? String(result.testExecError.message ?? result.testExecError) : null,
      message: result.failureMessage ?? null,
      tests: result.testResults.map((t) => ({
        name: [...(t.ancestorTitles ?? []), t.title].join(' › '),
        status: t.status,
        ms: t.duration ?? null,
        message: (t.failureMessages ?? []).join('\n'),
      })),
    });
  }
}

module.exports = GradeReporter;
