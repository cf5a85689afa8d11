'use strict';
// Spawns a command with a time limit and no shell (works the same on Windows, macOS and Linux).
// A command that outlives its limit is killed with its children: a hang is a failure, not a wait.
const { spawn } = require('node:child_process');
const { killTree } = require('./kill-tree.js');

/**
 * @param {string} cmd  an executable (use process.execPath for node)
 * @param {string[]} args
 * @param {{ env?: NodeJS.ProcessEnv, timeoutMs?: number, quiet?: boolean, cwd?: string }} [opts]
 * @returns {Promise<{ code: number | null, timedOut: boolean, stdout: string, stderr: string, ms: number }>}
 */
function run(cmd, args, opts = {}) {
  const started = Date.now();
  return new Promise((resolve) => {
    const child = spawn(cmd, args, {
      cwd: opts.cwd,
      env: { ...process.env, ...opts.env },
      stdio: ['ignore', 'pipe', 'pipe'],
      detached: process.platform !== 'win32',
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => {
      stdout += d;
      if (!opts.quiet) process.stdout.write(d);
    });
    child.stderr.on('data', (d) => {
      stderr += d;
      if (!opts.quiet) process.stderr.write(d);
    });
    let timedOut = false;
    const timer = opts.timeoutMs
      ? setTimeout(() => {
          timedOut = true;
          void killTree(child.pid);
        }, opts.timeoutMs)
      : undefined;
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, timedOut, stdout, stderr, ms: Date.now() - started });
    });
  });
}

module.exports = { run };
