'use strict';
// The syntax errors of an exercise file, as TypeScript's parser reports them. The tests load
// exercises one file at a time without type-checking, and that transpile forgives some syntax
// errors (a missing final `}` still runs): an exercise whose file does not parse is never solved.
const fs = require('node:fs');
const ts = require('typescript');

/**
 * @param {string} file  an absolute path to a .ts file
 * @returns {Array<{ line: number, column: number, message: string }>}  [] when it parses (or is missing)
 */
function syntaxErrors(file) {
  let text;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch {
    return [];
  }
  // transpileModule reports the parser's (syntactic) diagnostics only: fast, no type-checking.
  const { diagnostics = [] } = ts.transpileModule(text, {
    fileName: file,
    reportDiagnostics: true,
    compilerOptions: { target: ts.ScriptTarget.ES2022, module: ts.ModuleKind.CommonJS },
  });
  return diagnostics.map((d) => {
    const at = d.file && d.start !== undefined ? d.file.getLineAndCharacterOfPosition(d.start) : undefined;
    return {
      line: (at?.line ?? 0) + 1,
      column: (at?.character ?? 0) + 1,
      message: ts.flattenDiagnosticMessageText(d.messageText, '\n'),
    };
  });
}

module.exports = { syntaxErrors };
