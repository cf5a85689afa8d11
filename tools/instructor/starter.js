'use strict';
// @ts-check
// `npm run starter -- <dir>`: writes the repository students receive (the instructor's first
// step): exercises/, tests/ (without known bugs, known goods or the tooling's own tests), the
// student tooling (tools/student, tools/common), bin/, README (students' part) and GUIDE, and
// the GitHub Classroom workflow. No solutions/, no verify CI, no bench/, no instructor or
// maintainer tools or dependencies. The grader's tamper check compares hand-ins with this same
// file list (`starterFiles`), so an untouched starter has nothing tampered.
const fs = require('node:fs');
const path = require('node:path');
const { spawnSync } = require('node:child_process');
const kata = require('../common/kata.js');
const { classroomWorkflow } = require('./classroom.js');

const ROOT = kata.ROOT;
/** Folders copied whole, minus what students must not get. */
const DIRS = ['exercises', 'tests', 'bin', 'tools/student', 'tools/common'];
const LEFT_OUT = /^tests\/(known-bugs|known-good|tooling)\//;
const FILES = [
  'tools/instructor/classroom-report.js',
  'kata.json',
  'jest.config.ts',
  'GUIDE.md',
  '.gitignore',
  '.prettierrc.json',
  '.prettierignore',
];
const SCRIPTS = [
  'test',
  'typecheck',
  'format',
  'format:check',
  'hint',
  'reset',
  'watch',
  'job-server',
  'tcp-server',
  'tcp-client',
  'udp-server',
  'udp-client',
];
/** devDependencies students do not need: mutation testing, lint, diffing, the grader's CSV. */
const NOT_FOR_STUDENTS =
  /^(@stryker-mutator\/|@dodona\/|csv-stringify$|eslint$|@eslint\/|typescript-eslint$|globals$|diff$)/;

/** @param {string} dir @returns {string[]} files under ROOT/dir, relative, forward slashes */
function walk(dir) {
  const abs = path.join(ROOT, dir);
  if (!fs.existsSync(abs)) return [];
  return fs
    .readdirSync(abs, { recursive: true, withFileTypes: true })
    .filter((e) => e.isFile())
    .map((e) =>
      path
        .relative(ROOT, path.join(e.parentPath ?? e.path, e.name))
        .split(path.sep)
        .join('/'),
    );
}

/** README.md up to the maintainers', instructors' and benchmarks' sections. */
function studentReadme() {
  const text = fs.readFileSync(path.join(ROOT, 'README.md'), 'utf8');
  const cut = text.search(/^## .*(maintainer|instructor|benchmark)/im);
  return `${(cut < 0 ? text : text.slice(0, cut)).trimEnd()}\n`;
}

/** @returns {Map<string, string>} every file of the starter repo (relative path → content) */
function starterFiles() {
  /** @type {Map<string, string>} */
  const files = new Map();
  for (const rel of [...DIRS.flatMap(walk), ...FILES]) {
    if (LEFT_OUT.test(rel) || !fs.existsSync(path.join(ROOT, rel))) continue;
    files.set(rel, fs.readFileSync(path.join(ROOT, rel), 'utf8'));
  }
  const pkg = JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8'));
  pkg.scripts = Object.fromEntries(Object.entries(pkg.scripts).filter(([k]) => SCRIPTS.includes(k)));
  pkg.devDependencies = Object.fromEntries(
    Object.entries(pkg.devDependencies).filter(([k]) => !NOT_FOR_STUDENTS.test(k)),
  );
  files.set('package.json', `${JSON.stringify(pkg, null, 2)}\n`);
  const tsconfig = JSON.parse(fs.readFileSync(path.join(ROOT, 'tsconfig.json'), 'utf8'));
  tsconfig.include = tsconfig.include.filter(
    (/** @type {string} */ d) => !['solutions', 'bench'].includes(d),
  );
  tsconfig.exclude = ['tools/maintainer'];
  files.set('tsconfig.json', `${JSON.stringify(tsconfig, null, 2)}\n`);
  files.set('README.md', studentReadme());
  files.set('.github/workflows/classroom.yml', classroomWorkflow(kata.loadKata()));
  return files;
}

/** @param {string} out */
function writeStarter(out) {
  if (fs.existsSync(out) && fs.readdirSync(out).length > 0) throw new Error(`${out} is not empty`);
  for (const [rel, text] of starterFiles()) {
    fs.mkdirSync(path.dirname(path.join(out, rel)), { recursive: true });
    fs.writeFileSync(path.join(out, rel), text);
  }
  // A lock file for the smaller package.json: ours, pruned by npm itself.
  fs.copyFileSync(path.join(ROOT, 'package-lock.json'), path.join(out, 'package-lock.json'));
  const npm = spawnSync(
    'npm',
    ['install', '--package-lock-only', '--ignore-scripts', '--no-audit', '--no-fund'],
    {
      cwd: out,
      stdio: 'inherit',
      shell: process.platform === 'win32',
    },
  );
  if (npm.status !== 0) throw new Error('npm could not write the starter package-lock.json');
}

if (require.main === module) {
  const out = process.argv[2];
  if (!out) {
    process.stderr.write('usage: npm run starter -- <empty or new folder>\n');
    process.exit(2);
  }
  try {
    writeStarter(path.resolve(out));
    process.stdout.write(
      `starter: wrote ${out}. Next: cd ${out} && git init && git add -A && git commit -m starter, push it, and mark it a template repository for GitHub Classroom.\n`,
    );
  } catch (err) {
    process.stderr.write(`starter: ${/** @type {Error} */ (err).message}\n`);
    process.exit(1);
  }
}

module.exports = { starterFiles, writeStarter };
