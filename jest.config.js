/** @type {import('jest').Config} */
const swc = [
  '@swc/jest',
  { jsc: { parser: { syntax: 'typescript' }, target: 'es2022' }, module: { type: 'commonjs' } },
];

module.exports = {
  globalSetup: '<rootDir>/test/global-setup.js',
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
      transform: {
        '^.+\\.ts$': swc,
        // TDesign ships ES modules into miniprogram_npm
        'miniprogram_npm/.+\\.js$': swc,
      },
      moduleNameMapper: {
        '^tdesign-miniprogram/(.*)$': '<rootDir>/miniprogram/miniprogram_npm/tdesign-miniprogram/$1',
      },
      setupFiles: ['<rootDir>/test/setup-console.js'],
      testTimeout: 30000,
    },
  ],
};
