// `npm test` as a student sees it (tools/student/test.js): one screen on the untouched stubs, and a
// watchdog that ends a run frozen by a synchronous loop, naming the exercise and the test.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { stripVTControlCharacters } from 'node:util';
import { describeFailure } from '../../tools/student/failure.js';
import { syntaxErrors } from '../../tools/student/syntax.js';
import { renderSummary } from '../../tools/student/progress-reporter.js';
import { scratchRepo } from '../helpers/scratch-repo';

const ROOT = path.resolve(__dirname, '..', '..');
const PROGRESS = path.join(ROOT, 'node_modules', '.cache', 'kata', 'progress.json');
const kata = JSON.parse(fs.readFileSync(path.join(ROOT, 'kata.json'), 'utf8')) as { exercises: unknown[] };

/** Runs `npm test -- ...args` the way npm does, without npm; returns its screen. */
function npmTest(args: string[], env: NodeJS.ProcessEnv = {}, timeout = 170_000, repo = ROOT) {
  const started = Date.now();
  const res = spawnSync(process.execPath, [path.join(repo, 'tools', 'student', 'test.js'), ...args], {
    cwd: repo,
    env: { ...process.env, KATA_TARGET: 'exercises', NO_COLOR: '1', FORCE_COLOR: '', ...env },
    encoding: 'utf8',
    timeout,
  });
  const screen = stripVTControlCharacters(`${res.stdout}${res.stderr}`);
  return { code: res.status, screen, lines: screen.trimEnd().split('\n'), ms: Date.now() - started };
}

// The runs write the student's progress file: keep the real one.
let saved: string | undefined;
beforeAll(() => {
  saved = fs.existsSync(PROGRESS) ? fs.readFileSync(PROGRESS, 'utf8') : undefined;
});
afterAll(() => {
  if (saved === undefined) fs.rmSync(PROGRESS, { force: true });
  else fs.writeFileSync(PROGRESS, saved);
});

describe('npm test on the untouched stubs', () => {
  it('fits one screen (≤ 60 lines), calls every exercise not started, names the next one and shows its first failure with no stack', () => {
    fs.rmSync(PROGRESS, { force: true });
    const { code, screen, lines } = npmTest([]);
    expect(code).toBe(1);
    expect(lines.length).toBeLessThanOrEqual(60);
    expect(screen).toMatch(/Next: exercises\/01-threads\/thread\.ts/);
    expect(screen).toMatch(/First failing test: /);
    expect(screen).not.toMatch(/^\s+at /m); // no stack frames
    expect(screen).not.toMatch(/tests\/helpers\//); // no helper's code frame
    // Every untouched stub is "not started", also where a test records only an error's name
    // (the barrier's and the readers-writer lock's never show `Not implemented`).
    const rows = lines.filter((l) => /^\s+\S+\s+\d+\. /.test(l));
    expect(rows).toHaveLength(kata.exercises.length);
    expect(rows.filter((l) => !/not started \(\d+ tests\)$/.test(l))).toEqual([]);
  }, 180_000);
});

describe('progress', () => {
  it('forgets a result once its exercise file changes (a solved file replaced by the stub is not solved)', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'kata-progress-'));
    try {
      const repo = path.join(dir, 'repo');
      scratchRepo(repo, path.join(dir, 'cache'));
      const file = path.join(repo, 'exercises', '03-semaphores', 'limit.ts');
      const stub = fs.readFileSync(file, 'utf8');
      fs.copyFileSync(path.join(ROOT, 'solutions', '03-semaphores', 'limit.ts'), file);
      const solved = npmTest(['limit'], {}, 60_000, repo);
      expect(solved.screen).toMatch(/✓ +6\. createLimit +03-semaphores\/limit +8\/8 tests pass/);
      fs.writeFileSync(file, stub); // as `git checkout` would
      const after = npmTest(['async-mutex'], {}, 60_000, repo);
      expect(after.screen).toMatch(/Progress: 0\/\d+ exercises solved/);
      expect(after.screen).toMatch(/ +6\. createLimit +03-semaphores\/limit +not run yet\n/);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  }, 120_000);
});

