/**
 * Known bug: the worker posts `fn(...args)` without awaiting it. A synchronous target works; an
 * async target's promise cannot be cloned, so `join()` rejects instead of resolving.
 *
 * @catches join() resolves with the awaited value of an async target
 */
// Python's `threading.Thread`, on Node worker threads.
//
// The main side is the `Thread` class below. The worker side is `WORKER_SOURCE`, plain JavaScript
// that the worker runs with `eval: true`: it loads the target, calls it, and posts the outcome
// back. It is JavaScript, not TypeScript, for speed: see "Loading TypeScript, fast" below.
import * as os from 'node:os';
import * as path from 'node:path';
import { Worker } from 'node:worker_threads';

export interface ThreadOptions {
  /** Absolute path of a .ts or .js module. */
  module: string;
  /** Name of the exported function to call. */
  exportName: string;
  /** Arguments, structured-cloned into the worker (SharedArrayBuffers are shared, not copied). */
  args?: readonly unknown[];
}

/** What the worker posts back: the target's value, or its error as plain data. */
type Outcome = { ok: true; value: unknown } | { ok: false; name: string; message: string; stack?: string };

/** What the worker gets as `workerData`. */
interface WorkerInput {
  target: { module: string; exportName: string; args: readonly unknown[] };
  loader: LoaderSettings;
}

// ---- Loading TypeScript, fast ------------------------------------------------------------------
//
// The target may be TypeScript. A worker started with `--require tsx/cjs` can load it, but
// loading tsx (and the esbuild API it loads at once) takes longer than starting the worker
// itself, and so does loading this file's TypeScript in every worker. So the worker runs the
// plain JavaScript below, with a small loader of its own: it compiles each .ts file it requires
// with esbuild (the compiler tsx uses) into a cache folder, keyed by a hash of the file's path
// and text, and later threads just read the compiled file back. esbuild is loaded only on a
// cache miss (a new or edited file). Like `tsx/cjs` it handles `require`d .ts files and keeps
// stack traces pointing into them (inline source maps); unlike tsx it reads no tsconfig.json
// (no `paths` aliases in targets).

interface LoaderSettings {
  /** This file: the target's module path is resolved from here. */
  self: string;
  /** esbuild's entry, resolved from tsx (which depends on it). */
  esbuild: string;
  cacheDir: string;
  /** Goes into every cache key: a new esbuild or Node version compiles afresh. */
  salt: string;
}

const WORKER_SOURCE = `'use strict';
const { parentPort, threadId, workerData } = require('node:worker_threads');
const fs = require('node:fs');
const path = require('node:path');
const Module = require('node:module');
const { target, loader } = workerData;

// A 64-bit string hash (cyrb53's mixing on two 32-bit lanes): node:crypto takes longer to load.
function hash(text) {
  let h1 = 0xdeadbeef;
  let h2 = 0x41c6ce57;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    h1 = Math.imul(h1 ^ c, 2654435761);
    h2 = Math.imul(h2 ^ c, 1597334677);
  }
  h1 = Math.imul(h1 ^ (h1 >>> 16), 2246822507) ^ Math.imul(h2 ^ (h2 >>> 13), 3266489909);
  h2 = Math.imul(h2 ^ (h2 >>> 16), 2246822507) ^ Math.imul(h1 ^ (h1 >>> 13), 3266489909);
  return (h2 >>> 0).toString(16).padStart(8, '0') + (h1 >>> 0).toString(16).padStart(8, '0');
}

function compileTypeScript(module, filename) {
  const source = fs.readFileSync(filename, 'utf8');
  const key = hash(loader.salt + '\\0' + filename + '\\0' + source);
  const cached = path.join(loader.cacheDir, key + '-' + source.length + '.js');
  let code;
  try {
    code = fs.readFileSync(cached, 'utf8');
  } catch {
    code = require(loader.esbuild).transformSync(source, {
      loader: filename.endsWith('x') ? 'tsx' : 'ts',
      format: 'cjs',
      target: 'node' + process.versions.node.split('.')[0],
      sourcemap: 'inline',
      sourcefile: filename,
    }).code;
    try {
      fs.mkdirSync(loader.cacheDir, { recursive: true, mode: 0o700 });
      // Write, then rename: another thread never reads a half-written file.
      const partial = cached + '.' + process.pid + '-' + threadId;
      fs.writeFileSync(partial, code);
      fs.renameSync(partial, cached);
    } catch {
      // A cache that cannot be written costs time, nothing else.
    }
  }
  process.setSourceMapsEnabled(true); // stack traces point into the .ts source
  module._compile(code, filename);
}

for (const extension of ['.ts', '.cts', '.mts', '.tsx']) {
  Module._extensions[extension] = compileTypeScript;
}

async function runTarget() {
  let outcome;
  try {
    const fn = Module.createRequire(loader.self)(target.module)[target.exportName];
    if (typeof fn !== 'function') {
      throw new TypeError('\`' + target.exportName + '\` is not a function exported by ' + target.module);
    }
    outcome = { ok: true, value: fn(...target.args) };
  } catch (error) {
    const e = error instanceof Error ? error : new Error(String(error));
    outcome = { ok: false, name: e.name, message: e.message, stack: e.stack };
  }
  try {
    parentPort.postMessage(outcome);
  } catch (error) {
    // A function, a class instance with private state, …: report it instead of dying silently.
    parentPort.postMessage({
      ok: false,
      name: 'DataCloneError',
      message: 'the return value of \`' + target.exportName + '()\` cannot be sent back: ' + error.message,
    });
  }
}

runTarget();
`;

