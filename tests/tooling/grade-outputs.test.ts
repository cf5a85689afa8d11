// The grader's outputs (tools/instructor/): shards merged give the class CSV, JUnit and HTML
// report; JUnit lists every test of an exercise that did not load; Gradescope's results.json has
// a score per test; a hand-in that does not exist gets one clear line and a failing exit status.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

const ROOT = path.resolve(__dirname, '..', '..');
const GRADE = path.join(ROOT, 'tools/instructor/grade.js');
const ID = '01-threads/thread';
/** The exercise's points, as kata.json gives them. */
const POINTS: number = JSON.parse(fs.readFileSync(path.join(ROOT, 'kata.json'), 'utf8')).exercises.find(
  (e: { id: string }) => e.id === ID,
).points;

let tmp = '';
const at = (name: string) => path.join(tmp, name);

function grade(args: string[]): Promise<{ code: number | null; stderr: string; stdout: string }> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      [GRADE, ...args],
      { cwd: ROOT, timeout: 200_000, maxBuffer: 1 << 24 },
      (err, stdout, stderr) =>
        resolve({ code: err ? ((err as { code?: number }).code ?? 1) : 0, stdout, stderr }),
    );
  });
}

describe('grade outputs', () => {
  const shards: { code: number | null; stderr: string }[] = [];
  let mergeCode: number | null = null;
  let mergeOut = '';

  beforeAll(async () => {
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'kata-outputs-'));
    for (const name of ['full', 'lacks-file', 'tampered']) {
      fs.cpSync(path.join(ROOT, 'exercises'), path.join(at(name), 'exercises'), { recursive: true });
    }
    fs.copyFileSync(path.join(ROOT, 'solutions', `${ID}.ts`), path.join(at('full'), 'exercises', `${ID}.ts`));
    fs.rmSync(path.join(at('lacks-file'), 'exercises', `${ID}.ts`));
    fs.mkdirSync(path.join(at('tampered'), 'tests', '01-threads'), { recursive: true });
    fs.writeFileSync(path.join(at('tampered'), 'tests', `${ID}.test.ts`), "it('passes', () => {});\n");
    const repos = ['full', 'lacks-file', 'tampered', 'missing-repo'].map(at);
    const common = ['--exercise', ID, '--jobs', '1', '--timeout', '30'];
    // The two shards and the Gradescope grade need nothing of each other: side by side.
    const [one, two] = await Promise.all([
      ...[1, 2].map((i) => grade([...repos, ...common, '--shard', `${i}/2`, '--save', at(`s${i}.json`)])),
      grade([at('full'), ...common, '--gradescope', at('results.json')]),
    ]);
    shards.push(one, two);
    ({ code: mergeCode, stdout: mergeOut } = await grade([
      'merge',
      at('s1.json'),
      at('s2.json'),
      '--csv',
      at('c.csv'),
      '--junit',
      at('j.xml'),
      '--html',
      at('r.html'),
    ]));
  }, 300_000);

  afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

  it('a shard with a missing file or repo says so in one line and exits 1', () => {
    expect(shards.map((s) => s.code)).toEqual([0, 1]); // shard 2/2 has lacks-file and missing-repo
    const all = shards.map((s) => s.stderr).join('\n');
    expect(all).toMatch(/missing-repo: not found: no such folder/);
    expect(all).toMatch(/lacks-file 01-threads\/thread: .*exercises\/01-threads\/thread\.ts is missing/);
  });

  it('merge writes one CSV row per hand-in with its score', () => {
    expect(mergeCode).toBe(1); // the merged class still has the hand-ins with a problem
    const rows = fs.readFileSync(at('c.csv'), 'utf8').trim().split('\n');
    expect(rows).toHaveLength(5);
    const total = (name: string) => rows.find((r) => r.startsWith(`${at(name)},`))?.split(',')[1];
    expect([total('full'), total('lacks-file'), total('tampered'), total('missing-repo')]).toEqual([
      String(POINTS),
      '0',
      '0',
      '0',
    ]);
    expect(rows.find((r) => r.startsWith(`${at('tampered')},`))).toContain(`tests/${ID}.test.ts`);
  });

  it('the copy check flags the hand-in that is solutions/ in the merged summary, CSV and HTML', () => {
    expect(mergeOut).toContain('Possible copies');
    expect(mergeOut).toMatch(new RegExp(`${at('full')}  ${ID}: 9\\d % like solutions/`));
    const rows = fs.readFileSync(at('c.csv'), 'utf8').trim().split('\n');
    expect(rows[0]).toMatch(/,copies,suspicious$/);
    expect(rows.find((r) => r.startsWith(`${at('full')},`))).toMatch(
      new RegExp(`,${ID}: 9\\d % like solutions/,$`),
    );
    expect(rows.filter((r) => /like /.test(r))).toHaveLength(1);
    expect(fs.readFileSync(at('r.html'), 'utf8')).toMatch(
      /<span class="flag copy">similar: 01-threads\/thread: 9\d % like solutions\/<\/span>/,
    );
  });

  it('JUnit lists all 16 tests even for the exercise that did not load', () => {
    const xml = fs.readFileSync(at('j.xml'), 'utf8');
    const suite = xml.split('<testsuite ').find((s) => s.includes('lacks-file'))!;
    expect(suite).toMatch(/tests="16"/);
    expect(suite.match(/<testcase /g)).toHaveLength(16);
    expect(suite.match(/<error /g)).toHaveLength(16);
  });

  it('an untouched stub is not run: 0 points, and JUnit still lists each of its 16 tests, as failed', () => {
    const xml = fs.readFileSync(at('j.xml'), 'utf8');
    const suite = xml.split('<testsuite ').find((s) => s.includes(`${at('tampered')} ${ID}`))!;
    expect(suite).toMatch(/tests="16" failures="16" errors="0" time="0.000"/);
    expect(suite.match(/<failure message="untouched stub: not run/g)).toHaveLength(16);
  });

  it('the HTML report is self-contained, with both plots, every student and the flags', () => {
    const html = fs.readFileSync(at('r.html'), 'utf8');
    expect(html).toMatch(/^<!doctype html>/);
    expect(html).not.toMatch(/<script|src=|href=/);
    expect(html).toContain('aria-label="pass rate per exercise"');
    expect(html).toContain('aria-label="score histogram"');
    for (const name of ['full', 'lacks-file', 'tampered', 'missing-repo']) expect(html).toContain(name);
    expect(html).toContain('tampered: 1 file(s)');
    expect(html).toContain('not graded: not found');
  });

  it("Gradescope's results.json: a score and max_score per test, the total as score", () => {
    const r = JSON.parse(fs.readFileSync(at('results.json'), 'utf8'));
    expect(r.score).toBe(POINTS);
    expect(r.tests).toHaveLength(16);
    for (const t of r.tests) {
      expect(typeof t.name).toBe('string');
      expect(t.status).toBe('passed');
      expect(t.score).toBe(t.max_score);
    }
  });
});

