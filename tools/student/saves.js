'use strict';
// How `npm run watch` notices a save: file events (fs.watch), and a look at the files every
// second, because file events never arrive on some file systems (WSL's /mnt/c, network drives,
// some containers). A look compares each .ts file's time, size and content hash, so a save is
// noticed even where times are coarse, and a file event and the look that follows it count once.
const crypto = require('node:crypto');
const fs = require('node:fs');
const path = require('node:path');

const POLL_MS = 1000;
const DEBOUNCE_MS = 200;

/** Every .ts file under `dir` with its time, size and content hash, as one string. @param {string} dir */
function snapshot(dir) {
  const parts = [];
  let entries;
  try {
    entries = fs.readdirSync(dir, { recursive: true, withFileTypes: true });
  } catch {
    return ''; // the folder is gone (being moved or checked out): the next look sees it back
  }
  for (const e of entries) {
    if (!e.isFile() || !e.name.endsWith('.ts')) continue;
    const file = path.join(e.parentPath ?? e.path, e.name);
    try {
      const { mtimeMs, size } = fs.statSync(file);
      const hash = crypto.createHash('sha1').update(fs.readFileSync(file)).digest('hex');
      parts.push(`${file}:${mtimeMs}:${size}:${hash}`);
    } catch {
      /* removed meanwhile */
    }
  }
  return parts.join('\n');
}

/**
 * Calls `onSave` once per save of a .ts file under `dir` (saves within 200 ms count once).
 * `poll`: no file events, the looks alone. `onPolling(reason)` is called when file events fail
 * and the looks go on alone.
 * @param {string} dir
 * @param {{ poll: boolean, onSave: () => void, onPolling: (reason: string) => void }} opts
 */
function watchSaves(dir, { poll, onSave, onPolling }) {
  let last = snapshot(dir);
  /** @type {NodeJS.Timeout | undefined} */
  let debounce;
  const saved = () => {
    last = snapshot(dir);
    clearTimeout(debounce);
    debounce = setTimeout(onSave, DEBOUNCE_MS);
  };
  setInterval(() => {
    if (snapshot(dir) !== last) saved();
  }, POLL_MS);
  if (poll) return;
  try {
    const watcher = fs.watch(dir, { recursive: true }, (_event, filename) => {
      // Editors save through temp files (`.x.swp`, `4913`, `x.ts~`): react to .ts files only.
      if (!filename || String(filename).endsWith('.ts')) saved();
    });
    watcher.on('error', (err) => {
      watcher.close();
      onPolling(`file events stopped: ${err.message}`);
    });
  } catch (err) {
    onPolling(`no file events here: ${err instanceof Error ? err.message : err}`);
  }
}

module.exports = { watchSaves, POLL_MS };
