// `npm run new-exercise` in a scratch clone: the scaffold compiles, and verify then names what is
// left to write (stub not started, solution missing, no known bugs or goods, kata.json TODOs).
import { execFileSync, spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { check } from '../helpers/assert';
import { ROOT } from '../helpers/target';

describe('npm run new-exercise', () => {
  let dir = '';
  beforeAll(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'kata-new-exercise-'));
    for (const entry of [
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
    ])
      fs.cpSync(path.join(ROOT, entry), path.join(dir, entry), { recursive: true });
    fs.symlinkSync(path.join(ROOT, 'node_modules'), path.join(dir, 'node_modules'), 'junction');
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
