// `npm run reset -- <exercise>` (tools/student/reset.js) as a student meets it: it asks before it
// replaces anything, refuses without --yes where nobody can answer, keeps the replaced code, and
// works from tools/student/stubs.json alone (no git), so the starter repo gets it too. Each test
// runs the tool in a scratch copy of the tools, kata.json and exercises/: never on this repo's files.
import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';
import { spawnSync } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

const ROOT = path.resolve(__dirname, '..', '..');
const ID = '02-locks/mutex';
const EDITED = '// my work\nexport class Mutex {}\n';

let dir: string;
let file: string;
beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'kata-reset-'));
  for (const rel of ['tools/student', 'tools/common', 'exercises', 'kata.json'])
    fs.cpSync(path.join(ROOT, rel), path.join(dir, rel), { recursive: true });
  file = path.join(dir, 'exercises', `${ID}.ts`);
});
afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

const stub = () => fs.readFileSync(path.join(ROOT, 'exercises', `${ID}.ts`), 'utf8').replace(/\r\n/g, '\n');

/** `npm run reset -- ...args` in the scratch copy, stdin a pipe fed `input`. */
function reset(args: string[], input = '') {
  const res = spawnSync(process.execPath, [path.join(dir, 'tools', 'student', 'reset.js'), ...args], {
    cwd: dir,
    input,
    encoding: 'utf8',
    timeout: 30_000,
  });
  return { code: res.status, out: `${res.stdout}${res.stderr}` };
}

/** The same on a terminal (util-linux `script` gives it a pseudo-terminal), answering `answer`. */
function resetOnTty(args: string[], answer: string) {
  const cmd = [process.execPath, path.join(dir, 'tools', 'student', 'reset.js'), ...args]
    .map((a) => `'${a}'`)
    .join(' ');
  const res = spawnSync('script', ['-qec', cmd, '/dev/null'], {
    cwd: dir,
    input: `${answer}\n`,
    encoding: 'utf8',
    timeout: 30_000,
  });
  return { code: res.status, out: res.stdout };
}
const hasScript = process.platform === 'linux' && spawnSync('script', ['--version']).status === 0;

describe('npm run reset', () => {
  it('refuses without --yes when stdin is not a terminal, and leaves the file as it was', () => {
    fs.writeFileSync(file, EDITED);
    const { code, out } = reset(['mutex'], 'y\n');
    expect(code).toBe(1);
    expect(out).toMatch(/Not reset: exercises\/02-locks\/mutex\.ts keeps your code.*add --yes/);
    expect(fs.readFileSync(file, 'utf8')).toBe(EDITED);
  });

  it('with --yes writes the stub back, keeps the replaced code and forgets the exercise’s result', () => {
    fs.writeFileSync(file, EDITED);
    const progress = path.join(dir, 'node_modules', '.cache', 'kata', 'progress.json');
    fs.mkdirSync(path.dirname(progress), { recursive: true });
    // Each result as recorded for the file as it is (a result of another text is not read).
    const recorded = (id: string) => ({
      solved: true,
      file: crypto
        .createHash('sha1')
        .update(fs.readFileSync(path.join(dir, 'exercises', `${id}.ts`)))
        .digest('hex'),
    });
    fs.writeFileSync(
      progress,
      JSON.stringify({ [ID]: recorded(ID), '02-locks/async-mutex': recorded('02-locks/async-mutex') }),
    );
    const { code, out } = reset(['mutex', '--yes']);
    expect(out).toMatch(/exercises\/02-locks\/mutex\.ts is the stub again\. Your code is in (\S+)\.ts\./);
    expect(code).toBe(0);
    expect(fs.readFileSync(file, 'utf8')).toBe(stub());
    const kept = /Your code is in (\S+\.ts)\./.exec(out)?.[1] ?? '';
    expect(fs.readFileSync(path.join(dir, kept), 'utf8')).toBe(EDITED);
    expect(Object.keys(JSON.parse(fs.readFileSync(progress, 'utf8')))).toEqual(['02-locks/async-mutex']);
    // Once more: nothing to do.
    expect(reset(['mutex', '--yes'])).toEqual({ code: 0, out: expect.stringMatching(/already the stub/) });
  });

  it('restores a deleted exercise file, and refuses an unknown name or a topic with exit status 2', () => {
    fs.rmSync(file);
    expect(reset(['02-locks/mutex', '--yes']).code).toBe(0);
    expect(fs.readFileSync(file, 'utf8')).toBe(stub());
    expect(reset(['nope', '--yes'])).toEqual({
      code: 2,
      out: expect.stringMatching(/No exercise named `nope`/),
    });
    expect(reset(['locks', '--yes'])).toEqual({
      code: 2,
      out: expect.stringMatching(/`locks` names several exercises/),
    });
  });

  (hasScript ? it : it.skip)('asks y/N on a terminal: only y resets', () => {
    fs.writeFileSync(file, EDITED);
    const no = resetOnTty(['mutex'], 'n');
    expect(no.out).toMatch(/Replace exercises\/02-locks\/mutex\.ts with its stub\?.*\[y\/N\]/);
    expect(no.out).toMatch(/Not reset/);
    expect(fs.readFileSync(file, 'utf8')).toBe(EDITED);
    const yes = resetOnTty(['mutex'], 'y');
    expect(yes.out).toMatch(/is the stub again/);
    expect(fs.readFileSync(file, 'utf8')).toBe(stub());
  });

  it('ships with the starter repo: the script, and the stubs it restores', () => {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const { starterFiles } = require('../../tools/instructor/starter.js');
    const files: Map<string, string> = starterFiles();
    expect(JSON.parse(files.get('package.json') ?? '{}').scripts.reset).toBe('node tools/student/reset.js');
    expect(files.has('tools/student/reset.js')).toBe(true);
    expect(JSON.parse(files.get('tools/student/stubs.json') ?? '{}')[ID]).toBe(stub());
  });
});
