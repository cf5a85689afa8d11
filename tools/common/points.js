'use strict';
// @ts-check
// Points as the graders hand them out per test. A test's share of an exercise, rounded to the
// cent on its own, does not add up: Thread's 6 points over 16 tests is 0.375 a test, 0.38
// rounded, and 16 passes made 6.08 of 6 (a full class solution 104.28 of 100 in GitHub
// Classroom, which adds the tests' scores up). Shares made here add up to the cent.

/** `x` rounded to the cent. @param {number} x */
const round2 = (x) => Math.round(x * 100) / 100;

/**
 * `amount` (rounded to the cent) split into `n` amounts of whole cents that add up to it
 * exactly; the first ones get the odd cents.
 * @param {number} amount @param {number} n
 * @returns {number[]}
 */
function splitCents(amount, n) {
  if (n <= 0) return [];
  const cents = Math.round(amount * 100);
  const base = Math.floor(cents / n);
  const extra = cents - base * n;
  return Array.from({ length: n }, (_, i) => (base + (i < extra ? 1 : 0)) / 100);
}

/**
 * Each test's score and maximum for an exercise worth `points`, given which of its tests passed:
 * the maxima add up to `points`; the scores of the passed tests add up to the exercise's score,
 * `points × passed / total` rounded to the cent (what `npm run grade` gives it); a failed test
 * scores 0.
 * @param {number} points @param {boolean[]} passed one a test, in order
 * @returns {{ score: number, max: number }[]}
 */
function testShares(points, passed) {
  const max = splitCents(points, passed.length);
  const count = passed.filter(Boolean).length;
  const earned = splitCents(passed.length > 0 ? round2((points * count) / passed.length) : 0, count);
  let next = 0;
  return passed.map((ok, i) => ({ score: ok ? earned[next++] : 0, max: max[i] }));
}

module.exports = { round2, splitCents, testShares };
