// Jest runs the TypeScript sources as native ES modules (node --experimental-vm-modules, see package.json),
// transformed by swc without type checking; `npm run check` type-checks.
/** @type {import('jest').Config} */
export default {
  testEnvironment: 'node',
  extensionsToTreatAsEsm: ['.ts'],
  transform: {
    '^.+\\.ts$': ['@swc/jest', { jsc: { parser: { syntax: 'typescript' }, target: 'es2022' }, module: { type: 'es6' } }],
  },
  // Sources import siblings as './x.js' (NodeNext); map those back to the .ts file.
  moduleNameMapper: { '^(\\.{1,2}/.*)\\.js$': '$1' },
  testMatch: ['<rootDir>/test/**/*.test.ts', '<rootDir>/{core,adapters,kustomize,webhook,worker,cli}/**/*.test.ts'],
  globalSetup: '<rootDir>/test/platform/jest-global-setup.ts',
  globalTeardown: '<rootDir>/test/platform/jest-global-teardown.ts',
  testTimeout: 120_000,
};
