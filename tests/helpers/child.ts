// The CLIs in bin/ as real programs, for tests: `spawnCli('tcp-server', ['--port', '0'])` runs
// `node --require tsx/cjs bin/tcp-server.ts --port 0` with this test file's environment (so the
// same KATA_TARGET), collects its stdout and stderr, waits for lines and for its exit with bounded
// waits that name what never came and show what the program printed, and writes to its stdin.
// A program still running after the test is stopped (SIGTERM, then SIGKILL) through `onCleanup`.
import { spawn, type ChildProcess } from 'node:child_process';
import * as path from 'node:path';
import { onCleanup } from './handles';
import { ROOT } from './target';

const TSX_REQUIRE = require.resolve('tsx/cjs');

export interface Exit {
  code: number | null;
  signal: NodeJS.Signals | null;
}

/** How a program ended, as a message would say it: "exit code 1", "signal SIGKILL". */
export function describeExit(exit: Exit): string {
  return exit.signal ? `signal ${exit.signal}` : `exit code ${exit.code}`;
}

export class ChildCli {
  readonly proc: ChildProcess;
  /** Everything the program wrote to stdout / stderr so far. */
  stdout = '';
  stderr = '';
  /** Set once the program has exited and its output has been read to the end. */
  exit: Exit | undefined;
  /** Where in `stdout` the next `waitForLine` starts looking. */
  private cursor = 0;
  private readonly watchers = new Set<() => void>();

  constructor(
    readonly name: string,
    args: readonly string[],
  ) {
    this.proc = spawn(
      process.execPath,
      ['--require', TSX_REQUIRE, path.join(ROOT, 'bin', `${name}.ts`), ...args],
      {
        cwd: ROOT,
        env: { ...process.env },
        stdio: 'pipe',
      },
    );
    this.proc.stdout!.setEncoding('utf8');
    this.proc.stderr!.setEncoding('utf8');
    this.proc.stdout!.on('data', (text: string) => {
      this.stdout += text;
      this.poke();
    });
    this.proc.stderr!.on('data', (text: string) => {
      this.stderr += text;
      this.poke();
    });
    this.proc.stdin!.on('error', () => {}); // EPIPE when writing to a program that has quit
    this.proc.on('error', (err) => {
      this.stderr += `\n(spawn failed: ${err.message})`;
      this.exit ??= { code: null, signal: null };
      this.poke();
    });
    // 'close': exited AND stdout/stderr read to the end.
    this.proc.on('close', (code, signal) => {
      this.exit = { code, signal };
      this.poke();
    });
    onCleanup(() => this.stop());
  }

  /** Writes to the program's stdin (as if typed). */
  write(text: string): void {
    this.proc.stdin!.write(text);
  }

  /** Closes the program's stdin: the end of input (Ctrl-D). */
  end(): void {
    this.proc.stdin!.end();
  }

  /** What the program printed, for failure messages. */
  printed(): string {
    const tail = (text: string) =>
      text ? JSON.stringify(text.length > 600 ? `…${text.slice(-600)}` : text) : 'nothing';
    return `\`${this.name}\` printed ${tail(this.stdout)} on stdout and ${tail(this.stderr)} on stderr`;
  }

  /**
   * Waits for the next stdout line (after the last one a wait matched) that matches `pattern`,
   * and resolves with the match. Fails after `ms`, or as soon as the program exits without it.
   */
  waitForLine(pattern: RegExp, what: string, ms = 5000): Promise<RegExpMatchArray> {
    return this.waitFor(
      () => {
        let start = this.cursor;
        for (;;) {
          const newline = this.stdout.indexOf('\n', start);
          if (newline === -1 && !this.exit) return undefined; // the last line is not complete yet
          const end = newline === -1 ? this.stdout.length : newline;
          const match = this.stdout.slice(start, end).replace(/\r$/, '').match(pattern);
          if (match) {
            this.cursor = Math.min(end + 1, this.stdout.length);
            return match;
          }
          if (newline === -1) return undefined;
          start = newline + 1;
        }
      },
      `${what} (a line matching ${pattern})`,
      ms,
    );
  }

  /** Waits for the program to exit by itself. */
  waitForExit(what: string, ms = 5000): Promise<Exit> {
    return this.waitFor(() => this.exit, what, ms, false);
  }

  /** Sends `signal` and waits for the program to exit. */
  async kill(signal: NodeJS.Signals, what: string, ms = 5000): Promise<Exit> {
    if (!this.exit) this.proc.kill(signal);
    return this.waitForExit(what, ms);
  }

  /** Stops the program if it still runs: SIGTERM, then SIGKILL after 3 s. */
  async stop(): Promise<void> {
    if (this.exit) return;
    this.proc.kill('SIGTERM');
    try {
      await this.waitForExit('the program to stop after SIGTERM', 3000);
    } catch {
      this.proc.kill('SIGKILL');
      await this.waitForExit('the program to stop after SIGKILL', 3000).catch(() => {});
    }
  }

  private poke(): void {
    for (const watcher of [...this.watchers]) watcher();
  }

  /** Resolves when `ready()` returns a value; fails on timeout, or on exit if `failOnExit`. */
  private waitFor<T>(ready: () => T | undefined, what: string, ms: number, failOnExit = true): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      const finish = (settle: () => void) => {
        this.watchers.delete(check);
        clearTimeout(timer);
        settle();
      };
      const check = () => {
        const value = ready();
        if (value !== undefined) return finish(() => resolve(value));
        if (failOnExit && this.exit) {
          finish(() =>
            reject(
              new Error(
                `\`${this.name}\` ended (${describeExit(this.exit!)}) while the test waited for ${what}; ${this.printed()}.`,
              ),
            ),
          );
        }
      };
      const timer = setTimeout(
        () =>
          finish(() => reject(new Error(`Timed out after ${ms} ms waiting for ${what}; ${this.printed()}.`))),
        ms,
      );
      this.watchers.add(check);
      check();
    });
  }
}

/** Starts `bin/<name>.ts` with `args`; it is stopped after the test if it still runs. */
export function spawnCli(
  name: 'tcp-server' | 'tcp-client' | 'udp-server' | 'udp-client',
  args: readonly string[],
): ChildCli {
  return new ChildCli(name, args);
}
