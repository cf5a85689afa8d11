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
