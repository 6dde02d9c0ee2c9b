/** Jest runs the TypeScript sources directly through ts-jest; network other than loopback is blocked in test/support/setup-network.ts. */
module.exports = {
  testEnvironment: "node",
  // nock's fetch interceptor lives on the global scope for the whole run (it is what blocks non-loopback network).
  testEnvironmentOptions: { globalsCleanup: "off" },
  roots: ["<rootDir>/test"],
  testMatch: ["**/*.test.ts"],
  transform: { "^.+\\.ts$": ["ts-jest", { tsconfig: "tsconfig.json" }] },
  setupFiles: ["<rootDir>/test/support/setup-network.ts"],
  // Generous: a loaded CI machine is slow; no test asserts speed, so this only bounds a hung test.
  testTimeout: 120000,
  maxWorkers: 2,
  reporters: ["default", "<rootDir>/test/support/summary-reporter.js"],
};
