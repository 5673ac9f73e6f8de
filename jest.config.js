/** @type {import('jest').Config} */
const swc = [
  '@swc/jest',
  { jsc: { parser: { syntax: 'typescript' }, target: 'es2022' }, module: { type: 'commonjs' } },
];

const pageTransform = {
  '^.+\\.ts$': swc,
  // TDesign ships ES modules into miniprogram_npm
  'miniprogram_npm/.+\\.js$': swc,
};
const pageModules = {
  '^tdesign-miniprogram/(.*)$': '<rootDir>/miniprogram/miniprogram_npm/tdesign-miniprogram/$1',
};

module.exports = {
  globalSetup: '<rootDir>/test/global-setup.js',
  // jest reads testTimeout from the top level only; the projects' own values below are not applied
  testTimeout: process.env.JXM_FAULTS === '1' ? 600000 : 30000,
  projects: [
    {
      displayName: 'cloud',
      testEnvironment: 'node',
      roots: ['<rootDir>/test'],
      testMatch: ['<rootDir>/test/unit/**/*.test.ts', '<rootDir>/test/integration/**/*.test.ts'],
      transform: { '^.+\\.ts$': swc },
      setupFiles: ['<rootDir>/test/setup-console.js'],
      testTimeout: 30000,
    },
    {
      // the mini-program's pages through miniprogram-simulate, the official compiler and the real TDesign
      displayName: 'pages',
      testEnvironment: 'jsdom',
      roots: ['<rootDir>/test'],
      testMatch: ['<rootDir>/test/pages/**/*.test.ts'],
      transform: pageTransform,
      moduleNameMapper: pageModules,
      setupFiles: ['<rootDir>/test/setup-console.js'],
      testTimeout: 30000,
    },
    // the long fault-injection suites: npm run test:faults
    ...(process.env.JXM_FAULTS === '1'
      ? [
          {
            displayName: 'faults',
            testEnvironment: 'node',
            roots: ['<rootDir>/test'],
            testMatch: ['<rootDir>/test/fault/**/*.test.ts'],
            transform: { '^.+\\.ts$': swc },
            setupFiles: ['<rootDir>/test/setup-console.js'],
            testTimeout: 600000,
          },
        ]
      : []),
    // photographs of the pages' main states: npm run shots (tools/shots/capture.js)
    ...(process.env.JXM_SHOTS === '1'
      ? [
          {
            displayName: 'shots',
            testEnvironment: 'jsdom',
            roots: ['<rootDir>/test'],
            testMatch: ['<rootDir>/test/shots/**/*.shots.ts'],
            transform: pageTransform,
            moduleNameMapper: pageModules,
            setupFiles: ['<rootDir>/test/setup-console.js'],
            testTimeout: 30000,
          },
        ]
      : []),
  ],
};
