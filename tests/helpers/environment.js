// jest test environment of every run (tools/common/jest-base.js): Node's, plus two facts jest
// does not expose to a test file:
// - whether the test now ending failed by jest's own timeout (`Exceeded timeout of N ms`).
//   tests/helpers/setup.ts reads it (`currentTestTimedOut()`) so that a test that timed out is
//   not failed a second time as a leak. It comes from jest-circus's documented `handleTestEvent`
//   hook, which runs before the test's afterEach hooks.
// - the file descriptor of this jest worker process's IPC channel to jest (`process.channel`,
//   which the test file's copy of `process` cannot read), which the leak check must never close.
// Under the watchdog (tools/common/watchdog.js: npm test, watch) it also writes a heartbeat for
// its test file twice a second, from this process's own event loop: the watchdog then knows a
// test that waits (a socket, a worker) from a thread that a synchronous loop holds.
const fs = require('node:fs');
const { TestEnvironment } = require('jest-environment-node');

const BEAT_MS = 500;

const FLAG = '__kataTestTimedOut';
const IPC_FD = '__kataIpcFd';

class KataEnvironment extends TestEnvironment {
  /**
   * @param {import('@jest/environment').JestEnvironmentConfig} config
   * @param {import('@jest/environment').EnvironmentContext} context
   */
  constructor(config, context) {
    super(config, context);
    this.global[IPC_FD] = /** @type {{ fd?: number } | undefined} */ (process.channel)?.fd;
    this.testPath = context.testPath;
    /** @type {NodeJS.Timeout | undefined} */
    this.beat = undefined;
  }

  async setup() {
    await super.setup();
    const file = process.env.KATA_WATCHDOG_FILE;
    if (!file) return;
    const beat = () => {
      try {
        fs.appendFileSync(file, `${JSON.stringify({ e: 'beat', file: this.testPath, t: Date.now() })}\n`);
      } catch {
        /* the watchdog is gone */
      }
    };
    beat();
    // Unref'd: it never keeps the process alive, and the leak check does not count it.
    this.beat = setInterval(beat, BEAT_MS).unref();
  }

  async teardown() {
    clearInterval(this.beat);
    await super.teardown();
  }

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
module.exports.IPC_FD = IPC_FD;
