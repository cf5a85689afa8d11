// Python's `threading.Thread`, on Node worker threads.
//
// This one file is both sides. On the main thread it exports `Thread`. A worker runs the short
// JavaScript `BOOTSTRAP` below (`eval: true`), which sets up a fast TypeScript loader and then
// loads THIS file again; at the bottom, seeing the `kataThreadTarget` workerData, the file runs
// `runTarget()`: it loads the target, calls it, and posts the outcome back as plain data.
import { parentPort, Worker, workerData } from 'node:worker_threads';

export interface ThreadOptions {
  /** Absolute path of a .ts or .js module. */
  module: string;
  /** Name of the exported function to call. */
  exportName: string;
  /** Arguments, structured-cloned into the worker (SharedArrayBuffers are shared, not copied). */
  args?: readonly unknown[];
}

interface Target {
  module: string;
  exportName: string;
  args: readonly unknown[];
}

/** What the worker posts back: the target's value, or its error's message. */
type Outcome = { ok: true; value: unknown } | { ok: false; message: string };

// ---- Loading TypeScript, fast ------------------------------------------------------------------
//
// The target, and this file, may be TypeScript. A worker started with `--require tsx/cjs` can
// load them, but loading tsx (and the esbuild API it loads at once) takes longer than starting
// the worker itself. So the worker first runs the plain JavaScript below, a small loader of its
// own: it compiles each .ts file it requires with esbuild (the compiler tsx uses) into a cache
// folder, keyed by a hash of the file's path and text and of the Node and esbuild versions, and
// later threads just read the compiled file back. esbuild is loaded only on a cache miss (a new
// or edited file). Like `tsx/cjs` it handles `require`d .ts files and keeps stack traces pointing
// into them (inline source maps); unlike tsx it reads no tsconfig.json (no `paths` aliases).
// It only changes how fast a thread starts, so it is a string: nothing in it is for the tests.
const BOOTSTRAP = `'use strict';
const { threadId, workerData } = require('node:worker_threads');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const Module = require('node:module');
const self = workerData.self;

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

// esbuild is resolved from tsx, which depends on it; its version goes into every cache key.
const esbuild = require.resolve('esbuild', {
  paths: [path.dirname(require.resolve('tsx/cjs', { paths: [path.dirname(self)] }))],
});
const salt = 'esbuild ' + require(path.join(esbuild, '..', '..', 'package.json')).version +
  ', node ' + process.versions.node;
const cacheDir = path.join(os.tmpdir(), 'kata-thread-' + (process.getuid ? process.getuid() : os.userInfo().username));

function compileTypeScript(module, filename) {
  const source = fs.readFileSync(filename, 'utf8');
  const key = hash(salt + '\\0' + filename + '\\0' + source);
  const cached = path.join(cacheDir, key + '-' + source.length + '.js');
  let code;
  try {
    code = fs.readFileSync(cached, 'utf8');
  } catch {
    code = require(esbuild).transformSync(source, {
      loader: filename.endsWith('x') ? 'tsx' : 'ts',
      format: 'cjs',
      target: 'node' + process.versions.node.split('.')[0],
      sourcemap: 'inline',
      sourcefile: filename,
    }).code;
    try {
      fs.mkdirSync(cacheDir, { recursive: true, mode: 0o700 });
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

require(self); // this file again: its last lines run the target
`;

export class Thread<R = unknown> {
  readonly #target: Target;
  #result: Promise<R> | undefined;
  #alive = false;

  constructor(options: ThreadOptions) {
    const { module, exportName, args = [] } = options;
    const valid =
      typeof module === 'string' && module !== '' && typeof exportName === 'string' && exportName !== '';
    if (!valid || !Array.isArray(args)) {
      throw new TypeError('`module` and `exportName` must be non-empty strings, and `args` an array');
    }
    this.#target = { module, exportName, args: [...args] };
  }

  /** Runs the target in a new worker thread. A thread can be started once. */
  start(): void {
    if (this.#result) throw new Error('Thread already started: a thread can only be started once');
    // Throws here (in the caller) if `args` cannot be cloned.
    const worker = new Worker(BOOTSTRAP, {
      eval: true,
      workerData: { self: __filename, kataThreadTarget: this.#target },
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
      // An uncaught exception ends the worker: 'exit' follows, without an outcome, and rejects.
      worker.on('error', () => {});
      // Settle only on 'exit': the worker is gone by the time join() settles, and an early
      // exit (process.exit, a crash, an empty event loop) cannot leave join() hanging.
      worker.once('exit', (code) => {
        this.#alive = false;
        if (outcome === undefined)
          reject(new Error(`Thread exited with code ${code} before its target returned`));
        else if (outcome.ok) resolve(outcome.value as R);
        else reject(new Error(outcome.message));
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

// ---- worker side -------------------------------------------------------------------------------

async function runTarget({ module, exportName, args }: Target): Promise<void> {
  const port = parentPort!;
  try {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const value: unknown = await require(module)[exportName](...args);
    // A function, a class instance with private state, …: this throws, and the catch reports it.
    port.postMessage({ ok: true, value });
  } catch (error) {
    port.postMessage({ ok: false, message: (error as Error).message });
  }
}

// On the main thread `workerData` is null; in another program's worker it has no such key.
if (workerData?.kataThreadTarget) void runTarget(workerData.kataThreadTarget);
