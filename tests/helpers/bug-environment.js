// jest test environment of verify's known-bug projects only: marks every test whose title
// contains none of the project's `@catches` substrings (globals.KATA_CATCHES) as skipped when
// jest-circus registers it, so each fixture costs only the tests that must reject it. (Wrapping
// the global `it` would miss tests that import `it` from '@jest/globals'.)
const KataEnvironment = require('./environment.js');

class KnownBugEnvironment extends KataEnvironment {
  /**
   * @param {import('@jest/environment').JestEnvironmentConfig} config
   * @param {import('@jest/environment').EnvironmentContext} context
   */
  constructor(config, context) {
    super(config, context);
    const catches = config.projectConfig.globals?.KATA_CATCHES;
    this.wanted = Array.isArray(catches)
      ? (/** @type {string} */ title) => catches.some((c) => String(title).includes(c))
      : () => true;
  }

  /** @param {import('@jest/types').Circus.Event} event @param {import('@jest/types').Circus.State} state */
  handleTestEvent(event, state) {
    super.handleTestEvent(event, state);
    if (event.name === 'add_test') {
      const siblings = state.currentDescribeBlock.children;
      const test = siblings[siblings.length - 1];
      if (test && test.type === 'test' && !this.wanted(test.name)) test.mode = 'skip';
    }
  }
}

module.exports = KnownBugEnvironment;
