'use strict';
// The jest transform of every run: esbuild, one file at a time (types are tsc's job in verify),
// the compiler tests/helpers/ts-loader.js and tsx already use. It replaced ts-jest, which loads
// TypeScript in every jest process that meets an uncompiled file (a third of a second of CPU) and
// compiles each file several times slower: on cold caches four exercises' tests took 13.6 s of
// CPU with ts-jest and 8.9 s with esbuild (README "Speed"). A grade compiles every hand-in cold.
//
// The key is the file's path and text, the compiler's version and tsconfig.json, never the jest
// project config: verify's fixture run has one project a fixture, each with its own
// moduleNameMapper, and the same test file compiles to the same output in each.
//
// esbuild's synchronous API runs its compiler in a worker thread it starts on first use; the
// tests' leak check does not count that thread (tests/helpers/handles.ts).
const crypto = require('node:crypto');
const fs = require('node:fs');

/** esbuild's options, from tsconfig.json's options that change the output. @param {string} file */
const options = (file) => ({
  loader: /** @type {'ts' | 'js'} */ (/\.[cm]?tsx?$/.test(file) ? 'ts' : 'js'),
  format: /** @type {'cjs'} */ ('cjs'),
  target: `node${process.versions.node.split('.')[0]}`,
  // A source map jest keeps beside its cached output: stack traces and code frames point into the
  // .ts source, at the student's line.
  sourcemap: /** @type {'external'} */ ('external'),
  sourcefile: file,
  // "strict" (so "use strict"), target ES2022 (class fields defined, not assigned).
  tsconfigRaw: { compilerOptions: { strict: true, target: 'ES2022', useDefineForClassFields: true } },
});

/** @param {{ tsconfig: string }} config */
function createTransformer(config) {
  const tsconfig = fs.readFileSync(config.tsconfig, 'utf8');
  const version = `esbuild ${require('esbuild/package.json').version} ${JSON.stringify(options('x.ts'))}`;
  /** @type {typeof import('esbuild') | undefined} */
  let esbuild; // loaded on the first file jest has no cached output for
  /** @param {string} source @param {string} file @param {any} transformOptions */
  const getCacheKey = (source, file, transformOptions) =>
    crypto
      .createHash('sha1')
      .update(`${version}\0${tsconfig}\0${transformOptions.supportsStaticESM}\0${file}\0${source}`)
      .digest('hex');
  return {
    canInstrument: false,
    getCacheKey,
    /** @param {string} source @param {string} file */
    process(source, file) {
      esbuild ??= require('esbuild');
      try {
        const { code, map } = esbuild.transformSync(source, options(file));
        return { code, map };
      } catch (error) {
        throw syntaxError(error, file);
      }
    },
  };
}

/**
 * A file that does not parse: the compiler's message at its line, as an Error whose stack is that
 * message (esbuild's frames and error records say nothing to a student; a SyntaxError would get
 * jest's advice about ES modules and Babel, which is not the cause).
 * @param {any} error @param {string} file
 */
function syntaxError(error, file) {
  const first = error?.errors?.[0];
  if (!first?.location) return error;
  const { line, column, lineText } = first.location;
  const message = `${file} does not compile: ${first.text} (line ${line}, column ${column + 1}: \`${lineText.trim()}\`)`;
  const err = new Error(message);
  err.stack = `Error: ${message}`;
  return err;
}

module.exports = { createTransformer };
