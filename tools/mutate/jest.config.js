// @ts-check
/**
 * The jest configuration of `npm run mutate` (tools/mutate/mutate.js sets JXM_MUTATE_AREA): one flat project (the
 * Stryker jest runner does not look into `projects`), the area's tests only, the same transform as jest.config.js.
 */
const path = require('node:path');
const { AREAS } = require('./areas');

const root = path.resolve(__dirname, '..', '..');
const area = AREAS[process.env.JXM_MUTATE_AREA ?? ''];
if (!area)
  throw new Error(`JXM_MUTATE_AREA must name an area of tools/mutate/areas.js (${Object.keys(AREAS)})`);

/** @type {import('jest').Config} */
module.exports = {
  rootDir: root,
  roots: ['<rootDir>/test'],
  testEnvironment: path.join(__dirname, 'jest-environment.js'),
  testMatch: area.tests.map((glob) => `<rootDir>/${glob}`),
  testPathIgnorePatterns: ['/node_modules/', ...(area.ignoreTests ?? []).map((file) => `<rootDir>/${file}`)],
  transform: {
    '^.+\\.ts$': [
      '@swc/jest',
      { jsc: { parser: { syntax: 'typescript' }, target: 'es2022' }, module: { type: 'commonjs' } },
    ],
  },
  setupFiles: ['<rootDir>/test/setup-console.js'],
  ...(area.bundles ? { globalSetup: path.join(__dirname, 'global-setup.js') } : {}),
  testTimeout: 30000,
};
