'use strict';
// The jest transform of every run: ts-jest (tsconfig's isolatedModules: one file at a time, types
// are tsc's job), with one difference. ts-jest keys its work by the whole jest project config, and
// verify's fixture run has one project a fixture (165 of them, each its own moduleNameMapper): each
// project compiled the same test file and helpers again, and jest keeps each project's results in
// a cache folder of its own. The output of a transpile depends only on the file and tsconfig, so
// this wrapper hands ts-jest the first project config it sees in this process and remembers each
// file's output (by path and content): one transpile a file a jest worker, whatever the project.
const crypto = require('node:crypto');
const fs = require('node:fs');

/** @param {{ tsconfig: string }} options */
function createTransformer(options) {
  // Loaded on the first file jest has no cached output for: ts-jest loads TypeScript (a third
  // of a second of CPU), which a run on a warm cache never needs.
  /** @type {import('ts-jest').TsJestTransformer | undefined} */
  let tsJest;
  const tsconfig = fs.readFileSync(options.tsconfig, 'utf8');
  const version = `${require('ts-jest/package.json').version} ${require('typescript/package.json').version}`;
  /** @type {any} */
  let config;
  /** @type {Map<string, any>} */
  const done = new Map();
  /** @param {any} transformOptions */
  const canonical = (transformOptions) => ({
    ...transformOptions,
    config: (config ??= transformOptions.config),
  });
  /** @param {string} source @param {string} file @param {any} transformOptions */
  const getCacheKey = (source, file, transformOptions) =>
    crypto
      .createHash('sha1')
      .update(`${version}\0${tsconfig}\0${transformOptions.supportsStaticESM}\0${file}\0${source}`)
      .digest('hex');
  return {
    canInstrument: false,
    getCacheKey,
    /** @param {string} source @param {string} file @param {any} transformOptions */
    process(source, file, transformOptions) {
      const key = getCacheKey(source, file, transformOptions);
      let out = done.get(key);
      if (!out) {
        tsJest ??= new (require('ts-jest').TsJestTransformer)(options);
        out = tsJest.process(source, file, canonical(transformOptions));
        done.set(key, out);
      }
      return out;
    },
  };
}

module.exports = { createTransformer };
