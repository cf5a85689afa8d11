// ESLint (flat config): JavaScript's and typescript-eslint's recommended rules over the whole
// repo. `npm run lint`; verify runs it too.
import js from '@eslint/js';
import globals from 'globals';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  { ignores: ['node_modules/', 'reports/', 'coverage/', '.stryker-tmp/', '.verify/'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { globals: { ...globals.node, ...globals.jest } },
    rules: {
      // Unused arguments named `_x` are deliberate (a signature jest or Node dictates).
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
    },
  },
  {
    // A test's failure text quotes the caught error in words written for a student; a `cause`
    // chain would only add a second stack to read.
    files: ['tests/**/*.ts', 'bin/**/*.ts'],
    rules: { 'preserve-caught-error': 'off' },
  },
  {
    // Known bugs are copies of a solution with one thing broken: what the bug left unused stays.
    files: ['tests/known-bugs/**/*.ts'],
    rules: {
      '@typescript-eslint/no-unused-vars': 'off',
      'no-unused-private-class-members': 'off',
      'prefer-const': 'off',
    },
  },
  {
    // The tooling is CommonJS on purpose: it runs with plain node, no build step.
    files: ['**/*.js'],
    languageOptions: { sourceType: 'commonjs' },
    rules: {
      '@typescript-eslint/no-require-imports': 'off',
      // `const crypto = require('node:crypto')` shadows Node's global of the same name on purpose.
      'no-redeclare': ['error', { builtinGlobals: false }],
    },
  },
);
