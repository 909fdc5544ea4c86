import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import prettier from 'eslint-config-prettier';
import globals from 'globals';

// SPEC §2.1: dependencies point downward only. Each entry lists what a layer must not import.
const layers = {
  core: [
    '@conman/*',
    'express',
    'mongodb',
    'bson',
    'ioredis',
    'bullmq',
    '@grpc/*',
    'winston',
    'argon2',
    'jsonwebtoken',
  ],
  'mongo-embedded': ['@conman/*'],
  db: ['@conman/git', '@conman/auth', '@conman/jobs', '@conman/api', '@conman/runtime'],
  git: ['@conman/db', '@conman/auth', '@conman/jobs', '@conman/api', '@conman/runtime'],
  auth: ['@conman/db', '@conman/git', '@conman/jobs', '@conman/api', '@conman/runtime'],
  jobs: ['@conman/auth', '@conman/api', '@conman/runtime'],
  api: ['@conman/runtime', 'mongodb', 'ioredis', 'bullmq'],
  runtime: ['@conman/db', '@conman/git', '@conman/auth', '@conman/jobs', '@conman/api'],
};

// A package is imported through its index only.
const indexOnly = {
  group: ['@conman/*/src/*', '@conman/*/dist/*'],
  message: 'Import a package through its index only.',
};
// Test helpers (packages/test-support) start databases and servers; production code never needs them.
const noTestSupport = {
  group: ['@conman/test-support', '@conman/test-support/*'],
  message: '@conman/test-support is for tests only; src/ may not import it.',
};
const restrictImports = (...patterns) => ({ 'no-restricted-imports': ['error', { patterns }] });

export default tseslint.config(
  { ignores: ['**/dist/**', '**/node_modules/**', '**/gen/**', '.conman-data/**', 'coverage/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  prettier,
  {
    languageOptions: { globals: { ...globals.node } },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      ...restrictImports(indexOnly),
    },
  },
  // A later entry replaces the rule's options, so each entry repeats the patterns that still apply.
  { files: ['**/src/**/*.ts', '**/src/**/*.js'], rules: restrictImports(indexOnly, noTestSupport) },
  ...Object.entries(layers).map(([name, banned]) => ({
    files: [`packages/${name}/src/**/*.ts`],
    rules: restrictImports(indexOnly, noTestSupport, {
      group: banned,
      message: `packages/${name} may not depend on this (SPEC §2.1 layering).`,
    }),
  })),
  // Tests read JSON responses of many shapes; typing each one would add noise, not safety.
  { files: ['tests/**/*.ts', '**/test/**/*.ts'], rules: { '@typescript-eslint/no-explicit-any': 'off' } },
  {
    files: ['**/*.js', '**/*.cjs'],
    languageOptions: { sourceType: 'commonjs' },
    rules: { '@typescript-eslint/no-require-imports': 'off' },
  },
);
