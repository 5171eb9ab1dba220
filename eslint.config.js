// The lint `npm test` runs before the tests: ESLint's and typescript-eslint's recommended rules (the
// type-aware set, with the types of tsconfig.check.json) on the whole tree, and on src/ the sizes the
// project holds its sources to: functions of at most 80 lines and files of at most 400, counted with their
// blank lines and comments.
import js from '@eslint/js'
import {defineConfig} from 'eslint/config'
import tseslint from 'typescript-eslint'

/** What Node gives every script without an import; the .js and .mjs files use no others. */
const nodeGlobals = Object.fromEntries(
  ['process', 'console', 'URL', 'setTimeout', 'clearTimeout', 'setInterval', 'clearInterval'].map((name) => [name, 'readonly']),
)

export default defineConfig(
  {ignores: ['dist/', 'node_modules/', 'reports/', '.lbbench-tmp/']},
  // A disable comment no rule needs any more fails the lint, so none outlives its reason.
  {linterOptions: {reportUnusedDisableDirectives: 'error'}},
  js.configs.recommended,
  {
    files: ['**/*.ts'],
    extends: [tseslint.configs.recommendedTypeChecked],
    languageOptions: {parserOptions: {project: './tsconfig.check.json', tsconfigRootDir: import.meta.dirname}},
    rules: {
      // node:test's test() and describe() return promises the test runner itself waits for.
      '@typescript-eslint/no-floating-promises': [
        'error',
        {allowForKnownSafeCalls: [{from: 'package', package: 'node:test', name: ['test', 'describe', 'it', 'suite']}]},
      ],
      // A leading underscore names a parameter an interface hands over and this implementation has no use
      // for; `{drop: _drop, ...rest}` leaves a field out of a copy.
      '@typescript-eslint/no-unused-vars': ['error', {argsIgnorePattern: '^_', ignoreRestSiblings: true}],
      // Passing on a reason another promise was rejected with (typed any or unknown) is not inventing one.
      '@typescript-eslint/prefer-promise-reject-errors': ['error', {allowThrowingAny: true, allowThrowingUnknown: true}],
      // Off: the methods of an interface whose callers await them (Balancer, ReplicaSet, test doubles) are
      // async in every implementation, also those with nothing to wait for, so that a throw reaches the
      // caller as a rejection the same way everywhere.
      '@typescript-eslint/require-await': 'off',
    },
  },
  {
    files: ['**/*.js', '**/*.mjs'],
    extends: [tseslint.configs.recommended],
    languageOptions: {globals: nodeGlobals},
  },
  {
    files: ['test/**/*.ts', 'bench/**/*.ts'],
    rules: {
      // Off in tests and benchmarks: they read what a child process printed or sent (JSON reports, IPC
      // messages) as untyped data on purpose, and their assertions are what check its shape; a cast to the
      // report types would assume what the test is there to find out.
      '@typescript-eslint/no-unsafe-argument': 'off',
      '@typescript-eslint/no-unsafe-assignment': 'off',
      '@typescript-eslint/no-unsafe-call': 'off',
      '@typescript-eslint/no-unsafe-member-access': 'off',
      '@typescript-eslint/no-unsafe-return': 'off',
      // A list of numbers in a failure message reads well as Array#toString writes it: 1,2,3.
      '@typescript-eslint/restrict-template-expressions': ['error', {allowArray: true}],
    },
  },
  {
    files: ['src/**/*.ts'],
    rules: {
      'max-lines-per-function': ['error', {max: 80, skipBlankLines: false, skipComments: false, IIFEs: true}],
      'max-lines': ['error', {max: 400, skipBlankLines: false, skipComments: false}],
    },
  },
)
