// `npm run watch` (tools/student/watch.js) as a student drives it: keys through a pipe and on a
// terminal in raw mode, the Solved screen, the footer naming what a save runs (flags with their
// values), saves noticed by polling alone (where file events never arrive: WSL, network drives),
// stdin at its end, and a run frozen by `while (true) {}`, which the watchdog stops while watch
// goes on. verify runs this against solutions/ (KATA_TARGET=solutions), so every run passes
// unless a test swaps a module in; a "save" only touches a solution file's time.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { stripVTControlCharacters } from 'node:util';
import { onCleanup } from '../helpers/handles';

const ROOT = path.resolve(__dirname, '..', '..');
const WATCH = path.join(ROOT, 'tools', 'student', 'watch.js');
const HINTS = path.join(ROOT, 'node_modules', '.cache', 'kata', 'hints.json');
const RUN_MS = 60_000; // one jest run of a small exercise, cold, on a busy 2-core machine
const KEY_MS = 10_000; // what a key shows, without a run

/** watch.js as a program: its screen (colour codes dropped), bounded waits, keys, its exit. */
class Watch {
  readonly proc: ChildProcess;
  screen = '';
  exit: number | null | undefined;
  private cursor = 0;
  private readonly pokes = new Set<() => void>();

  constructor(
    args: string[],
    opts: { env?: NodeJS.ProcessEnv; stdin?: 'pipe' | 'ignore'; tty?: boolean } = {},
  ) {
    const env: NodeJS.ProcessEnv = { ...process.env, KATA_TARGET: 'solutions', NO_COLOR: '1', ...opts.env };
    delete env.FORCE_COLOR;
    const cmd = [process.execPath, WATCH, ...args];
    this.proc = opts.tty
      ? spawn('script', ['-qec', cmd.map((a) => `'${a}'`).join(' '), '/dev/null'], { cwd: ROOT, env })
      : spawn(cmd[0], cmd.slice(1), { cwd: ROOT, env, stdio: [opts.stdin ?? 'pipe', 'pipe', 'pipe'] });
    for (const stream of [this.proc.stdout, this.proc.stderr]) {
      stream!.setEncoding('utf8');
      stream!.on('data', (text: string) => {
        this.screen += stripVTControlCharacters(text).replace(/\r/g, '');
        this.poke();
      });
    }
    this.proc.stdin?.on('error', () => {});
    this.proc.on('close', (code) => {
      this.exit = code;
      this.poke();
    });
    onCleanup(() => this.stop());
  }

  /** Types `keys` (no Enter). */
  key(keys: string): void {
    this.proc.stdin!.write(keys);
  }

  /** Waits until the screen after the last match shows `pattern`; fails after `ms` or on exit. */
  waitFor(pattern: RegExp, what: string, ms: number): Promise<RegExpMatchArray> {
    return this.until(
      () => {
        const m = this.screen.slice(this.cursor).match(pattern);
        if (m) this.cursor += (m.index ?? 0) + m[0].length;
        return m ?? undefined;
      },
      `${what} (${pattern})`,
      ms,
      true,
    );
  }

  /** Waits for watch to exit; resolves with its exit status. */
  exited(what: string, ms: number): Promise<number | null> {
    return this.until(
      () => (this.exit === undefined ? undefined : { code: this.exit }),
      what,
      ms,
      false,
    ).then((e) => e.code);
  }

  /** Stops watch if it still runs (SIGTERM: it stops its jest run too), then SIGKILL. */
  async stop(): Promise<void> {
    if (this.exit !== undefined) return;
    this.proc.kill('SIGTERM');
    await this.exited('watch to stop after SIGTERM', 5000).catch(() => {
      this.proc.kill('SIGKILL');
      return this.exited('watch to stop after SIGKILL', 5000).catch(() => {});
    });
  }

  private poke(): void {
    for (const fn of [...this.pokes]) fn();
  }

