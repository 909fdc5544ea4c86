// Two projects: unit tests live beside each package; integration tests under tests/ drive real processes.
// Both resolve @conman/* to sources so tests never depend on a stale build; processes spawned by
// integration tests run the built dist (the test command builds first).
// test-support has no build at all: tests are its only users (docs/architecture.md, Build and tests).
const packages = ['core', 'runtime', 'mongo-embedded', 'db', 'git', 'auth', 'jobs', 'api', 'test-support'];
const moduleNameMapper = Object.fromEntries(
  packages.map((name) => [`^@conman/${name}$`, `<rootDir>/packages/${name}/src/index.ts`]),
);
const shared = {
  rootDir: __dirname,
  testEnvironment: 'node',
  transform: { '^.+\\.ts$': ['@swc/jest', { jsc: { target: 'es2022' } }] },
  moduleNameMapper,
};

module.exports = {
  // Per-project `testTimeout` is ignored by Jest: a loaded 2-core machine needs more than the 5 s default.
  testTimeout: 30_000,
  reporters: ['default', '<rootDir>/tests/support/summary-reporter.js'],
  globalSetup: '<rootDir>/tests/support/global-setup.ts',
  globalTeardown: '<rootDir>/tests/support/global-teardown.ts',
  projects: [
    {
      ...shared,
      displayName: 'unit',
      testMatch: ['<rootDir>/packages/*/test/**/*.test.ts', '<rootDir>/apps/*/test/**/*.test.ts'],
    },
    {
      ...shared,
      displayName: 'integration',
      // Integration tests start real server, worker and dependency processes (jest.setTimeout there).
      setupFilesAfterEnv: ['<rootDir>/tests/support/integration-timeout.ts'],
      testMatch: ['<rootDir>/tests/**/*.test.ts'],
    },
  ],
};
