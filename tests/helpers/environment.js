// jest test environment of every run (tools/common/jest-base.js): Node's, plus one fact jest
// does not expose to a test file: whether the test now ending failed by jest's own timeout
// (`Exceeded timeout of N ms`). tests/helpers/setup.ts reads it (`currentTestTimedOut()`) so
// that a test that timed out is not failed a second time as a leak. It comes from jest-circus's
// documented `handleTestEvent` hook, which runs before the test's afterEach hooks.
const { TestEnvironment } = require('jest-environment-node');

const FLAG = '__kataTestTimedOut';

class KataEnvironment extends TestEnvironment {
  /** @param {import('@jest/types').Circus.Event} event @param {import('@jest/types').Circus.State} _state */
  handleTestEvent(event, _state) {
    if (event.name === 'test_start') this.global[FLAG] = false;
    if (event.name === 'test_fn_failure') {
      const error = /** @type {unknown} */ (event.error);
      const message =
        typeof error === 'string' ? error : /** @type {{ message?: unknown }} */ (error)?.message;
      if (/^Exceeded timeout of /.test(String(message))) this.global[FLAG] = true;
    }
  }
}

module.exports = KataEnvironment;
module.exports.FLAG = FLAG;