  private until<T>(ready: () => T | undefined, what: string, ms: number, failOnExit: boolean): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      const done = (settle: () => void) => {
        this.pokes.delete(check);
        clearTimeout(timer);
        settle();
      };
      const tail = () => JSON.stringify(this.screen.slice(-1500));
      const check = () => {
        const value = ready();
        if (value !== undefined) return done(() => resolve(value));
        if (failOnExit && this.exit !== undefined)
          done(() =>
            reject(
              new Error(
                `watch ended (exit ${this.exit}) while the test waited for ${what}; its screen: ${tail()}`,
              ),
            ),
          );
      };
      const timer = setTimeout(
        () =>
          done(() =>
            reject(new Error(`Timed out after ${ms} ms waiting for ${what}; watch's screen: ${tail()}`)),
          ),
        ms,
      );
      this.pokes.add(check);
      check();
    });
  }
}

const FOOTER_KEYS = /Keys: n next {2}h hint {2}l list {2}r run {2}q quit\n/;

// `h` moves the hint level on: keep the maintainer's own.
let savedHints: string | undefined;
beforeAll(() => {
  savedHints = fs.existsSync(HINTS) ? fs.readFileSync(HINTS, 'utf8') : undefined;
});
afterAll(() => {
  if (savedHints === undefined) fs.rmSync(HINTS, { force: true });
  else fs.writeFileSync(HINTS, savedHints);
});

