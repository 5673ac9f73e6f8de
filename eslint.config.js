// @ts-check
const tseslint = require('typescript-eslint');

module.exports = tseslint.config(
  {
    ignores: [
      'node_modules/',
      'miniprogram/miniprogram_npm/',
      'miniprogram/*/miniprogram_npm/',
      'cloudfunctions/*/index.js',
      'tools/*/dist/',
      '.data/',
      'coverage/',
      'bench/results/',
    ],
  },
  ...tseslint.configs.recommended,
  {
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      'no-console': 'off',
    },
  },
  {
    files: ['**/*.js'],
    rules: { '@typescript-eslint/no-require-imports': 'off' },
  },
  {
    // miniprogram/core is pure: shared by the mini-program and the cloud functions, so no wx, no Node, no SDK
    // (admin/core and scanner/core too: the subpackages' own pure code, kept out of the main package)
    files: ['miniprogram/core/**/*.ts', 'miniprogram/admin/core/**/*.ts', 'miniprogram/scanner/core/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              group: ['node:*', 'wx-server-sdk', 'fs', 'crypto', 'path'],
              message: 'miniprogram/core must stay pure',
            },
            {
              group: ['**/cloudfunctions/**', '**/services/**', '**/pages/**'],
              message: 'core depends on nothing',
            },
          ],
        },
      ],
      'no-restricted-globals': [
        'error',
        { name: 'wx', message: 'miniprogram/core must stay pure: pass values in' },
        { name: 'process', message: 'miniprogram/core must stay pure' },
        { name: 'require', message: 'miniprogram/core must stay pure' },
        { name: 'Buffer', message: 'miniprogram/core must stay pure' },
        { name: 'getApp', message: 'miniprogram/core must stay pure' },
      ],
    },
  },
);
