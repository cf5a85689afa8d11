// Runs before every test file (jest `setupFilesAfterEnv`). It runs the `onCleanup()` callbacks
// after each test, then makes leaks fail the test that leaked, by name, instead of jest's end-of-run "did not exit" warning:
// - every worker thread (the student's or a helper's) is tracked; one still alive after its test
//   gets a grace period, then is terminated and fails the test;
// - sockets, servers, child processes and ref'd timers are counted before and after each test
//   (process.getActiveResourcesInfo()); more after than before fails the test;
// - a test that failed by jest's own timeout is not failed again as a leak: what it left open is
//   what it waited on; that is closed all the same.
import { afterEach, beforeEach } from '@jest/globals';
import { checkLeaks, currentTestTimedOut, runCleanups, snapshotResources, trackWorkers } from './handles';

trackWorkers();
// jest skips the beforeEach hooks of the tests of a describe whose beforeAll failed, but still
// runs their afterEach hooks: no snapshot was taken, the hooks' own timers looked like leaks, and
// each such test waited the leak check's 1 s grace and was blamed for "1 timer still pending"
// (a Mutex whose one-thread checks hang: 11 tests, 11 s). Nothing of such a test ran.
let snapshotted = false;
beforeEach(() => {
  snapshotResources();
  snapshotted = true;
});
afterEach(async () => {
  try {
    await runCleanups();
  } finally {
    if (snapshotted) await checkLeaks(1000, currentTestTimedOut());
    snapshotted = false;
  }
});
