// Jest runs the TypeScript sources directly through swc (transpile only; `npm run typecheck` checks types).
/** @type {import('jest').Config} */
export default {
  testEnvironment: 'node',
  roots: ['<rootDir>/test', '<rootDir>/packages', '<rootDir>/examples'],
  testMatch: ['**/*.test.ts'],
  transform: {
    '^.+\\.ts$': [
      '@swc/jest',
      { jsc: { parser: { syntax: 'typescript' }, target: 'es2022' }, module: { type: 'commonjs' } },
    ],
  },
  moduleNameMapper: {
    '^@douyin-live/core$': '<rootDir>/packages/core/src/index.ts',
    '^@douyin-live/core/testing$': '<rootDir>/packages/core/src/testing/index.ts',
    '^@douyin-live/core/simulator$': '<rootDir>/packages/core/src/simulator/index.ts',
    '^@douyin-live/recorder$': '<rootDir>/packages/recorder/src/index.ts',
    '^@douyin-live/replay-cli$': '<rootDir>/packages/replay-cli/src/index.ts',
    '^(\\.{1,2}/.*)\\.js$': '$1',
  },
  modulePathIgnorePatterns: ['<rootDir>/packages/.*/dist/'],
  testTimeout: 30000,
};
