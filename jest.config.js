// Jest runs the TypeScript sources as native ES modules (node --experimental-vm-modules, see package.json),
// transformed by swc without type checking; `npm run check` type-checks.
//
// Two projects: `unit` needs nothing running; `platform` needs the local platform (real Redis, Kubernetes control
// plane, AWS emulator, registry, GitHub emulator), which its globalSetup starts once per run. Jest triggers a
// project's globalSetup only when at least one of its tests is selected, so a unit-only run starts nothing.
const base = {
  testEnvironment: 'node',
  extensionsToTreatAsEsm: ['.ts'],
  transform: {
    '^.+\\.ts$': ['@swc/jest', { jsc: { parser: { syntax: 'typescript' }, target: 'es2022' }, module: { type: 'es6' } }],
  },
  // Sources import siblings as './x.js' (NodeNext); map those back to the .ts file.
  moduleNameMapper: { '^(\\.{1,2}/.*)\\.js$': '$1' },
};

/** @type {import('jest').Config} */
export default {
  testTimeout: 120_000,
  projects: [
    {
      ...base,
      displayName: 'unit',
      testMatch: ['<rootDir>/test/unit/**/*.test.ts', '<rootDir>/{core,kustomize}/**/*.test.ts'],
    },
    {
      ...base,
      displayName: 'platform',
      testMatch: ['<rootDir>/test/{platform,integration,e2e}/**/*.test.ts'],
      globalSetup: '<rootDir>/test/platform/jest-global-setup.js',
      globalTeardown: '<rootDir>/test/platform/jest-global-teardown.js',
    },
  ],
};
