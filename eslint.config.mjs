// Lint setup: typescript-eslint's recommended type-aware rules over every package, test and example.
import tseslint from 'typescript-eslint';

export default tseslint.config(
  { ignores: ['**/dist/**', '**/node_modules/**', 'packages/core/src/gen/**', 'coverage/**'] },
  ...tseslint.configs.recommended,
  {
    files: ['**/*.ts'],
    rules: {
      '@typescript-eslint/consistent-type-imports': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      'no-console': 'off',
    },
  },
  {
    // The SDK is what a bot installs: it must not reach the simulator, the test kit or any other package here
    // (test/packaging/boundaries.test.ts checks the same on the resolved import graph).
    files: ['packages/core/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              group: ['@douyin-live/*', '!@douyin-live/core'],
              message: '@douyin-live/core is the SDK alone: it imports no other @douyin-live package.',
            },
            {
              group: ['**/simulator', '**/simulator/**', '**/testing/**', '**/packages/**', '../../*', '../../../**'],
              message: 'core imports only its own src/ (the simulator and test kit are separate packages).',
            },
          ],
        },
      ],
    },
  },
  {
    // The replay library sits below the command line: shared helpers go down into util/, never up.
    files: ['packages/replay-cli/src/replay/**/*.ts', 'packages/replay-cli/src/util/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              group: ['../commands/*', '../format/*', '../cli.js', '../bin.js', '../context.js'],
              message: 'replay/ and util/ must not import from the command line (commands/, format/, cli).',
            },
          ],
        },
      ],
    },
  },
);
