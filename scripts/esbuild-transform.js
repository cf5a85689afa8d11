'use strict';
// jest transformer: TypeScript → CommonJS with esbuild (which tsx already brings). The tsconfig
// has `isolatedModules`, so a per-file transpiler is exact, and type errors are tsc's job in
// verify. Its cache key ignores the jest project config, so verify's ~100 known-bug projects
// share one transform of each file instead of redoing it per project (ts-jest keyed on config).
const crypto = require('node:crypto');
const esbuild = require('esbuild');

const VERSION = `${require('esbuild/package.json').version}-1`;

module.exports = {
  canInstrument: false,
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
  process(source, filename) {
    const result = esbuild.transformSync(source, {
      loader: filename.endsWith('.ts') ? 'ts' : 'js',
      format: 'cjs',
      target: 'node20',
      sourcemap: 'both',
      sourcefile: filename,
      sourcesContent: true,
    });
    return { code: result.code, map: result.map };
  },
};