describe('the watchdog', () => {
  // 5 s: loading the test file (file-start to the first test) must fit in it, or the watchdog
  // rightly stops the run while loading. With the swapped module compiled cold (jest's cache off)
  // that took 0.5 s on a quiet machine and 1.4 s at load 6.6 on 2 cores; 10 s cost 5 s a run.
  const STALL_MS = 5000;
  let dir: string;
  beforeAll(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'kata-loop-'));
  });
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('ends a run frozen by `while (true) {}` in an exercise function, naming the exercise and the test', () => {
    const source = fs.readFileSync(path.join(ROOT, 'solutions', '02-locks', 'async-mutex.ts'), 'utf8');
    const looping = source.replace(/isLocked\(\): boolean \{/, 'isLocked(): boolean {\n    while (true) {}');
    expect(looping).not.toBe(source);
    const file = path.join(dir, 'async-mutex.ts');
    fs.writeFileSync(file, looping);
    const { code, screen, ms } = npmTest(['async-mutex'], {
      KATA_STALL_MS: String(STALL_MS),
      KATA_OVERRIDE: JSON.stringify({ '02-locks/async-mutex': file }),
    });
    expect(code).toBe(1);
    expect(screen).toMatch(
      /Stopped: exercises\/02-locks\/async-mutex\.ts made no progress for \d+ s, in the test:\n {4}\S/,
    );
    expect(screen).toMatch(/a synchronous loop never gave control back/);
    expect(ms).toBeLessThan(STALL_MS + 30_000);
  }, 60_000);

  // jest runs in a process group of its own (so that the watchdog can kill it whole): a signal
  // to npm test reaches only npm test, which must pass it on.
  (process.platform === 'linux' ? it : it.skip)(
    'stops jest with it when npm test gets SIGTERM (an editor or CI ending the run)',
    async () => {
      const source = fs.readFileSync(path.join(ROOT, 'solutions', '02-locks', 'async-mutex.ts'), 'utf8');
      const blocked = source.replace(
        /isLocked\(\): boolean \{/,
        'isLocked(): boolean {\n    Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0);',
      );
      expect(blocked).not.toBe(source);
      const file = path.join(dir, 'async-mutex-blocked.ts');
      fs.writeFileSync(file, blocked);
      const run = spawn(process.execPath, [path.join(ROOT, 'tools', 'student', 'test.js'), 'async-mutex'], {
        cwd: ROOT,
        env: {
          ...process.env,
          KATA_TARGET: 'exercises',
          KATA_STALL_MS: '60000',
          KATA_OVERRIDE: JSON.stringify({ '02-locks/async-mutex': file }),
        },
        stdio: 'ignore',
      });
      const exited = new Promise<number | null>((resolve) => run.once('exit', (code) => resolve(code)));
      // jest: the child of npm test running jest.js (Linux: /proc/<pid>/stat's 4th field is the
      // parent's pid); npm test's handlers for the signals are in place once it has spawned jest.
      const children = () =>
        fs
          .readdirSync('/proc')
          .filter((p) => /^\d+$/.test(p))
          .filter((p) => {
            try {
              return (
                fs.readFileSync(`/proc/${p}/stat`, 'utf8').split(') ')[1].split(' ')[1] === String(run.pid) &&
                fs.readFileSync(`/proc/${p}/cmdline`, 'utf8').includes('jest.js')
              );
            } catch {
              return false;
            }
          })
          .map(Number);
      let jest: number[] = [];
      for (const until = Date.now() + 20_000; jest.length === 0 && Date.now() < until;) {
        await new Promise((resolve) => setTimeout(resolve, 100));
        jest = children();
      }
      // Stopped here whatever the checks say: npm test (its own handler stops jest).
      run.kill('SIGTERM');
      expect(jest.length).toBeGreaterThan(0);
      expect(await exited).toBe(143);
      const alive = (pid: number) => {
        try {
          process.kill(pid, 0);
          return true;
        } catch {
          return false;
        }
      };
      expect(jest.filter(alive)).toEqual([]);
    },
    60_000,
  );
});

describe('one failure, as shown for the exercise being worked on', () => {
  it('puts the message first, drops the stack and frames the student’s line, never a helper', () => {
    const raw = [
      'Error: expected `1`, got `2`. Usual cause: the lock was not released.',
      `    at check (${ROOT}/tests/helpers/assert.ts:12:24)`,
      `    at AsyncMutex.release (${ROOT}/exercises/02-locks/async-mutex.ts:22:5)`,
      `    at Object.<anonymous> (${ROOT}/tests/02-locks/async-mutex.test.ts:10:3)`,
    ].join('\n');
    const lines = describeFailure(raw);
    expect(lines[0]).toMatch(/^Error: expected `1`, got `2`\. Usual cause/);
    expect(lines.join('\n')).not.toMatch(/^\s+at /m);
    expect(lines.join('\n')).toMatch(/exercises\/02-locks\/async-mutex\.ts:22:5/);
    expect(lines.join('\n')).not.toMatch(/assert\.ts/);
  });
});

