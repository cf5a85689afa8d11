'use strict';
// @ts-check
// Gradescope's results.json (https://gradescope-autograders.readthedocs.io/en/latest/specs/) for
// one graded hand-in: one entry per canonical test, with its share of the exercise's points.
// In a Gradescope autograder's run_autograder: `npm run grade -- /autograder/submission
// --gradescope /autograder/results/results.json`.

const { testShares } = require('../common/points.js');

/** @param {import('./grade-output.js').Graded} g */
function gradescope({ report, graded }) {
  const tests = report.exercises.flatMap((e, i) => {
    const cases = graded[i]?.tests ?? [];
    // Shares that add up to the cent: the exercise's points, and what it scored.
    const shares = testShares(
      e.max,
      cases.map((t) => t.status === 'passed'),
    );
    return cases.map((t, j) => ({
      name: `${e.id} › ${t.name}`,
      score: shares[j].score,
      max_score: shares[j].max,
      status: t.status === 'passed' ? 'passed' : 'failed',
      output: t.status === 'passed' ? '' : String(t.message || e.error || t.status).slice(0, 4000),
      tags: [e.id],
      visibility: 'visible',
    }));
  });
  const notes = report.problem
    ? [report.problem]
    : report.exercises.filter((e) => e.error).map((e) => `${e.id}: ${e.error}`);
  if (report.tampered.length > 0)
    notes.push(`Changed files (not used for grading): ${report.tampered.join(', ')}`);
  return {
    score: report.total,
    output: notes.join('\n') || `Graded ${report.exercises.length} exercises.`,
    visibility: 'visible',
    stdout_visibility: 'hidden',
    tests,
  };
}

module.exports = { gradescope };
