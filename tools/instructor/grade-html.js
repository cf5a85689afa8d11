'use strict';
// @ts-check
// `--html FILE`: a self-contained class report (no scripts, no external files): the pass rate of
// each exercise and a histogram of the scores as inline SVG, then one row per student with
// flags for tampered files, errors, hand-ins that could not be graded and possible copies.
const { describeCopy } = require('./copies.js');

/** @param {unknown} s */
const esc = (s) =>
  String(s ?? '').replace(
    /[&<>"']/g,
    (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c] ?? c,
  );

/** Horizontal bars: one per label, value in [0, 1]. @param {[string, number][]} bars */
function barChart(bars) {
  const h = 22;
  const rows = bars.map(
    ([label, v], i) =>
      `<text x="0" y="${i * h + 15}" font-size="12">${esc(label)}</text>` +
      `<rect x="220" y="${i * h + 4}" width="${Math.round(v * 300)}" height="14" fill="#3b82f6"/>` +
      `<text x="${226 + Math.round(v * 300)}" y="${i * h + 15}" font-size="12">${Math.round(v * 100)} %</text>`,
  );
  return `<svg xmlns="http://www.w3.org/2000/svg" role="img" aria-label="pass rate per exercise" width="600" height="${bars.length * h + 4}">${rows.join('')}</svg>`;
}

/** Score histogram in 10 bins of the percentage. @param {number[]} percents */
function histogram(percents) {
  const bins = Array.from({ length: 10 }, () => 0);
  for (const p of percents) bins[Math.min(9, Math.floor(p / 10))] += 1;
  const top = Math.max(1, ...bins);
  const bars = bins.map((n, i) => {
    const height = Math.round((n / top) * 150);
    return (
      `<rect x="${i * 50 + 5}" y="${170 - height}" width="40" height="${height}" fill="#10b981"><title>${i * 10}–${i * 10 + 10} %: ${n}</title></rect>` +
      `<text x="${i * 50 + 25}" y="${165 - height}" font-size="12" text-anchor="middle">${n}</text>` +
      `<text x="${i * 50 + 25}" y="188" font-size="11" text-anchor="middle">${i * 10}%</text>`
    );
  });
  return `<svg xmlns="http://www.w3.org/2000/svg" role="img" aria-label="score histogram" width="510" height="195">${bars.join('')}</svg>`;
}

/** @param {import('./grade-output.js').Report[]} reports @param {{ sandboxed: boolean }} opts */
function htmlReport(reports, { sandboxed }) {
  const ids = [...new Set(reports.flatMap((r) => r.exercises.map((e) => e.id)))];
  const graded = reports.filter((r) => !r.problem);
  const rate = (/** @type {string} */ id) => {
    const es = graded.map((r) => r.exercises.find((e) => e.id === id)).filter((e) => e !== undefined);
    const tests = es.reduce((s, e) => s + e.passed + e.failed, 0);
    return tests ? es.reduce((s, e) => s + e.passed, 0) / tests : 0;
  };
  const rows = reports.map((r) => {
    const flags = [
      r.problem ? `<span class="flag err">not graded: ${esc(r.problem)}</span>` : '',
      r.tampered.length
        ? `<span class="flag tamper" title="${esc(r.tampered.join('\n'))}">tampered: ${r.tampered.length} file(s)</span>`
        : '',
      r.suspicious?.length
        ? `<span class="flag tamper" title="${esc(r.suspicious.join('\n'))}">suspicious: ${r.suspicious.length} line(s)</span>`
        : '',
      ...r.exercises
        .filter((e) => e.error)
        .map((e) => `<span class="flag err">${esc(e.id)}: ${esc(e.error)}</span>`),
      ...(r.copies ?? []).map((c) => `<span class="flag copy">similar: ${esc(describeCopy(c))}</span>`),
    ].filter(Boolean);
    const cells = ids.map((id) => {
      const e = r.exercises.find((x) => x.id === id);
      return `<td class="num">${e ? `${e.points}/${e.max}` : ''}</td>`;
    });
    return `<tr><td>${esc(r.repo)}${r.commit ? `<br><small>${esc(r.commit.slice(0, 12))}</small>` : ''}</td><td class="num"><b>${r.total}</b>/${r.max}</td>${cells.join('')}<td>${flags.join(' ')}</td></tr>`;
  });
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Class report</title>
<style>body{font-family:system-ui,sans-serif;margin:2em}table{border-collapse:collapse}td,th{border:1px solid #ddd;padding:4px 8px;vertical-align:top}
.num{text-align:right}.flag{display:inline-block;padding:1px 6px;border-radius:4px;margin:1px;font-size:12px}.err{background:#fee2e2}.tamper{background:#fef3c7}
.copy{background:#e0e7ff}.warn{background:#fee2e2;padding:8px}</style></head><body>
<h1>Class report</h1>
${sandboxed ? '' : '<p class="warn"><b>Graded without a sandbox</b>: student code ran with the grader\'s rights.</p>'}
<p>${reports.length} hand-in(s), ${graded.length} graded. Mean score ${graded.length ? ((graded.reduce((s, r) => s + r.total / (r.max || 1), 0) / graded.length) * 100).toFixed(1) : 0} %.</p>
<h2>Pass rate per exercise</h2>
${barChart(ids.map((id) => [id, rate(id)]))}
<h2>Scores</h2>
${histogram(graded.map((r) => (r.total / (r.max || 1)) * 100))}
<h2>Students</h2>
<table><thead><tr><th>Repo</th><th>Total</th>${ids.map((id) => `<th>${esc(id)}</th>`).join('')}<th>Flags</th></tr></thead>
<tbody>
${rows.join('\n')}
</tbody></table>
</body></html>
`;
}

module.exports = { htmlReport };
