'use strict';
// The syntax errors of an exercise file, as TypeScript's parser reports them. The tests load
// exercises one file at a time without type-checking, and that transpile forgives some syntax
// errors (a missing final `}` still runs): an exercise whose file does not parse is never solved.
// The answers are kept by the file's text (node_modules/.cache/kata/syntax.json): TypeScript
// takes a quarter of a second to load, on every `npm test`, for files that rarely change.
const crypto = require('node:crypto');
const fs = require('node:fs');
const path = require('node:path');
const { ROOT } = require('../common/target.js');

/** @typedef {{ line: number, column: number, message: string }} SyntaxError */

const CACHE = path.join(ROOT, 'node_modules', '.cache', 'kata', 'syntax.json');
/** @type {Record<string, SyntaxError[]> | undefined} */
let cache;
/** @type {typeof import('typescript') | undefined} */
let ts;

/** @returns {Record<string, SyntaxError[]>} */
function loadCache() {
  try {
    return JSON.parse(fs.readFileSync(CACHE, 'utf8'));
  } catch {
    return {};
  }
}

/**
 * @param {string} file  an absolute path to a .ts file
 * @returns {SyntaxError[]}  [] when it parses (or is missing)
 */
function syntaxErrors(file) {
  let text;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch {
    return [];
  }
  cache ??= loadCache();
  const key = crypto.createHash('sha1').update(`${file}\0${text}`).digest('hex');
  const known = cache[key];
  if (known) return known;
  ts ??= require('typescript');
  // transpileModule reports the parser's (syntactic) diagnostics only: fast, no type-checking.
  const { diagnostics = [] } = ts.transpileModule(text, {
    fileName: file,
    reportDiagnostics: true,
    compilerOptions: { target: ts.ScriptTarget.ES2022, module: ts.ModuleKind.CommonJS },
  });
  const errors = diagnostics.map((d) => {
    const at = d.file && d.start !== undefined ? d.file.getLineAndCharacterOfPosition(d.start) : undefined;
    return {
      line: (at?.line ?? 0) + 1,
      column: (at?.character ?? 0) + 1,
      message: /** @type {typeof import('typescript')} */ (ts).flattenDiagnosticMessageText(
        d.messageText,
        '\n',
      ),
    };
  });
  cache[key] = errors;
  try {
    // The 200 latest answers: enough for every exercise file and a few versions of each.
    const fresh = Object.fromEntries(Object.entries(cache).slice(-200));
    fs.mkdirSync(path.dirname(CACHE), { recursive: true });
    const partial = `${CACHE}.${process.pid}`;
    fs.writeFileSync(partial, JSON.stringify(fresh));
    fs.renameSync(partial, CACHE);
  } catch {
    // A cache that cannot be written (a read-only sandbox) costs time, nothing else.
  }
  return errors;
}

module.exports = { syntaxErrors };
