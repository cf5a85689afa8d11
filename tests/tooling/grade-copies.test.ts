// The grader's copy check (tools/instructor/copies.js, `npm run grade -- copies`): Dolos flags a
// renamed-variable copy of another hand-in, a disguised copy of solutions/ and of a known bug, and
// leaves alone a correct hand-in of another design and the untouched stub.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { applyPatch } from 'diff';

const ROOT = path.resolve(__dirname, '..', '..');
const GRADE = path.join(ROOT, 'tools/instructor/grade.js');
const ID = '01-threads/thread';
const read = (rel: string) => fs.readFileSync(path.join(ROOT, rel), 'utf8');

/**
 * A copy in disguise: every name the file declares (variables, functions, classes, fields) renamed,
 * comments dropped, string quotes swapped. The exported names stay (the tests import them).
 */
function disguise(code: string): string {
  const exported = new Set(
    [...code.matchAll(/export\s+(?:declare\s+)?(?:class|function|const|interface|type)\s+([\w$]+)/g)].map(
      (m) => m[1],
    ),
  );
  const declared = new Set(
    [
      ...code.matchAll(
        /\b(?:const|let|var|function|class)\s+([A-Za-z_$][\w$]*)|\bprivate\s+(?:readonly\s+)?([A-Za-z_$][\w$]*)/g,
      ),
    ]
      .map((m) => m[1] ?? m[2])
      .filter((name) => !exported.has(name)),
  );
  let n = 0;
  let out = code.replace(/^\s*\/\/.*$/gm, '').replace(/\/\*[\s\S]*?\*\//g, '');
  for (const name of declared)
    out = out.replace(new RegExp(`(?<![\\w$])${name.replace('$', '\\$')}(?![\\w$])`, 'g'), `renamed${n++}`);
  return out.replace(/'/g, '"');
}

/** The solution with a known bug's patch applied. */
function knownBug(bug: string): string {
  const patch = read(`tests/known-bugs/${ID}/${bug}.patch`);
  const result = applyPatch(read(`solutions/${ID}.ts`), patch.slice(patch.search(/^--- /m)));
  if (result === false) throw new Error(`known bug ${bug} no longer applies to the solution`);
  return result;
}

let tmp = '';
let stdout = '';
let stderr = '';

const HAND_INS: Record<string, () => string> = {
  original: () => read(`tests/known-good/${ID}/cloned-error.ts`),
  renamed: () => disguise(read(`tests/known-good/${ID}/cloned-error.ts`)),
  'other-design': () => read(`tests/known-good/${ID}/eval-source.ts`),
  'solution-copy': () => disguise(read(`solutions/${ID}.ts`)),
  'bug-copy': () => disguise(knownBug('no-await')),
  stub: () => read(`exercises/${ID}.ts`),
};

describe('grade copies', () => {
  beforeAll(async () => {
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'kata-copies-'));
    for (const [name, code] of Object.entries(HAND_INS)) {
      fs.cpSync(path.join(ROOT, 'exercises'), path.join(tmp, name, 'exercises'), { recursive: true });
      fs.writeFileSync(path.join(tmp, name, 'exercises', `${ID}.ts`), code());
    }
    ({ stdout, stderr } = await new Promise<{ stdout: string; stderr: string }>((resolve) => {
      execFile(
        process.execPath,
        [GRADE, 'copies', ...Object.keys(HAND_INS).map((n) => path.join(tmp, n))],
        { cwd: ROOT, timeout: 120_000 },
        (err, out, errOut) => resolve({ stdout: out, stderr: `${errOut}${err ? `\n(${err.message})` : ''}` }),
      );
    }));
  }, 150_000);

  afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

  /** The flag lines of one hand-in: `<repo>  <id>: NN % like <what>`. */
  const flagsOf = (name: string) =>
    stdout
      .split('\n')
      .filter(
        (l) => l.trim().startsWith(`${path.join(tmp, name)}  `) || l.endsWith(`like ${path.join(tmp, name)}`),
      )
      .map((l) => l.trim());

  it('the disguise really changed the code (renamed names, no comments)', () => {
    expect(HAND_INS.renamed()).not.toBe(HAND_INS.original());
    expect(HAND_INS.renamed()).toMatch(/renamed\d/);
    expect(HAND_INS['solution-copy']()).not.toMatch(/^\s*\/\//m);
  });

  it('flags a renamed-variable copy of another hand-in, naming both', () => {
    expect({ stdout, stderr }).toEqual({ stdout: expect.stringContaining('Possible copies'), stderr: '' });
    expect(flagsOf('renamed')).toEqual([
      expect.stringMatching(
        new RegExp(
          `^${path.join(tmp, '(renamed|original)')} .*${ID}: 9\\d % like ${tmp}/(original|renamed)$`,
        ),
      ),
    ]);
  });

  it('flags a disguised copy of solutions/ and of a known bug, by name', () => {
    expect(flagsOf('solution-copy')).toEqual([expect.stringMatching(/: 9\d % like solutions\/$/)]);
    expect(flagsOf('bug-copy')).toEqual([
      expect.stringMatching(new RegExp(`: 9\\d % like known bug ${ID}/no-await$`)),
    ]);
  });

  it('leaves alone a correct hand-in of another design and the untouched stub', () => {
    expect(flagsOf('other-design')).toEqual([]);
    expect(flagsOf('stub')).toEqual([]);
  });
});
