// A scratch copy of this repo for a tooling test that must change a file the tools read
// (an exercise, kata.json) without touching the checkout verify is running in: the repo's own
// files copied, its node_modules linked entry by entry, and node_modules/.cache a folder of the
// copy's own (`cache`), since verify and the student tools keep records there under the paths of
// the repo they ran in.
import fs from 'node:fs';
import path from 'node:path';

const ROOT = path.resolve(__dirname, '..', '..');
const ENTRIES = [
  'exercises',
  'solutions',
  'tests',
  'tools',
  'kata.json',
  'README.md',
  '.github',
  'package.json',
  'tsconfig.json',
  '.prettierrc.json',
  '.prettierignore',
  'jest.config.ts',
];

/** Fills the empty or missing folder `dir` with the copy; `cache` is created if missing. */
export function scratchRepo(dir: string, cache: string): void {
  fs.mkdirSync(dir, { recursive: true });
  for (const entry of ENTRIES) fs.cpSync(path.join(ROOT, entry), path.join(dir, entry), { recursive: true });
  fs.mkdirSync(path.join(dir, 'node_modules'));
  for (const entry of fs.readdirSync(path.join(ROOT, 'node_modules')))
    if (entry !== '.cache')
      fs.symlinkSync(
        path.join(ROOT, 'node_modules', entry),
        path.join(dir, 'node_modules', entry),
        'junction',
      );
  fs.mkdirSync(cache, { recursive: true });
  fs.symlinkSync(cache, path.join(dir, 'node_modules', '.cache'), 'junction');
}
