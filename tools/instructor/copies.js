'use strict';
// @ts-check
// The grader's copy check: per exercise, Dolos (@dodona/dolos-lib, tree-sitter tokens and
// winnowed fingerprints, so renamed variables and moved comments do not hide a copy) scores every
// pair of hand-ins, and each hand-in against the reference solution and every known bug
// (tests/known-bugs/, applied to the solution). A pair at or above the threshold is a flag for the
// instructor to look at, never a change of score. The stub is Dolos's ignored file (the code every
// student starts from is no evidence), and a file still equal to the stub is left out.
//
// Dolos is an instructor-only dependency (the starter repo students receive lacks it); without it,
// the check says so and flags nothing.
const fs = require('node:fs');
const path = require('node:path');
const kata = require('../common/kata.js');

const ROOT = kata.ROOT;
/** Similarity (0..1) from which a pair is flagged. */
const DEFAULT_THRESHOLD = 0.9;

/**
 * @typedef {{ exercise: string, with: string, similarity: number }} Copy
 *   `with`: another hand-in (its repo as given to the grader), `solutions/`, or `known bug <id>/<bug>`.
 */

const norm = (/** @type {string} */ t) => t.replace(/\r\n?/g, '\n').trim();

/** @param {string} file */
function readOrNull(file) {
  try {
    return fs.readFileSync(file, 'utf8');
  } catch {
    return null;
  }
}

/**
 * The texts a hand-in's exercise file is compared with: the solution and each known bug.
 * @param {string} id @returns {{ label: string, text: string }[]}
 */
function references(id) {
  const solution = readOrNull(path.join(ROOT, 'solutions', `${id}.ts`));
  if (solution === null) return [];
  /** @type {{ label: string, text: string }[]} */
  const refs = [{ label: 'solutions/', text: solution }];
  const dir = path.join(ROOT, 'tests', 'known-bugs', id);
  const patches = fs.existsSync(dir) ? fs.readdirSync(dir).filter((f) => f.endsWith('.patch')) : [];
  const { applyPatch } = require('diff');
  const { splitPatch } = require('../maintainer/known-bugs.js');
  for (const p of patches.sort()) {
    const { diff } = splitPatch(fs.readFileSync(path.join(dir, p), 'utf8'));
    const text = diff ? applyPatch(solution, diff) : false;
    if (text !== false) refs.push({ label: `known bug ${id}/${p.replace(/\.patch$/, '')}`, text });
  }
  return refs;
}

/**
 * The exercise files of a hand-in worth comparing: those present and not the untouched stub.
 * @param {string} repo @param {string[]} ids @returns {Record<string, string>}
 */
function sourcesOf(repo, ids) {
  /** @type {Record<string, string>} */
  const out = {};
  for (const id of ids) {
    const text = readOrNull(path.join(repo, 'exercises', `${id}.ts`));
    const stub = readOrNull(path.join(ROOT, 'exercises', `${id}.ts`));
    if (text !== null && (stub === null || norm(text) !== norm(stub))) out[id] = text;
  }
  return out;
}

/** @returns {Promise<any | null>} Dolos's module, or null when it is not installed */
async function loadDolos() {
  try {
    return await import('@dodona/dolos-lib');
  } catch {
    return null;
  }
}

/**
 * Flags per hand-in: for each exercise, every other hand-in, the solution or a known bug whose
 * similarity is at least `threshold`, highest first.
 * @param {{ repo: string, sources: Record<string, string> }[]} handIns
 * @param {string[]} ids
 * @param {{ threshold?: number }} [opts]
 * @returns {Promise<{ copies: Map<string, Copy[]>, skipped?: string }>}
 */
async function findCopies(handIns, ids, { threshold = DEFAULT_THRESHOLD } = {}) {
  /** @type {Map<string, Copy[]>} */
  const copies = new Map(handIns.map((h) => [h.repo, []]));
  const dolos = await loadDolos();
  if (!dolos) return { copies, skipped: '@dodona/dolos-lib is not installed (run npm ci in the full kata)' };
  for (const id of ids) {
    const students = handIns.filter((h) => typeof h.sources[id] === 'string');
    if (students.length === 0) continue;
    const refs = references(id);
    // One File per text; the labels say whose it is (Dolos scores files, not names).
    const files = [
      ...students.map((h, i) => ({
        label: h.repo,
        student: true,
        file: new dolos.File(`s${i}.ts`, h.sources[id]),
      })),
      ...refs.map((r, i) => ({ label: r.label, student: false, file: new dolos.File(`r${i}.ts`, r.text) })),
    ];
    if (files.length < 2) continue;
    const stub = readOrNull(path.join(ROOT, 'exercises', `${id}.ts`));
    const report = await new dolos.Dolos({ language: 'typescript' }).analyze(
      files.map((f) => f.file),
      id,
      stub === null ? undefined : new dolos.File('stub.ts', stub),
    );
    const byPath = new Map(files.map((f) => [f.file.path, f]));
    /** @type {Map<string, Copy>} */
    const closest = new Map();
    for (const pair of report.allPairs()) {
      if (!(pair.similarity >= threshold)) continue;
      const a = byPath.get(pair.leftFile.path);
      const b = byPath.get(pair.rightFile.path);
      if (!a || !b) continue;
      const similarity = Math.round(pair.similarity * 1000) / 1000;
      if (a.student && b.student) {
        copies.get(a.label)?.push({ exercise: id, with: b.label, similarity });
        copies.get(b.label)?.push({ exercise: id, with: a.label, similarity });
      } else if (a.student || b.student) {
        // The solution and its known bugs are near copies of one another: keep the closest only.
        const [s, r] = a.student ? [a, b] : [b, a];
        const best = closest.get(s.label);
        if (!best || similarity > best.similarity)
          closest.set(s.label, { exercise: id, with: r.label, similarity });
      }
    }
    for (const [label, c] of closest) copies.get(label)?.push(c);
  }
  for (const list of copies.values())
    list.sort((x, y) => x.exercise.localeCompare(y.exercise) || y.similarity - x.similarity);
  return { copies };
}

/** One line per flag, e.g. `01-threads/thread: 100 % like solutions/`. @param {Copy} c */
const describeCopy = (c) => `${c.exercise}: ${Math.round(c.similarity * 100)} % like ${c.with}`;

module.exports = { findCopies, sourcesOf, describeCopy, DEFAULT_THRESHOLD };