describe('diagnoses', () => {
  it('names a missing export as one, as `npm test` shows it', () => {
    // In a scratch copy: the student's screen (the summary) is shown only for exercises/ itself.
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'kata-export-'));
    try {
      scratchRepo(path.join(dir, 'repo'), path.join(dir, 'cache'));
      const source = fs.readFileSync(path.join(ROOT, 'solutions', '04-tcp', 'echo-server.ts'), 'utf8');
      const unexported = source.replace(
        /^export (async )?function startEchoServer\b/m,
        '$1function startEchoServer',
      );
      expect(unexported).not.toBe(source);
      fs.writeFileSync(path.join(dir, 'repo', 'exercises', '04-tcp', 'echo-server.ts'), unexported);
      const { code, screen } = npmTest(['echo-server'], {}, 60_000, path.join(dir, 'repo'));
      expect(code).toBe(1);
      expect(screen).toMatch(/First failing test: .*\n\s+Is `startEchoServer` exported\?/);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  }, 90_000);

  it('suggests the exercise a misspelled name is one or two keys away from, and only then', () => {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const { didYouMean, treeIds } = require('../../tools/common/kata.js') as {
      didYouMean(name: string, ids: string[]): string;
      treeIds(): string[];
    };
    const ids = treeIds();
    expect(didYouMean('mutx', ids)).toBe(' Did you mean `mutex`?');
    expect(didYouMean('rwlock', ids)).toBe(' Did you mean `rw-lock`?');
    expect(didYouMean('xyz', ids)).toBe('');
    expect(didYouMean('lock', ids)).toBe(''); // a topic word, not a typo
  });

  it('names a missing class export as one, in the form either compiler gives it', () => {
    for (const compiled of ['import_mutex.Mutex', 'mutex_1.Mutex']) {
      const raw = [
        `\`new Mutex(buffer)\` threw \`TypeError: ${compiled} is not a constructor\``,
        `    at Object.<anonymous> (${ROOT}/tests/02-locks/mutex.test.ts:10:3)`,
      ].join('\n');
      expect(describeFailure(raw)[0]).toMatch(/^Is `Mutex` exported\?/);
    }
  });

  it('names the compiler’s message in the row of an exercise that does not compile, when another one is next', () => {
    const list = [
      { id: '01-threads/thread', title: 'Thread', goal: 'threads' },
      { id: '03-semaphores/limit', title: 'createLimit', goal: 'a limit' },
    ];
    const results = {
      '01-threads/thread': { passed: 0, failed: 16, total: 16, solved: false, notStarted: true },
      '03-semaphores/limit': {
        passed: 0,
        failed: 0,
        total: 0,
        solved: false,
        notStarted: false,
        compileError: "'}' expected. (line 53)",
        failure: { test: 'exercises/03-semaphores/limit.ts does not compile', detail: [] },
      },
    };
    const lines = renderSummary({ list, results, progress: { ...results } }) as string[];
    expect(lines.find((l) => l.includes('03-semaphores/limit'))).toMatch(
      /03-semaphores\/limit\s+does not compile: '\}' expected\. \(line 53\)$/,
    );
    expect(lines).toContain('Next: exercises/01-threads/thread.ts  (Thread: threads)');
  });

  it('under watch, names as next what the Solved screen’s `n` goes on to, not an earlier unsolved one', () => {
    const list = ['a', 'b', 'c'].map((n) => ({ id: `01-t/${n}`, title: n.toUpperCase(), goal: n }));
    const unsolved = { passed: 0, failed: 1, total: 1, solved: false, failure: { test: 't', detail: [] } };
    const results = { '01-t/b': { passed: 1, failed: 0, total: 1, solved: true } };
    const progress = { '01-t/a': unsolved, '01-t/c': unsolved, ...results };
    const next = (preferNext?: string) =>
      (renderSummary({ list, results, progress, watching: true, preferNext }) as string[]).find((l) =>
        l.startsWith('Next:'),
      );
    expect(next('01-t/c')).toBe('Next: exercises/01-t/c.ts  (C: c)');
    expect(next()).toBe('Next: exercises/01-t/a.ts  (A: a)'); // npm test: the first unsolved
  });

  it('gives the compiler’s line for an exercise file that does not parse (a missing final `}`)', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'kata-syntax-'));
    try {
      const source = fs.readFileSync(path.join(ROOT, 'solutions', '02-locks', 'async-mutex.ts'), 'utf8');
      const cut = source.trimEnd().replace(/\}$/, '');
      const file = path.join(dir, 'async-mutex.ts');
      fs.writeFileSync(file, cut);
      const errors = syntaxErrors(file);
      expect(errors[0]).toEqual({
        line: cut.split('\n').length,
        column: expect.any(Number),
        message: "'}' expected.",
      });
      expect(syntaxErrors(path.join(ROOT, 'solutions', '02-locks', 'async-mutex.ts'))).toEqual([]);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
