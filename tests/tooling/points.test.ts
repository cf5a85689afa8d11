// Points per test, as GitHub Classroom and Gradescope receive them: they add up to the
// exercise's points, and a hand-in's tests to exactly what `npm run grade` gives it. Classroom's
// grading reporter adds the tests' scores up; a share rounded on its own (Thread: 6 points over
// 16 tests, 0.375 → 0.38 a test) made a full solution 6.08 of 6.
import { describe, expect, it } from '@jest/globals';
import fs from 'node:fs';
import path from 'node:path';
import { runnerResult } from '../../tools/instructor/classroom-report.js';
import { gradescope } from '../../tools/instructor/gradescope.js';
import { round2, testShares } from '../../tools/common/points.js';

const ROOT = path.resolve(__dirname, '..', '..');
const EXERCISES: { id: string; points: number }[] = JSON.parse(
  fs.readFileSync(path.join(ROOT, 'kata.json'), 'utf8'),
).exercises;
/** A sum of amounts in cents, free of floating-point noise. */
const cents = (xs: number[]) => xs.reduce((sum, x) => sum + Math.round(x * 100), 0);
/** `n` tests of which the first `k` (or those `pick` chooses) passed. */
const outcomes = (n: number, k: number, pick = (i: number) => i < k) =>
  Array.from({ length: n }, (_, i) => pick(i));

describe('points per test', () => {
  it('add up to the exercise’s points, and the passed ones to its grade, for 1 to 40 tests', () => {
    const wrong: string[] = [];
    for (const points of new Set(EXERCISES.map((e) => e.points)))
      for (let n = 1; n <= 40; n++)
        for (const k of new Set([0, 1, Math.floor(n / 2), n - 1, n]))
          for (const [order, pick] of [
            ['first', (i: number) => i < k],
            ['last', (i: number) => i >= n - k],
          ] as const) {
            const shares = testShares(points, outcomes(n, k, pick));
            const max = cents(shares.map((s) => s.max));
            const score = cents(shares.map((s) => s.score));
            const want = Math.round(round2((points * k) / n) * 100);
            const failedScored = shares.some((s, i) => !pick(i) && s.score !== 0);
            if (max !== points * 100 || score !== want || failedScored)
              wrong.push(
                `${points} points, ${k} of ${n} passed (the ${order}): max ${max}, score ${score} cents, want ${want}`,
              );
          }
    expect(wrong).toEqual([]);
  });

  it('GitHub Classroom: a full solution scores the exercise’s points, 12 of 16 tests 12/16 of them', () => {
    const report = (passed: number) => ({
      testResults: [
        {
          assertionResults: Array.from({ length: 16 }, (_, i) => ({
            ancestorTitles: ['Thread'],
            title: `§${i} test ${i}`,
            status: i < passed ? 'passed' : 'failed',
            failureMessages: i < passed ? [] : ['Error: no'],
          })),
        },
      ],
    });
    const full = runnerResult('01-threads/thread', 6, report(16));
    expect(full.max_score).toBe(6);
    expect(cents(full.tests.map((t: { score: number }) => t.score))).toBe(600);
    const part = runnerResult('01-threads/thread', 6, report(12));
    expect(cents(part.tests.map((t: { score: number }) => t.score))).toBe(450);
  });

  it('Gradescope: the tests’ scores add up to the total it is given, their maxima to the points', () => {
    const tests = (passed: number) =>
      Array.from({ length: 16 }, (_, i) => ({
        name: `test ${i}`,
        status: i < passed ? 'passed' : 'failed',
        ms: 1,
        message: '',
      }));
    const results = gradescope({
      report: {
        repo: 'r',
        total: 11.5,
        max: 13,
        tampered: [],
        exercises: [
          { id: '01-threads/thread', points: 4.5, max: 6, passed: 12, failed: 4 },
          { id: '02-locks/mutex', points: 7, max: 7, passed: 16, failed: 0 },
        ],
      },
      graded: [{ tests: tests(12) }, { tests: tests(16) }],
    } as unknown as Parameters<typeof gradescope>[0]);
    expect(cents(results.tests.map((t: { score: number }) => t.score))).toBe(1150);
    expect(cents(results.tests.map((t: { max_score: number }) => t.max_score))).toBe(1300);
    expect(results.score).toBe(11.5);
  });
});