describe('the suspicious-code scan', () => {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { suspiciousLines } = require('../../tools/instructor/grade-core.js') as {
    suspiciousLines(ws: string): string[];
  };
  /** The scan of a workspace whose exercises/ holds `files` (name → text), removed after. */
  function scan(files: Record<string, string>): string[] {
    const ws = fs.mkdtempSync(path.join(os.tmpdir(), 'kata-scan-'));
    try {
      for (const [name, text] of Object.entries(files)) {
        fs.mkdirSync(path.dirname(path.join(ws, 'exercises', name)), { recursive: true });
        fs.writeFileSync(path.join(ws, 'exercises', name), text);
      }
      return suspiciousLines(ws);
    } finally {
      fs.rmSync(ws, { recursive: true, force: true });
    }
  }
  const tree = (dir: string) =>
    Object.fromEntries(
      (fs.readdirSync(dir, { recursive: true }) as string[])
        .filter((f) => f.endsWith('.ts'))
        .map((f) => [f, fs.readFileSync(path.join(dir, f), 'utf8')]),
    );

  it('finds nothing in the stubs, the solutions or the known goods', () => {
    expect(scan(tree(path.join(ROOT, 'exercises')))).toEqual([]);
    expect(scan(tree(path.join(ROOT, 'solutions')))).toEqual([]);
    expect(scan(tree(path.join(ROOT, 'tests', 'known-good')))).toEqual([]);
  });

  it('names each way out of jest’s sandbox or into its results the red team used, by line', () => {
    const attacks = [
      "const real = require('node:fs').readFileSync.constructor('return process')();",
      'real.send = function () {};',
      "Object.defineProperty(Object.prototype, 'then', { get() { return undefined; } });",
      "require('node:fs').readFileSync = () => '';",
      "const state = globalThis[Symbol.for('JEST_STATE_SYMBOL')];",
      "require('node:vm').runInThisContext('1');",
    ];
    const found = scan({ 'x/y.ts': `export const ok = 1;\n${attacks.join('\n')}\n` });
    expect(found.map((l) => l.split(':')[1])).toEqual(['2', '3', '4', '5', '6', '7']);
    expect(found[0]).toMatch(/^exercises\/x\/y\.ts:2: a function's constructor/);
  });
});
