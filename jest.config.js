/** Jest runs TypeScript through SWC (type checking is `npm run typecheck`, part of `npm test`). */
module.exports = {
  testEnvironment: 'node',
  roots: ['<rootDir>/packages', '<rootDir>/generators'],
  testMatch: ['**/test/**/*.test.ts'],
  transform: {
    '^.+\\.ts$': ['@swc/jest', { jsc: { target: 'es2022' } }],
    // json-schema-faker (test sample values) ships only an ES module: SWC turns it into CommonJS
    '/node_modules/json-schema-faker/.+\\.js$': ['@swc/jest', { jsc: { target: 'es2022' } }],
  },
  transformIgnorePatterns: ['/node_modules/(?!json-schema-faker/)'],
  moduleNameMapper: {
    '^json-schema-faker$': '<rootDir>/node_modules/json-schema-faker/dist/index.js',
    '^@dynamic-capital/contracts-generators$': '<rootDir>/generators/src',
    '^@dynamic-capital/contracts-(.*)$': '<rootDir>/packages/$1/src',
  },
  testTimeout: 60000,
};
