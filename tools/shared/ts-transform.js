'use strict';
// jest transformer: TypeScript (and get-port's ESM JavaScript) → CommonJS with TypeScript's own
// transpileModule. The tsconfig has `isolatedModules`, so a per-file transpile is exact, and type
// errors are tsc's job in verify. Unlike ts-jest, its cache key ignores the jest project config,
// so verify's ~100 known-bug projects share one transform of each file.
// (Not esbuild: its sync API keeps a helper thread and process alive in each jest worker, which
// the leak check rightly reports, and ending them hangs esbuild's next call.)
const crypto = require('node:crypto');
const ts = require('typescript');

const COMPILER_OPTIONS = {
  module: ts.ModuleKind.CommonJS,
  target: ts.ScriptTarget.ES2022,
  esModuleInterop: true,
  allowJs: true,
  inlineSourceMap: true,
  inlineSources: true,
  isolatedModules: true,
};
const VERSION = `${ts.version}-${JSON.stringify(COMPILER_OPTIONS)}-1`;

module.exports = {
  canInstrument: false,
  /** @param {string} source @param {string} filename */
  getCacheKey(source, filename) {
    return crypto
      .createHash('sha1')
      .update(VERSION)
      .update('\0')
      .update(filename)
      .update('\0')
      .update(source)
      .digest('hex');
  },
  /** @param {string} source @param {string} filename */
  process(source, filename) {
    const { outputText } = ts.transpileModule(source, {
      compilerOptions: COMPILER_OPTIONS,
      fileName: filename,
    });
    return { code: outputText };
  },
};
