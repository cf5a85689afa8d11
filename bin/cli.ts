/**
 * What the four CLIs (the seed's `Main` programs) share: flags and usage, the exercise module of
 * the selected tree, one clear line for an error, the `->` prompt loop, and a clean shutdown.
 *
 * Exit status: 0 after `q`, end of input, Ctrl-C or SIGTERM; 1 when the program failed (port in
 * use, connection refused, the exercise is not implemented yet, …); 2 for bad flags (usage).
 */
import * as path from 'node:path';
import * as readline from 'node:readline';
import { parseArgs } from 'node:util';

// eslint-disable-next-line @typescript-eslint/no-require-imports
const target = require('../tools/common/target.js') as {
  ROOT: string;
  targetName(): string;
  targetModule(id: string): string;
};

/** A CLI's name (for messages) and its usage text. */
export interface Cli {
  name: string;
  usage: string;
}

/** Bad flags: reported with the usage, exit status 2. */
export class UsageError extends Error {}

type FlagSpec = Record<string, { type: 'string' | 'boolean'; short?: string }>;
export type Flags = Record<string, string | boolean | undefined>;

/** Parses `argv` (default: this process's arguments) strictly: unknown flags and stray words are usage errors. */
export function parseFlags(cli: Cli, spec: FlagSpec, argv = process.argv.slice(2)): Flags {
  let values: Flags;
  try {
    ({ values } = parseArgs({
      args: argv,
      options: { ...spec, help: { type: 'boolean', short: 'h' } },
      strict: true,
      allowPositionals: false,
    }));
  } catch (error) {
    const err = error as Error & { code?: string };
    const name = /'([^']+)'/.exec(err.message)?.[1];
    if (err.code === 'ERR_PARSE_ARGS_UNKNOWN_OPTION' && name)
      throw new UsageError(`unknown flag \`${name}\``);
    if (err.code === 'ERR_PARSE_ARGS_UNEXPECTED_POSITIONAL' && name)
      throw new UsageError(`unexpected argument \`${name}\` (flags look like \`--port 5000\`)`);
    if (err.code === 'ERR_PARSE_ARGS_INVALID_OPTION_VALUE' && name?.startsWith('--'))
      throw new UsageError(`\`${name.split(' ')[0]}\` needs a value`);
    throw new UsageError(err.message);
  }
  if (values.help) {
    process.stdout.write(cli.usage);
    process.exit(0);
  }
  return values;
}

/**
 * A port flag's value: an integer from `min` to 65535 (0 lets the OS pick a free port), or
 * `fallback` when the flag is absent (`undefined` makes it required).
 */
export function portFlag(
  value: string | boolean | undefined,
  flag: string,
  options: { min: 0 | 1; fallback?: number },
): number {
  if (value === undefined) {
    if (options.fallback !== undefined) return options.fallback;
    throw new UsageError(`\`${flag}\` is required`);
  }
  const port = typeof value === 'string' && /^\d{1,5}$/.test(value) ? Number(value) : NaN;
  if (!(port >= options.min && port <= 65_535)) {
    throw new UsageError(
      `\`${flag}\` must be an integer from ${options.min} to 65535; got \`${String(value)}\``,
    );
  }
  return port;
}

/** A non-negative integer flag (milliseconds, a count), or `undefined` when absent. */
export function countFlag(value: string | boolean | undefined, flag: string): number | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== 'string' || !/^\d{1,9}$/.test(value)) {
    throw new UsageError(`\`${flag}\` must be a whole number ≥ 0; got \`${String(value)}\``);
  }
  return Number(value);
}

/** A host flag's value (default 127.0.0.1: the seed's `''` would listen on every interface). */
export function hostFlag(value: string | boolean | undefined): string {
  if (value === undefined) return '127.0.0.1';
  if (typeof value !== 'string' || value.trim() === '') throw new UsageError('`--host` must not be empty');
  return value;
}

/** `127.0.0.1:5000`, or `[::1]:5000` for an IPv6 address. */
export function formatAddress(host: string, port: number): string {
  return host.includes(':') ? `[${host}]:${port}` : `${host}:${port}`;
}

/** An exercise module (`'04-tcp/echo-server'`) from the tree KATA_TARGET selects. */
export function loadExercise<M>(id: string): { module: M; file: string } {
  const file = target.targetModule(id);
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  return { module: require(file) as M, file };
}

