/** Jest runs TypeScript through SWC (type checking is `npm run typecheck`, part of `npm test`). */
module.exports = {
  testEnvironment: 'node',
  roots: ['<rootDir>/packages', '<rootDir>/generators'],
  testMatch: ['**/test/**/*.test.ts'],
  transform: { '^.+\\.ts$': ['@swc/jest', { jsc: { target: 'es2022' } }] },
  moduleNameMapper: {
    '^@dynamic-capital/contracts-generators$': '<rootDir>/generators/src',
    '^@dynamic-capital/contracts-(.*)$': '<rootDir>/packages/$1/src',
  },
  testTimeout: 60000,
};
