import { defineConfig } from 'vitest/config'

// Three layers: unit (domain + services, in-memory), integration (sandbox + DynamoDB Local, real HTTP)
// and browser (playwright-core driving Debian's chromium). Each test file fails on an unexpected console.error.
export default defineConfig({
  test: {
    setupFiles: ['test/support/fail-on-console-error.ts'],
    projects: [
      {
        extends: true,
        test: { name: 'unit', include: ['src/**/*.test.ts', 'app/**/*.test.ts', 'test/unit/**/*.test.ts'], environment: 'node' },
      },
      {
        extends: true,
        test: {
          // Integration (HTTP through the sandbox) and browser tests share one local world per run.
          name: 'system',
          include: ['test/integration/**/*.test.ts', 'test/browser/**/*.test.ts'],
          globalSetup: ['test/support/global-setup.ts'],
          fileParallelism: false,
          testTimeout: 60_000,
          hookTimeout: 120_000,
        },
      },
    ],
  },
})
