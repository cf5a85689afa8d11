'use strict';
// The one way the kata's tools stop a process and everything it started (jest, its workers, a
// student's child processes), on Linux, macOS and Windows alike.
const treeKill = require('tree-kill');

/**
 * Kills process `pid` and its descendants with SIGKILL: its process group first (POSIX, for a
 * child spawned with `detached: true`, which catches descendants whose parent already died), then
 * the tree as `ps`/`pgrep` (POSIX) or `taskkill /T` (Windows) sees it. Resolves when done; never
 * rejects (a process that is already gone is not an error).
 * @param {number | undefined} pid
 * @returns {Promise<void>}
 */
function killTree(pid) {
  if (!pid) return Promise.resolve();
  if (process.platform !== 'win32') {
    try {
      process.kill(-pid, 'SIGKILL');
    } catch {
      /* not a group leader, or already gone */
    }
  }
  return new Promise((resolve) => {
    treeKill(pid, 'SIGKILL', () => resolve());
  });
}

module.exports = { killTree };