describe('npm run watch', () => {
  it(
    'keys through a pipe: a Solved screen and a footer naming the command; l lists, h hints, r runs again, n goes on, q quits with 0',
    async () => {
      const w = new Watch(['limit']);
      await w.waitFor(/npm run watch: 03-semaphores\/limit /, 'the first run to start', KEY_MS);
      await w.waitFor(
        /★ Solved: createLimit\. Every test passes\.\n.*Press n to go on to BoundedQueue/,
        'the Solved screen',
        RUN_MS,
      );
      await w.waitFor(
        /\nWatching solutions\/03-semaphores\/limit\.ts: a save in solutions\/ runs KATA_TARGET=solutions npm test -- limit\n/,
        'the footer naming what a save runs',
        KEY_MS,
      );
      await w.waitFor(FOOTER_KEYS, 'the keys in the footer', KEY_MS);
      w.key('l');
      await w.waitFor(
        / 6\. createLimit +03-semaphores\/limit +solved ← watching\n/,
        '`l` to list the exercises',
        KEY_MS,
      );
      w.key('h');
      await w.waitFor(/Hint [123]\/3 for exercises\/03-semaphores\/limit\.ts/, '`h` to show a hint', KEY_MS);
      w.key('r');
      await w.waitFor(/npm run watch: 03-semaphores\/limit /, '`r` to run the exercise again', KEY_MS);
      await w.waitFor(/★ Solved: createLimit/, 'the second run to pass', RUN_MS);
      w.key('n');
      await w.waitFor(
        /npm run watch: 03-semaphores\/bounded-queue /,
        '`n` to go on to the next exercise',
        KEY_MS,
      );
      await w.waitFor(/★ Solved: BoundedQueue/, 'the next exercise to pass', RUN_MS);
      w.key('q');
      expect(await w.exited('`q` to quit', KEY_MS)).toBe(0);
    },
    4 * RUN_MS,
  );

  it(
    'notices a save by polling alone (--poll), with stdin at its end, names the flags with their values, and never calls a filtered run solved',
    async () => {
      const w = new Watch(['limit', '--poll', '-t', '§2 r'], { stdin: 'ignore' });
      await w.waitFor(
        /Tests: [1-9]\d* passed, 0 failed, \d+ total/,
        'the first run (some tests filtered out) to pass',
        RUN_MS,
      );
      await w.waitFor(
        /\nWatching solutions\/03-semaphores\/limit\.ts: polling solutions\/ every 1 s runs KATA_TARGET=solutions npm test -- limit -t '§2 r'\n/,
        'the first run to end with the footer',
        RUN_MS,
      );
      const file = path.join(ROOT, 'solutions', '03-semaphores', 'limit.ts');
      const now = new Date();
      fs.utimesSync(file, now, now); // a save that changes nothing but the file's time
      await w.waitFor(
        /npm run watch: 03-semaphores\/limit /,
        'a run after the save, found by polling',
        KEY_MS,
      );
      await w.waitFor(/\nWatching solutions\//, 'that run to end', RUN_MS);
      await w.stop();
      expect(w.exit).toBe(143);
      expect(w.screen).not.toMatch(/★ Solved/); // `-t` left tests out: nothing proves it solved
    },
    3 * RUN_MS,
  );

  it(
    'follows the student: starts on the first exercise not solved and, with no keyboard, goes on by itself after the Solved screen',
    async () => {
      // Under KATA_TARGET=solutions watch ignores the progress of exercises/: nothing is solved yet.
      const w = new Watch([], { stdin: 'ignore' });
      await w.waitFor(/npm run watch: 01-threads\/thread /, 'the first exercise to run', KEY_MS);
      await w.waitFor(/★ Solved: Thread\./, 'the Solved screen', RUN_MS);
      await w.waitFor(
        /\(No keyboard: on to the next exercise in 3 s\.\)/,
        'the note that it goes on',
        KEY_MS,
      );
      await w.waitFor(
        /npm run watch: 01-threads\/parallel-map /,
        'the next exercise to run by itself',
        KEY_MS,
      );
      await w.waitFor(/★ Solved: parallelMap\./, 'the next exercise to pass', RUN_MS);
      await w.stop();
      expect(w.exit).toBe(143);
    },
    3 * RUN_MS,
  );

  describe('a run frozen by `while (true) {}`', () => {
    let dir: string;
    beforeAll(() => {
      dir = fs.mkdtempSync(path.join(os.tmpdir(), 'kata-watch-loop-'));
    });
    afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

    it(
      'is stopped by the watchdog, named, and watch goes on',
      async () => {
        const source = fs.readFileSync(path.join(ROOT, 'solutions', '02-locks', 'async-mutex.ts'), 'utf8');
        const looping = source.replace(
          /isLocked\(\): boolean \{/,
          'isLocked(): boolean {\n    while (true) {}',
        );
        expect(looping).not.toBe(source);
        const file = path.join(dir, 'async-mutex.ts');
        fs.writeFileSync(file, looping);
        const w = new Watch(['async-mutex'], {
          // 5 s: loading the test file with the swapped module, compiled cold, must fit in it (0.5 s
          // quiet, 1.4 s at load 6.6 on 2 cores, jest's cache off), or the run stops while loading.
          env: { KATA_STALL_MS: '5000', KATA_OVERRIDE: JSON.stringify({ '02-locks/async-mutex': file }) },
        });
        await w.waitFor(
          /Stopped: exercises\/02-locks\/async-mutex\.ts made no progress for \d+ s, in the test:\n {4}\S/,
          'the watchdog to stop the frozen run and name the test',
          30_000 + RUN_MS / 2,
        );
        await w.waitFor(FOOTER_KEYS, 'the footer after the stopped run', KEY_MS);
        w.key('q');
        expect(await w.exited('`q` to quit after the stopped run', KEY_MS)).toBe(0);
      },
      2 * RUN_MS,
    );
  });

  const hasScript = process.platform === 'linux' && spawnSync('script', ['--version']).status === 0;
  (hasScript ? it : it.skip)(
    'reads keys on a terminal in raw mode: one key, no Enter; Ctrl-C quits with 130',
    async () => {
      const w = new Watch(['limit'], { tty: true });
      await w.waitFor(FOOTER_KEYS, 'the first run to end with the footer', RUN_MS);
      w.key('l');
      await w.waitFor(
        / 6\. createLimit +03-semaphores\/limit +solved ← watching\n/,
        '`l` (no Enter) to list',
        KEY_MS,
      );
      w.key('\u0003');
      expect(await w.exited('Ctrl-C to quit', KEY_MS)).toBe(130);
    },
    2 * RUN_MS,
  );
});
