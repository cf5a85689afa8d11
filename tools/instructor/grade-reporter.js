'use strict';
// @ts-check
// A jest reporter for `npm run grade`: appends one JSON line per test as it starts and as soon as
// it finishes (so the tests that passed before a hang still count when the grader kills the run,
// and the grader's watchdog sees progress and names a stalled test), then one line per test file,
// to the file named in its options (`out`).
//
// Student code cannot forge these lines. The grader runs jest with a worker process even for one
// file (`workerIdleMemoryLimit`), so student code never runs in the process of this reporter; it
// passes a fresh secret on fd 3, which this reporter reads and closes when jest constructs it,
// before any worker starts (so no worker inherits it; none gets it from the environment either).
// Each line carries an HMAC of its content under that secret; the grader drops lines without a
// valid one.
const crypto = require('node:crypto');
const fs = require('node:fs');

/** @param {{ ancestorTitles?: string[], title: string, status: string, duration?: number | null, failureMessages?: string[] }} t */
const testRecord = (t) => ({
  name: [...(t.ancestorTitles ?? []), t.title].join(' › '),
  status: t.status,
  ms: t.duration ?? null,
  message: (t.failureMessages ?? []).join('\n'),
});

class GradeReporter {
  /**
   * @param {unknown} _globalConfig
   * @param {{ out?: string }} options
   */
  constructor(_globalConfig, options) {
    this.file = options?.out ?? null;
    /** @type {Buffer | null} */
    this.key = null;
    try {
      this.key = fs.readFileSync(3);
      fs.closeSync(3);
    } catch {
      this.key = null;
    }
    if (this.file) fs.writeFileSync(this.file, '');
  }

  /** @param {object} record */
  write(record) {
    if (!this.file || !this.key) return;
    const body = JSON.stringify(record);
    const mac = crypto.createHmac('sha256', this.key).update(body).digest('hex');
    fs.appendFileSync(this.file, `${JSON.stringify({ body, mac })}\n`);
  }

  /** The grader's watchdog names the test that was running when progress stopped. @param {unknown} _test @param {any} t */
  onTestCaseStart(_test, t) {
    this.write({ type: 'start', name: [...(t.ancestorTitles ?? []), t.title].join(' › ') });
  }

  /** @param {unknown} _test @param {any} t */
  onTestCaseResult(_test, t) {
    this.write({ type: 'test', ...testRecord(t) });
  }

  /** @param {unknown} _test @param {any} result */
  onTestResult(_test, result) {
    this.write({
      type: 'file',
      error: result.testExecError ? String(result.testExecError.message ?? result.testExecError) : null,
      message: result.failureMessage ?? null,
      tests: result.testResults.map(testRecord),
    });
  }
}

/**
 * The records of `file` whose HMAC under `key` is valid (a line cut short by a kill, or written
 * by anyone without the key, is dropped).
 * @param {string} file
 * @param {string} key
 * @returns {any[]}
 */
function readRecords(file, key) {
  let text;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch {
    return [];
  }
  return text.split('\n').flatMap((line) => {
    try {
      const { body, mac } = JSON.parse(line);
      const want = crypto.createHmac('sha256', key).update(String(body)).digest();
      const got = Buffer.from(String(mac), 'hex');
      return got.length === want.length && crypto.timingSafeEqual(got, want) ? [JSON.parse(body)] : [];
    } catch {
      return [];
    }
  });
}

module.exports = GradeReporter;
module.exports.readRecords = readRecords;
