// Typed access to tools/common/target.js for tests and worker fixtures.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const target = require('../../tools/common/target.js') as {
  ROOT: string;
  targetName(): 'exercises' | 'solutions';
  targetModule(id: string): string;
};

export const ROOT = target.ROOT;
export const targetName = target.targetName;

/**
 * Loads an exercise module of the selected tree (KATA_TARGET, or verify's known-bug swap) from
 * inside a worker thread, where jest's `@kata/...` alias does not exist.
 */
export function loadTarget<M>(id: string): M {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  return require(target.targetModule(id)) as M;
}

/**
 * Throws unless the module of exercise `id` exports each of `exports` (a worker fixture's
 * imports, read from the loaded module). A fixture's `checkExports()` calls it, and the worker
 * entry calls that before any task, so that every test says the export is missing instead of
 * checking what `new undefined(…)` threw. (The fixture itself loads without them: the test's side
 * imports it for its constants.)
 */
export function requireExports(id: string, exports: Record<string, unknown>): void {
  for (const [name, value] of Object.entries(exports)) {
    if (value === undefined) {
      throw new TypeError(
        `The tests import \`${name}\`, but ${targetName()}/${id}.ts does not export it: check that \`export\` is still in front of it.`,
      );
    }
  }
}
