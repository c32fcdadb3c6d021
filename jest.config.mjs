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
    // Every workspace package resolves to its TypeScript sources: @douyin-live/<pkg>[/<subpath>].
    '^@douyin-live/([a-z-]+)$': '<rootDir>/packages/$1/src/index.ts',
    '^@douyin-live/([a-z-]+)/([a-z-]+)$': '<rootDir>/packages/$1/src/$2/index.ts',
    '^(\\.{1,2}/.*)\\.js$': '$1',
  },
  modulePathIgnorePatterns: ['<rootDir>/packages/.*/dist/'],
  testTimeout: 30000,
};
