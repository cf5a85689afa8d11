'use strict';
// @ts-check
// `--at <commit | ISO date>`: grade a hand-in as it was at a commit, or at the last commit on its
// first-parent history before a deadline (committer dates, which a student can set: compare the
// commit the report names with the push times GitHub shows if it matters). The tree of that
// commit is exported (git archive) into a scratch folder, which is then graded as the hand-in.
const { spawnSync } = require('node:child_process');
const fs = require('node:fs');
const path = require('node:path');

/** @param {string} repo @param {string[]} args */
const git = (repo, args) => spawnSync('git', ['-C', repo, ...args], { encoding: 'utf8', maxBuffer: 1 << 28 });

/**
 * @param {string} repo  the student's repository
 * @param {string} at  a commit (any rev git knows) or a date git understands (ISO 8601 best)
 * @param {string} dest  an empty folder to export into
 * @returns {{ commit: string, dir: string } | { problem: string }}
 */
function exportAt(repo, at, dest) {
  if (git(repo, ['rev-parse', '--git-dir']).status !== 0)
    return { problem: 'not a git repository (--at needs its history)' };
  let commit;
  const asRev = git(repo, ['rev-parse', '--verify', '--quiet', `${at}^{commit}`]);
  if (asRev.status === 0) commit = asRev.stdout.trim();
  else if (!Number.isNaN(Date.parse(at))) {
    commit = git(repo, ['rev-list', '-1', '--first-parent', `--before=${at}`, 'HEAD']).stdout.trim();
    if (!commit) return { problem: `no commit before ${at}` };
  } else return { problem: `--at ${at}: neither a commit of this repo nor a date` };
  fs.mkdirSync(dest, { recursive: true });
  const archive = spawnSync('git', ['-C', repo, 'archive', '--format=tar', commit], { maxBuffer: 1 << 28 });
  if (archive.status !== 0) return { problem: `git archive ${commit} failed` };
  const untar = spawnSync('tar', ['-x', '-C', dest], { input: archive.stdout });
  if (untar.status !== 0) return { problem: `could not unpack commit ${commit}` };
  return { commit, dir: path.resolve(dest) };
}

module.exports = { exportAt };
