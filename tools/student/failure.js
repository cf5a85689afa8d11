'use strict';
// One failing test, as `npm test` shows it for the exercise a student is on: the message first
// (the advice is in it), no stack, then a code frame at the student's line or the test's line,
// never at a helper's (tests/helpers/, node_modules/, node internals).
const fs = require('node:fs');
const path = require('node:path');
const { stripVTControlCharacters } = require('node:util');

const ROOT = path.resolve(__dirname, '..', '..');
// `(0 , import_echo_server.startEchoServer) is not a function`, `import_mutex.Mutex is not a
// constructor`: what an import of a name the module does not export turns into once compiled to
// CommonJS by esbuild (the tests' compiler); tsc's form (`echo_server_1.…`, `mutex_1.…`) too.
const MISSING_EXPORT = /\b(?:import_[\w$]+|[\w$]+_1)\.([\w$]+)\)? is not a (?:function|constructor)/;
// What the tests' worker fixtures throw for the same (tests/helpers/target.ts requireExports): the
// test's own words, which need no hint in front.
const MISSING_EXPORT_STATED = /\bThe tests import `([\w$]+)`, but \S+ does not export it\b/;

/**
 * The name a failure says the exercise does not export, in either form; undefined if none.
 * @param {string} text
 * @returns {string | undefined}
 */
function missingExport(text) {
  return (MISSING_EXPORT.exec(text) ?? MISSING_EXPORT_STATED.exec(text))?.[1];
}
const FRAME = /^\s*at (?:.*? \()?(.+?):(\d+):(\d+)\)?\s*$/;
// `read ECONNRESET` alone, thrown from Node's own stream code: a socket emitted `error` and nothing
// listened, so EventEmitter threw it (any listener, or a test's own check, would have said more).
const UNHANDLED_SOCKET_ERROR = /^(?:Error: )?(?:read|write) (ECONNRESET|EPIPE)$/;

/**
 * Splits a jest failure message into its text (before the first stack line) and its stack frames.
 * @param {string} raw
 * @returns {{ text: string[], frames: Array<{ file: string, line: number, column: number }> }}
 */
function splitFailure(raw) {
  const text = [];
  /** @type {Array<{ file: string, line: number, column: number }>} */
  const frames = [];
  let inStack = false;
  for (const line of stripVTControlCharacters(String(raw ?? '')).split('\n')) {
    const m = FRAME.exec(line);
    if (/^\s*at\s/.test(line)) {
      inStack = true;
      if (m) frames.push({ file: m[1], line: Number(m[2]), column: Number(m[3]) });
      continue;
    }
    // A quoted error's stack ends where the next non-frame line starts: keep that text.
    if (inStack && !line.trim()) continue;
    inStack = false;
    text.push(line.replace(/\s+$/, ''));
  }
  while (text.length && !text[0].trim()) text.shift();
  while (text.length && !text[text.length - 1].trim()) text.pop();
  const kept = text.map((l) => (l.trim() ? l : '')).filter((l, i, a) => l || a[i - 1]);
  return { text: kept, frames };
}

/**
 * The frame worth showing: the first in exercises/ or solutions/ (the student's line) or in tests/
 * outside tests/helpers/ (the test's line).
 * @param {Array<{ file: string, line: number, column: number }>} frames
 */
function usefulFrame(frames, root = ROOT) {
  return frames.find((f) => {
    const rel = path.relative(root, f.file).split(path.sep).join('/');
    if (rel.startsWith('..') || rel.includes('node_modules/')) return false;
    return (
      /^(exercises|solutions)\//.test(rel) || (rel.startsWith('tests/') && !rel.startsWith('tests/helpers/'))
    );
  });
}

/**
 * Three lines of source around `line`, marked with `>` and a caret at `column`.
 * @param {string} file @param {number} line @param {number} column
 * @returns {string[]}
 */
function codeFrame(file, line, column, root = ROOT) {
  let source;
  try {
    source = fs.readFileSync(file, 'utf8').split('\n');
  } catch {
    return [];
  }
  const out = [`  ${path.relative(root, file).split(path.sep).join('/')}:${line}:${column}`];
  const width = String(line + 1).length;
  for (let n = Math.max(1, line - 1); n <= Math.min(source.length, line + 1); n++) {
    out.push(`  ${n === line ? '>' : ' '} ${String(n).padStart(width)} | ${source[n - 1]}`);
    if (n === line) out.push(`    ${' '.repeat(width)} | ${' '.repeat(Math.max(0, column - 1))}^`);
  }
  return out;
}

/**
 * The lines to show for one failure message.
 * @param {string} raw  a jest failure message
 * @param {number} [maxText]  cap on the message's lines
 * @returns {string[]}
 */
function describeFailure(raw, maxText = 25) {
  const { text, frames } = splitFailure(raw);
  const missing = MISSING_EXPORT.exec(text.join('\n'));
  if (missing) {
    text.unshift(
      `Is \`${missing[1]}\` exported? The test imports it, but the exercise module has no such export: check that \`export\` is still in front of it.`,
      '',
    );
  }
  const socketError = unhandledSocketError(text, frames);
  if (socketError) text.unshift(...socketError, '');
  const shown = text.length > maxText ? [...text.slice(0, maxText), '…'] : text;
  const frame = usefulFrame(frames);
  return [...shown, ...(frame ? ['', ...codeFrame(frame.file, frame.line, frame.column)] : [])];
}

/**
 * The hint for a socket error that nobody listened for, or undefined when the failure is not one.
 * @param {string[]} text @param {Array<{ file: string }>} frames
 * @returns {string[] | undefined}
 */
function unhandledSocketError(text, frames) {
  const m = text.length === 1 ? UNHANDLED_SOCKET_ERROR.exec(text[0].trim()) : null;
  if (!m || !frames.every((f) => f.file.startsWith('node:'))) return undefined;
  const what = m[1] === 'EPIPE' ? 'wrote after the other end closed' : 'had its connection reset';
  return [
    `A socket ${what} (${m[1]}) and had no \`'error'\` listener, so Node threw the error: it failed`,
    'this test (its title names the clause); in a real program it would crash the whole process.',
    "Usual cause: a socket with no 'error' listener: whichever end resets the connection (a client",
    "that goes away, a server that closes), it crashes the other; add socket.on('error', …) to every",
    "socket you create or accept, server or client ('close' still follows).",
  ];
}

module.exports = { splitFailure, usefulFrame, codeFrame, describeFailure, missingExport };