let loaderSettings: LoaderSettings | undefined;

// Stryker disable all: a compile cache for speed (see thread-start-join in README's benchmarks):
// where it lives and how it is keyed changes how fast a thread starts, not what it does.
function getLoaderSettings(): LoaderSettings {
  if (!loaderSettings) {
    const esbuild = require.resolve('esbuild', { paths: [path.dirname(require.resolve('tsx/cjs'))] });
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const { version } = require(path.join(esbuild, '..', '..', 'package.json')) as { version: string };
    const user = process.getuid?.() ?? os.userInfo().username;
    loaderSettings = {
      self: __filename,
      esbuild,
      cacheDir: path.join(os.tmpdir(), `kata-thread-${user}`),
      salt: `esbuild ${version}, node ${process.versions.node}`,
    };
  }
  return loaderSettings;
}
// Stryker restore all

export class Thread<R = unknown> {
  readonly #options: Required<ThreadOptions>;
  #result: Promise<R> | undefined;
  #alive = false;

  constructor(options: ThreadOptions) {
    const { module, exportName, args = [] } = options ?? {};
    if (typeof module !== 'string' || module === '') throw new TypeError('`module` must be a file path');
    if (typeof exportName !== 'string' || exportName === '') {
      throw new TypeError('`exportName` must be a non-empty string');
    }
    if (!Array.isArray(args)) throw new TypeError('`args` must be an array');
    this.#options = { module, exportName, args: [...args] };
  }

  /** Runs the target in a new worker thread. A thread can be started once. */
  start(): void {
    if (this.#result) throw new Error('Thread already started: a thread can only be started once');
    const { module, exportName, args } = this.#options;
    // Throws here (in the caller) if `args` cannot be cloned.
    const workerData: WorkerInput = { target: { module, exportName, args }, loader: getLoaderSettings() };
    const worker = new Worker(WORKER_SOURCE, {
      eval: true,
      workerData,
      // Not the parent's flags: a `--require tsx/cjs` there would load tsx here after all.
      // Stryker disable next-line ArrayDeclaration: equivalent, Node drops an entry that is not a flag.
      execArgv: [],
    });
    this.#alive = true;

    this.#result = new Promise<R>((resolve, reject) => {
      let outcome: Outcome | undefined;
      worker.once('message', (message: Outcome) => {
        outcome = message;
        // The target is done; whatever it left running (timers, sockets) dies with the worker.
        void worker.terminate();
      });
      // An uncaught exception in the worker: it is exiting, and 'exit' rejects join() without an
      // outcome too. Keeping the error only words the rejection, which the contract leaves free
      // for a crash (it pins the message only for a target that throws or rejects).
      // Stryker disable next-line BlockStatement: see above.
      worker.on('error', (error) => {
        // Stryker disable next-line AssignmentOperator,ObjectLiteral: see above.
        outcome ??= { ok: false, name: error.name, message: error.message, stack: error.stack };
      });
      // Settle only on 'exit': the worker is gone by the time join() settles, and an early
      // exit (process.exit, a crash, an empty event loop) cannot leave join() hanging.
      worker.once('exit', (code) => {
        this.#alive = false;
        if (outcome === undefined) {
          // Stryker disable next-line StringLiteral: the contract leaves this message free.
          reject(new Error(`Thread exited with code ${code} before \`${exportName}()\` returned`));
        } else if (outcome.ok) {
          resolve(outcome.value as R);
        } else {
          const error = new Error(outcome.message);
          error.name = outcome.name;
          // Stryker disable next-line ConditionalExpression: the contract leaves the stack free.
          if (outcome.stack) error.stack = outcome.stack;
          reject(error);
        }
      });
    });
    // A thread that is never joined must not crash the process with an unhandled rejection.
    this.#result.catch(() => {});
  }

  /** Resolves with the target's (awaited) return value; the same promise on every call. */
  join(): Promise<R> {
    return this.#result ?? Promise.reject(new Error('Thread not started: call `start()` before `join()`'));
  }

  /** True from `start()` until the worker has exited. */
  get isAlive(): boolean {
    return this.#alive;
  }
}
