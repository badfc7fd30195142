// Lint rules, including DESIGN.md's dependency direction, checked mechanically:
//   webhook/, worker/, cli/  ->  adapters/, kustomize/  ->  core/      (never the other way)
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

/** Node built-ins and every npm package are I/O or SDKs as far as core/ is concerned, but zod and @noble/hashes (pure computation). */
const noIoInCore = {
  patterns: [
    { group: ['../adapters/*', '../../adapters/*', '**/adapters/**'], message: 'core/ must not import adapters/ (DESIGN.md: dependencies point inward).' },
    { group: ['**/worker/**', '**/webhook/**', '**/cli/**', '**/kustomize/**', '**/test/**'], message: 'core/ imports nothing outside core/.' },
    { regex: '^(?!\\.|zod$|@noble/hashes/)', message: 'core/ is pure: it may import only core/ files, zod and @noble/hashes (no SDK, no Node I/O).' },
  ],
};
const inwardOnly = (forbidden, why) => ({
  patterns: forbidden.map((dir) => ({ group: [`**/${dir}/**`], message: why })),
});

export default tseslint.config(
  { ignores: ['dist/**', 'node_modules/**', 'coverage/**', 'test/**/cases/**', 'test/**/fixtures/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { globals: { process: 'readonly', console: 'readonly', setTimeout: 'readonly', clearTimeout: 'readonly', setInterval: 'readonly', clearInterval: 'readonly', Buffer: 'readonly', URL: 'readonly', AbortController: 'readonly', AbortSignal: 'readonly', fetch: 'readonly', performance: 'readonly' } },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/consistent-type-imports': 'error',
    },
  },
  { files: ['core/**/*.ts'], ignores: ['core/**/*.test.ts'], rules: { 'no-restricted-imports': ['error', noIoInCore] } },
  {
    files: ['kustomize/**/*.ts'],
    rules: { 'no-restricted-imports': ['error', inwardOnly(['adapters', 'worker', 'webhook', 'cli'], 'kustomize/ is a library over core/: it must not import adapters/ or the services.')] },
  },
  {
    files: ['adapters/**/*.ts'],
    rules: { 'no-restricted-imports': ['error', inwardOnly(['worker', 'webhook', 'cli'], 'adapters/ must not import the services (worker/, webhook/, cli/).')] },
  },
);
