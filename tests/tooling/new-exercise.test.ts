// `npm run new-exercise` in a scratch clone: the scaffold compiles, and verify then names what is
// left to write (stub not started, solution missing, no known bugs or goods, kata.json TODOs).
import { execFileSync, spawnSync } from 'node:child_process';
import * as crypto from 'node:crypto';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { check } from '../helpers/assert';
import { scratchRepo } from '../helpers/scratch-repo';
import { ROOT } from '../helpers/target';

// The clone (tests/helpers/scratch-repo.ts) keeps its caches (node_modules/.cache) in a folder of
// their own: verify keeps tsc's incremental records there, under paths of the repo it checks.
// Shared, the clone's verify and ours overwrote each other's records, and each tsc ran cold (3.2 s
// of CPU warm, 7.2 s after the clone's). The clone sits at the same path every run (one a
// checkout), so its tsc runs warm.
const CLONE_CACHE = path.join(ROOT, 'node_modules', '.cache', 'kata-new-exercise');
const CLONE = path.join(
  os.tmpdir(),
  `kata-new-exercise-${crypto.createHash('sha1').update(ROOT).digest('hex').slice(0, 12)}`,
);

describe('npm run new-exercise', () => {
  let dir = '';
  beforeAll(() => {
    dir = CLONE;
    fs.rmSync(dir, { recursive: true, force: true }); // left by a run that was killed
    scratchRepo(dir, CLONE_CACHE);
  });
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('scaffolds an exercise that verify reports as not started, with its solution missing', () => {
    const id = '09-scratch/demo-thing';
    execFileSync(process.execPath, ['tools/maintainer/new-exercise.js', id], { cwd: dir, stdio: 'pipe' });
    for (const file of [`exercises/${id}.ts`, `solutions/${id}.ts`, `tests/${id}.test.ts`])
      check(fs.existsSync(path.join(dir, file)), `Expected new-exercise to write ${file}.`);
    const res = spawnSync(
      process.execPath,
      ['tools/maintainer/verify.js', '--exercise', id, '--only', 'types,format,solutions,contract,stubs'],
      { cwd: dir, encoding: 'utf8', env: { ...process.env, CI: 'true' }, timeout: 120_000 },
    );
    const out = res.stdout;
    check(res.status === 1, `Expected verify to fail on the fresh scaffold, got exit ${res.status}:\n${out}`);
    for (const want of [
      'stub not started',
      'solution missing',
      'has at least two known bugs',
      'has at least two known goods',
      'still says TODO',
      'types: ok',
      'format: ok',
    ])
      check(out.includes(want), `Expected verify's report to say "${want}":\n${out}`);
  }, 150_000);
});
