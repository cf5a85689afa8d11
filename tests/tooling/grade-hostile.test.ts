// The grader against hostile hand-ins (tools/instructor/): each gets exactly its honest score,
// the honest hand-ins graded beside them keep theirs, and nothing of theirs outlives the grade.
// One exercise (Thread) keeps this to well under a minute.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { execFile, execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { sandboxed } from '../../tools/instructor/sandbox.js';
import { check } from '../helpers/assert';

const ROOT = path.resolve(__dirname, '..', '..');
const ID = '01-threads/thread';
// Without a working bwrap the hostile code would really delete our tests/: skip (the grader says so).
const SANDBOX = sandboxed();
// The grader's two limits, short: what is asserted (which limit ends a hand-in, the score it
// leaves) does not depend on their length, and the wait for them was most of this file's time.
// TIMEOUT_S (`--timeout`) alone ends `hangs-at-import` (the watchdog starts only once a result is
// written); STALL_MS (KATA_STALL_MS, the watchdog's threshold) ends `loops-in-a-function`. Both
// are still several times an honest run: a whole honest grade (a cold jest process) took 1.7-5.6 s
// at load 4-6 on 2 cores beside the looping hand-in, and stayed under 20 s at load 22; the longest
// of Thread's tests takes 0.2 s. The honest hand-ins below fail if a limit ever cut one short.
const TIMEOUT_S = 20;
const STALL_MS = 5000;
const marker = `${process.pid}${Date.now() % 1000}`;
const sleepArg = `${(Number(marker) % 900) + 100}.${marker.slice(-3)}1`;
const poison = path.join(ROOT, 'node_modules', '.cache', 'kata', `poison-${marker}.json`);

const SOLUTION = fs.readFileSync(path.join(ROOT, 'solutions', `${ID}.ts`), 'utf8');
const STUB = fs.readFileSync(path.join(ROOT, 'exercises', `${ID}.ts`), 'utf8');
/** The exercise's points, as kata.json gives them. */
const POINTS: number = JSON.parse(fs.readFileSync(path.join(ROOT, 'kata.json'), 'utf8')).exercises.find(
  (e: { id: string }) => e.id === ID,
).points;

/** Code appended to a hand-in's Thread module, by name, with the score it honestly earns. */
const HOSTILE: Record<
  string,
  { base: string; code: string; points: number; error?: RegExp; suspicious?: RegExp }
