'use strict';
// The contract clauses of an exercise: its stub's comment lines that start with `§N `. A clause
// runs on over the next comment lines until the next `§` line, a blank comment line or the end
// of the comment. Tests cite clauses at the start of their titles: `it('§3 §5 …')`.

/**
 * @param {string} text the stub's source
 * @returns {{ n: number, text: string, line: number }[]} in the order they appear
 */
function parseClauses(text) {
  /** @type {{ n: number, text: string, line: number }[]} */
  const clauses = [];
  /** @type {{ n: number, text: string, line: number } | null} */
  let open = null;
  const lines = text.split(/\r?\n/);
  lines.forEach((raw, i) => {
    const comment = /^\s*(?:\/\*\*?|\*(?!\/)|\/\/)\s?(.*)$/.exec(raw);
    const body = comment ? comment[1].replace(/\s*\*\/\s*$/, '') : null;
    const start = body === null ? null : /^\s*§(\d+)\s+(.*)$/.exec(body);
    if (start) {
      open = { n: Number(start[1]), text: start[2].trim(), line: i + 1 };
      clauses.push(open);
    } else if (open && body !== null && body.trim() !== '' && !/^\s*\*\/\s*$/.test(raw)) {
      open.text += ` ${body.trim()}`;
    } else {
      open = null;
    }
    if (open && /\*\/\s*$/.test(raw)) open = null;
  });
  return clauses;
}

/**
 * The clause numbers a test title cites: the `§N` marks at its start (`'§2 §5 releases …'` →
 * [2, 5]); [] when the title does not start with one.
 * @param {string} title
 * @returns {number[]}
 */
function citedClauses(title) {
  const head = /^(?:\s*§\d+)+/.exec(title);
  return head ? [...head[0].matchAll(/§(\d+)/g)].map((m) => Number(m[1])) : [];
}

module.exports = { parseClauses, citedClauses };
