/** @type {import('jest').Config} */
module.exports = {
  testEnvironment: 'node',
  roots: ['<rootDir>/test'],
  testMatch: ['**/*.test.ts'],
  transform: {
    '^.+\\.ts$': ['@swc/jest', { jsc: { parser: { syntax: 'typescript' }, target: 'es2022' }, module: { type: 'commonjs' } }],
  },
  // the crash and fault suites run on their own (npm run test:faults) or are listed here explicitly
  testPathIgnorePatterns: ['/node_modules/', '/test/fault/'],
  testTimeout: 30000,
};