> = {
  'deletes-tests': {
    base: SOLUTION,
    points: POINTS,
    code: `for (const d of [require('node:path').resolve(__dirname, '../../tests'), ${JSON.stringify(path.join(ROOT, 'tests'))}])
  try { require('node:fs').rmSync(d, { recursive: true, force: true }); } catch {}`,
  },
  forges: {
    base: STUB,
    points: 0,
    code: `{ const fs = require('node:fs'), path = require('node:path');
  const all = (n: number) => Array.from({ length: n }, (_, i) => ({ name: 'test ' + i, status: 'passed', ms: 1, message: '' }));
  const fake = (t: any[]) => JSON.stringify({ type: 'file', error: null, message: null, tests: t });
  const forge = () => { for (const dir of [process.env.TMPDIR ?? '', os.tmpdir(), '/tmp']) { let names: string[] = [];
    try { names = fs.readdirSync(dir); } catch { continue; }
    for (const n of names) if (n.endsWith('.jsonl')) { const f = path.join(dir, n);
      try { const lines = fs.readFileSync(f, 'utf8').split('\\n').filter(Boolean).map((l: string) => {
          const r = JSON.parse(l); const b = JSON.parse(r.body); for (const t of b.tests ?? [b]) { t.status = 'passed'; }
          return JSON.stringify({ body: JSON.stringify(b), mac: r.mac }); });
        const real = lines.map((l: string) => JSON.parse(JSON.parse(l).body)).filter((b: any) => b.type === 'test');
        fs.writeFileSync(f, lines.concat([fake(real), JSON.stringify({ body: fake(all(16)), mac: '00' }), fake(all(16))]).join('\\n') + '\\n');
      } catch {} } } };
  try { fs.writeSync(3, fake(all(16)) + '\\n'); } catch {}
  process.stdout.write(fake(all(16)) + '\\n');
  setInterval(forge, 5).unref(); process.on('exit', forge); }
import os from 'node:os';`,
  },
  'writes-node-modules': {
    base: SOLUTION,
    points: POINTS,
    code: `for (const f of [${JSON.stringify(poison)}, require('node:path').resolve(__dirname, '../../node_modules/.cache/kata/test-counts.json')])
  try { require('node:fs').mkdirSync(require('node:path').dirname(f), { recursive: true }); require('node:fs').writeFileSync(f, '{"key":"x","counts":{}}'); } catch {}`,
  },
  'leaves-a-process': {
    base: SOLUTION,
    points: POINTS,
    code: `require('node:child_process').spawn('sleep', ['${sleepArg}'], { detached: true, stdio: 'ignore' }).unref();`,
  },
  'exits-at-import': { base: SOLUTION, points: 0, code: 'process.exit(0);', error: /./ },
  // The stub, replaced at load by an answer from the grader's machine: the reference solution
  // (found through node_modules, a link into this repo) or a known good. Neither is in sight.
  'loads-an-answer': {
    base: STUB,
    points: 0,
    code: `{ const p = require('node:path'), fs = require('node:fs');
  const root = p.dirname(fs.realpathSync(p.join(__dirname, '../../node_modules')));
  const known = p.join(__dirname, '../../tests/known-good/01-threads/thread');
  const answers = [p.join(root, 'solutions/01-threads/thread.ts'), p.join(${JSON.stringify(ROOT)}, 'solutions/01-threads/thread.ts')];
  try { for (const f of fs.readdirSync(known)) answers.push(p.join(known, f)); } catch {}
  for (const f of answers) if (fs.existsSync(f)) { module.exports = require(f); break; } }`,
  },
  // Blocked for ever at import without using a CPU (`Atomics.wait` on a cell nobody notifies):
  // to the time limit the same as `for (;;) {}`, which spun one core for the whole 20 s, a fifth
  // of the CPU of verify's tooling tests. A hand-in spinning beside the honest ones stays below.
  'hangs-at-import': {
    base: SOLUTION,
    points: 0,
    code: 'Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0);',
    error: /timeout/,
  },
  // The 13th of 16 tests is the first to read isAlive: the 12 before it count, the watchdog ends
  // the run long before the time limit and names the test.
  'loops-in-a-function': {
    base: SOLUTION.replace(/(get isAlive\(\): boolean \{)/, '$1\n    for (;;) {}'),
    points: (POINTS * 12) / 16,
    code: '',
    error: /^stalled: no progress for \d+ s in "Thread › §10 isAlive is false before start\(\)/,
  },
  'syntax-error': {
    base: SOLUTION,
    points: 0,
    code: 'export const = ;',
    // The student's file, as in their repo, not the grader's temporary workspace.
    error: /^did not load: exercises\/01-threads\/thread\.ts does not compile: .*\(line \d+, column \d+/,
  },
  // No point for a test that a missing export fails in its own way (a TypeError, where §1 wants
  // the constructor to refuse bad options with one), and the error line says what is missing.
  'lacks-an-export': {
    base: SOLUTION.replace(/^export class Thread\b/m, 'class Thread'),
    points: 0,
    code: '',
    error:
      /^missing export: the tests import `Thread`, which exercises\/01-threads\/thread\.ts does not export$/,
  },
  'lacks-the-file': { base: '', points: 0, code: '', error: /exercises\/01-threads\/thread\.ts is missing/ },
  // A known limit, kept in sight: code in the test process can reach outside jest's sandbox and
  // change the results it reports (here: every test reported passed, through the real process's
  // channel to jest). The points are forged; the report lists the line for the instructor.
  'escapes-to-the-process': {
    base: STUB,
    points: POINTS,
    code: `{ const real = require('node:fs').readFileSync.constructor('return process')();
  const send = real.send;
  const pass = (m: any): void => { if (!m || typeof m !== 'object') return;
    if (m.status === 'failed') m.status = 'passed';
    if (Array.isArray(m.failureMessages)) m.failureMessages = [];
    if (Array.isArray(m.failureDetails)) m.failureDetails = [];
    if ('failureMessage' in m) m.failureMessage = null;
    if ('numFailingTests' in m) m.numFailingTests = 0;
    for (const v of Object.values(m)) pass(v); };
  if (typeof send === 'function') real.send = function (this: unknown, m: unknown, ...r: unknown[]) { pass(m); return send.call(this, m, ...r); }; }`,
    suspicious: /exercises\/01-threads\/thread\.ts:\d+: a function's constructor/,
  },
  'honest-full': { base: SOLUTION, points: POINTS, code: '' },
  'honest-stub': { base: STUB, points: 0, code: '' },
};

type Saved = {
  results: {
    report: { repo: string; total: number; exercises: { error?: string }[]; tampered: string[] };
    ms: number;
  }[];
};

let tmp = '';
let saved: Saved;
let exitCode: number | null = null;

(SANDBOX ? describe : describe.skip)('grade, hostile hand-ins (bwrap sandbox)', () => {
  beforeAll(async () => {
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'kata-hostile-'));
    // The hand-in only the time limit ends goes first: the grader's other jobs grade the rest
    // meanwhile (graded in order, it came sixth and the grade waited for it alone at the end).
    // Three jobs: a grade waits about as much as it computes; with 3 the grade took 21 s instead
    // of 28 s at load 4, the honest grades 3.8-5.4 s at load 12 (2.3-5.9 s with 2 jobs).
    const order = Object.entries(HOSTILE).sort(
      ([a], [b]) => +(b === 'hangs-at-import') - +(a === 'hangs-at-import'),
    );
    const repos = order.map(([name, h]) => {
      const repo = path.join(tmp, name);
      fs.cpSync(path.join(ROOT, 'exercises'), path.join(repo, 'exercises'), { recursive: true });
      const file = path.join(repo, 'exercises', `${ID}.ts`);
      if (h.base) fs.writeFileSync(file, `${h.base}\n${h.code}\n`);
      else fs.rmSync(file);
      return repo;
    });
    expect(HOSTILE['lacks-an-export'].base).not.toMatch(/^export class Thread\b/m);
    expect(HOSTILE['loops-in-a-function'].base).toMatch(/get isAlive\(\): boolean \{\n {4}for \(;;\) \{\}/);
    const out = path.join(tmp, 'saved.json');
    exitCode = await new Promise((resolve) => {
      const child = execFile(
        process.execPath,
        [
          path.join(ROOT, 'tools/instructor/grade.js'),
          ...repos,
          '--exercise',
          ID,
          '--jobs',
          '3',
          '--timeout',
          String(TIMEOUT_S),
          '--save',
          out,
        ],
        {
          cwd: ROOT,
          timeout: 240_000,
          maxBuffer: 1 << 24,
          env: { ...process.env, KATA_STALL_MS: String(STALL_MS) },
        },
      );
      child.on('close', (code) => resolve(code));
    });
    saved = JSON.parse(fs.readFileSync(out, 'utf8'));
  }, 300_000);

  afterAll(() => {
    if (tmp) fs.rmSync(tmp, { recursive: true, force: true });
    fs.rmSync(poison, { force: true });
  });

  for (const [name, h] of Object.entries(HOSTILE)) {
    it(`${name}: scores exactly ${h.points}/${POINTS}`, () => {
      const graded = saved.results.find((x) => path.basename(x.report.repo) === name)!;
      const r = graded.report;
      // An honest hand-in that lost points to a limit is the limits' fault (a loaded machine),
      // not the grader's: say which limit, and how long the grade took.
      check(
        r.total === h.points,
        `Expected ${name} to score ${h.points}/${POINTS}, got ${r.total} (${r.exercises[0].error ?? 'no error'}; ` +
          `graded in ${(graded.ms / 1000).toFixed(1)} s, limits --timeout ${TIMEOUT_S} s, KATA_STALL_MS ${STALL_MS}).`,
      );
      expect(r.tampered).toEqual([]);
      if (h.error) expect(r.exercises[0].error ?? '').toMatch(h.error);
      if (h.suspicious) expect((r as { suspicious?: string[] }).suspicious?.join('\n')).toMatch(h.suspicious);
      else expect((r as { suspicious?: string[] }).suspicious).toEqual([]);
    });
  }

  it('leaves our tests/, node_modules and caches as they were, and no process behind', () => {
    expect(fs.existsSync(path.join(ROOT, 'tests', `${ID}.test.ts`))).toBe(true);
    expect(fs.existsSync(poison)).toBe(false);
    let left = '';
    try {
      left = execFileSync('pgrep', ['-f', `sleep ${sleepArg}`], { encoding: 'utf8' });
    } catch {
      /* pgrep exits 1: none */
    }
    expect(left).toBe('');
  });

  it('exits 1 because a hand-in lacks a file', () => {
    expect(exitCode).toBe(1);
  });
});
