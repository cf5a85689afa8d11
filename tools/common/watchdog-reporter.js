'use strict';
// A jest reporter that tells the watchdog (tools/common/watchdog.js) what jest is doing: one JSON
// line per event, appended synchronously to the file named by KATA_WATCHDOG_FILE (a no-op without
// it). Synchronous, so the line is on disk before a student's `while (true) {}` freezes the
// process (`npm test -- mutex` runs jest in band, reporters included).
const fs = require('node:fs');

/** @typedef {{ e: string, file?: string, test?: string, status?: string, message?: string,
 *   passed?: number, failed?: number, pending?: number }} WatchdogEvent */

class WatchdogReporter {
  constructor() {
    this.file = process.env.KATA_WATCHDOG_FILE;
  }

  /** @param {WatchdogEvent} event */
  write(event) {
    if (!this.file) return;
    try {
      fs.appendFileSync(this.file, `${JSON.stringify({ ...event, t: Date.now() })}\n`);
    } catch {
      /* the watchdog is gone; nothing to tell */
    }
  }

  /** @param {{ path: string }} test */
  onTestFileStart(test) {
    this.write({ e: 'file-start', file: test.path });
  }

  /** @param {{ path: string }} test @param {{ fullName?: string, title: string }} info */
  onTestCaseStart(test, info) {
    this.write({ e: 'case-start', file: test.path, test: info.fullName ?? info.title });
  }

  /** @param {{ path: string }} test @param {{ fullName?: string, title: string, status: string }} result */
  onTestCaseResult(test, result) {
    this.write({
      e: 'case-end',
      file: test.path,
      test: result.fullName ?? result.title,
      status: result.status,
    });
  }

  /**
   * The file's counts too: `pending` counts the tests a filter (`-t`) skipped.
   * @param {{ path: string }} test
   * @param {{ numPassingTests: number, numFailingTests: number, numPendingTests: number, numTodoTests: number }} result
   */
  onTestFileResult(test, result) {
    this.write({
      e: 'file-end',
      file: test.path,
      passed: result.numPassingTests,
      failed: result.numFailingTests,
      pending: result.numPendingTests + result.numTodoTests,
    });
  }

  onRunComplete() {
    this.write({ e: 'run-end' });
  }
}

module.exports = WatchdogReporter;