/** What went wrong, as a student would want to read it: one line, plus a hint for a stub. */
export function describeError(
  cli: Cli,
  error: unknown,
  where: { host?: string; port?: number; flag?: string; file?: string } = {},
): string {
  const err = error as Error & { code?: string; hostname?: string };
  const message = err instanceof Error ? err.message : String(error);
  const at =
    where.host !== undefined && where.port !== undefined ? formatAddress(where.host, where.port) : '';
  switch (err?.code) {
    case 'EADDRINUSE':
      return `${at || 'the port'} is already in use (EADDRINUSE): stop the program using it, or pick another \`${where.flag ?? '--port'}\` (0 lets the OS choose).`;
    case 'EACCES':
      return `no permission to use ${at || 'that port'} (EACCES): ports below 1024 are privileged; pick one from 1024 up, or 0.`;
    case 'ECONNREFUSED':
      return `connection refused by ${at || 'the server'} (ECONNREFUSED): is the server running on that port?`;
    case 'ENOTFOUND':
    case 'EAI_AGAIN':
      return `cannot resolve the host \`${err.hostname ?? where.host}\` (${err.code}).`;
    case 'EADDRNOTAVAIL':
      return `${where.host ?? 'that address'} is not an address of this machine (EADDRNOTAVAIL).`;
  }
  if (message.startsWith('Not implemented') && where.file) {
    const file = path.relative(target.ROOT, where.file).split(path.sep).join('/');
    return (
      `${message}\n  (${file}${path.extname(file) ? '' : '.ts'} is not done yet. Finish it, or run the reference: ` +
      `KATA_TARGET=solutions npm run ${cli.name} -- …)`
    );
  }
  return message;
}

/**
 * Runs a CLI's `main` and sets the exit status: its result (default 0), 2 for a UsageError (shown
 * with the usage), 1 for any other error (one line on stderr). The process then ends by itself,
 * once everything is closed; if something the exercise module opened keeps it alive, it is ended
 * after a second.
 */
export function runCli(
  cli: Cli,
  main: () => Promise<number | void>,
  where: () => Parameters<typeof describeError>[2] = () => ({}),
): void {
  // A closed stdout (`… | head`) is no reason to crash with a stack trace.
  process.stdout.on('error', (err: Error & { code?: string }) => {
    if (err.code === 'EPIPE') process.exit(process.exitCode ?? 0);
  });
  main().then(
    (code) => finish(code ?? 0),
    (error: unknown) => {
      if (error instanceof UsageError) {
        process.stderr.write(`${cli.name}: ${error.message}\n\n${cli.usage}`);
        finish(2);
      } else {
        process.stderr.write(`${cli.name}: ${describeError(cli, error, where())}\n`);
        finish(1);
      }
    },
  );
}

function finish(code: number): void {
  process.exitCode = code;
  setTimeout(() => process.exit(code), 1000).unref();
}

/**
 * Resolves on the first SIGINT or SIGTERM (and then calls `onSignal`); a second one ends the
 * process at once, for a shutdown that hangs.
 */
export function untilSignal(onSignal: () => void = () => {}): Promise<NodeJS.Signals> {
  return new Promise((resolve) => {
    let received = false;
    const handler = (signal: NodeJS.Signals) => {
      if (received) process.exit(signal === 'SIGINT' ? 130 : 143);
      received = true;
      onSignal();
      resolve(signal);
    };
    process.on('SIGINT', handler);
    process.on('SIGTERM', handler);
  });
}

/** Waits for `promise` at most `ms`; false if it did not settle in time (it is then left behind). */
export async function settledWithin(promise: Promise<unknown>, ms: number): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<false>((resolve) => (timer = setTimeout(() => resolve(false), ms)));
  try {
    return await Promise.race([
      promise.then(
        () => true as const,
        () => true as const,
      ),
      late,
    ]);
  } finally {
    clearTimeout(timer);
  }
}

/**
 * The seed's `message = input("->")` loop: writes the prompt `->` (also when stdin is a pipe, as
 * Python does), hands each line to `handle` and waits for it before reading the next one. Ends at
 * `q`, at the end of input (Ctrl-D, or the pipe closed) or when `stop()` is called. Lines typed or
 * piped ahead are kept and handled in order. Ctrl-C at a terminal prompt calls `onInterrupt`
 * (default: `stop()`); elsewhere it is a SIGINT (see `untilSignal`).
 */
export function promptLoop(
  handle: (line: string) => Promise<void>,
  options: { onInterrupt?: () => void } = {},
): { done: Promise<void>; stop(): void } {
  const terminal = Boolean(process.stdin.isTTY && process.stdout.isTTY);
  const rl = readline.createInterface({
    input: process.stdin,
    output: process.stdout,
    terminal,
    prompt: '->',
  });
  // At the end of input readline closes at once, but the lines read before it are still handled:
  // only `stop()` (or `q`) drops them.
  let closed = false;
  let stopped = false;
  rl.once('close', () => (closed = true));
  const stop = () => {
    stopped = true;
    rl.close();
  };
  rl.on('SIGINT', () => (options.onInterrupt ?? stop)());
  const prompt = () => {
    if (!terminal) process.stdout.write('->');
    else if (!closed) rl.prompt(); // redraws the line being edited, too
  };
  const done = (async () => {
    try {
      prompt();
      for await (const line of rl) {
        if (stopped || line === 'q') return;
        await handle(line);
        if (stopped) break;
        prompt();
      }
      // Ctrl-D or Ctrl-C at a terminal: end the prompt's line, so the shell's prompt starts clean.
      if (terminal) process.stdout.write('\n');
    } finally {
      rl.close();
    }
  })();
  return { done, stop };
}
