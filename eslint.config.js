import js from '@eslint/js';
import prettier from 'eslint-config-prettier';
import globals from 'globals';
import tseslint from 'typescript-eslint';

const nodeBuiltins = [
  'node:*',
  'fs',
  'fs/*',
  'path',
  'os',
  'child_process',
  'http',
  'https',
  'net',
  'crypto',
  'url',
  'util',
  'stream',
  'events',
];

/** One rule per folder: a layer may import only what its runtime can run (STYLE.md). */
const boundary = (patterns) => ({
  '@typescript-eslint/no-restricted-imports': ['error', { patterns }],
});

export default tseslint.config(
  {
    ignores: [
      'out/**',
      'dist/**',
      'node_modules/**',
      '.reports/**',
      'test-results/**',
      'playwright-report/**',
      'bench/results.json',
    ],
  },
  js.configs.recommended,
  ...tseslint.configs.recommendedTypeChecked,
  {
    languageOptions: {
      parserOptions: {
        projectService: { allowDefaultProject: ['eslint.config.js'] },
        tsconfigRootDir: import.meta.dirname,
      },
      globals: { ...globals.es2023 },
    },
    rules: {
      '@typescript-eslint/consistent-type-imports': ['error', { fixStyle: 'inline-type-imports' }],
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/only-throw-error': 'error',
    },
  },
  {
    files: ['eslint.config.js'],
    ...tseslint.configs.disableTypeChecked,
    languageOptions: { globals: globals.node },
  },
  {
    files: ['renderer/**'],
    languageOptions: { globals: globals.browser },
    rules: boundary([
      {
        group: ['electron', ...nodeBuiltins],
        message: 'renderer/ runs in the sandboxed page: no Electron, no Node. Go through the host (renderer/host).',
      },
      {
        group: ['**/main/**', '**/preload/**', '**/server/**'],
        message: 'renderer/ may import only renderer/ and shared/.',
      },
    ]),
  },
  {
    files: ['shared/**'],
    rules: boundary([
      { group: ['electron', ...nodeBuiltins], message: 'shared/ is runtime-neutral: no Electron, no Node.' },
      {
        group: ['react', 'react-dom', 'react/*', 'zustand', 'dexie', 'socket.io*'],
        message: 'shared/ holds contracts and pure logic, no UI or transport libraries.',
      },
      {
        group: ['**/main/**', '**/preload/**', '**/renderer/**', '**/server/**'],
        message: 'shared/ imports only shared/ and zod.',
      },
    ]),
  },
  {
    files: ['preload/**'],
    languageOptions: { globals: globals.browser },
    rules: boundary([
      {
        regex: '^(?!electron$|\\.\\./shared/).*',
        message: 'preload/ imports only electron and types from shared/ (it is one sandboxed bundle).',
      },
      {
        regex: '^\\.\\./shared/',
        allowTypeImports: true,
        message: 'preload/ may import only types from shared/; keep runtime code in main.',
      },
    ]),
  },
  {
    files: ['main/**'],
    languageOptions: { globals: globals.node },
    rules: boundary([
      {
        group: ['**/renderer/**', '**/preload/**', '**/server/**', 'react', 'react-dom'],
        message: 'main/ may import only main/, shared/, Electron and Node.',
      },
    ]),
  },
  {
    files: ['server/**'],
    languageOptions: { globals: globals.node },
    rules: boundary([
      { group: ['electron'], message: 'server/ is a plain Node service.' },
      {
        group: ['**/renderer/**', '**/preload/**', '**/main/**', 'react', 'react-dom'],
        message: 'server/ may import only server/ and shared/.',
      },
    ]),
  },
  {
    files: ['scripts/**', 'tests/**', 'bench/**', '*.config.ts'],
    languageOptions: { globals: globals.node },
  },
  {
    files: ['**/*.test.ts', '**/*.test.tsx', 'tests/**'],
    rules: {
      '@typescript-eslint/unbound-method': 'off',
      '@typescript-eslint/require-await': 'off',
    },
  },
  prettier,
);
