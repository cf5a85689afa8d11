'use strict';
// The TypeScript loader of the tests' own worker threads (tests/helpers/workers.ts):
// `new Worker(file, { execArgv: ['--require', <this file>] })`. What `--require tsx/cjs` did, for
// less: tsx loads its bundle and esbuild's API in every thread (about 30 ms of CPU, and a full
// solutions run starts about 140 such threads; verify's known bugs many more), while this
// compiles each .ts file with esbuild (the compiler tsx uses) once, into a cache folder keyed by
// a hash of the compiler's version and options and the file's path and text, and later threads
// read the compiled file back: esbuild is loaded only on a cache miss (a new or edited file).
// Like tsx it keeps stack traces pointing into the .ts source (inline source maps), and compiles
// with the tsconfig.json options that change output (strict mode, ES2022 class fields). Student
// code is untouched by it: what the student's own workers load is the student's choice.
const crypto = require('node:crypto');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const Module = require('node:module');
const { threadId } = require('node:worker_threads');

// esbuild as tsx resolves it (tsx depends on it): the same compiler, whatever is hoisted.
const ESBUILD = require.resolve('esbuild', { paths: [path.dirname(require.resolve('tsx/cjs'))] });
/** @param {string} filename */
const options = (filename) => ({
  loader: /** @type {'ts' | 'tsx'} */ (filename.endsWith('x') ? 'tsx' : 'ts'),
  format: /** @type {'cjs'} */ ('cjs'),
  target: `node${process.versions.node.split('.')[0]}`,
  sourcemap: /** @type {'inline'} */ ('inline'),
  sourcefile: filename,
  // tsconfig.json's options that change the output: "strict" (so "use strict") and target ES2022
  // (class fields defined, not assigned).
  tsconfigRaw: { compilerOptions: { strict: true, target: 'ES2022', useDefineForClassFields: true } },
});
const SALT = `esbuild ${require(path.join(ESBUILD, '..', '..', 'package.json')).version}, node ${process.versions.node}, ${JSON.stringify(options('x.ts'))}`;
const CACHE = path.join(
  os.tmpdir(),
  `kata-tests-ts-${typeof process.getuid === 'function' ? process.getuid() : os.userInfo().username}`,
);

/** @param {any} module @param {string} filename */
function compileTypeScript(module, filename) {
  const source = fs.readFileSync(filename, 'utf8');
  const key = crypto.createHash('sha1').update(`${SALT}\0${filename}\0${source}`).digest('hex');
  const cached = path.join(CACHE, `${key}.js`);
  let code;
  try {
    code = fs.readFileSync(cached, 'utf8');
  } catch {
    code = require(ESBUILD).transformSync(source, options(filename)).code;
    try {
      fs.mkdirSync(CACHE, { recursive: true, mode: 0o700 });
      // Write, then rename: another thread never reads a half-written file.
      const partial = `${cached}.${process.pid}-${threadId}`;
      fs.writeFileSync(partial, code);
      fs.renameSync(partial, cached);
    } catch {
      // A cache that cannot be written (a read-only sandbox) costs time, nothing else.
    }
  }
  module._compile(code, filename);
}

process.setSourceMapsEnabled(true);
// Node's CommonJS loader: require('./x') now also finds x.ts.
const extensions = /** @type {any} */ (Module)._extensions;
for (const ext of ['.ts', '.cts', '.mts', '.tsx']) extensions[ext] = compileTypeScript;
