import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['layers.test.ts', 'machines/**/*.test.ts', 'properties/**/*.test.ts', 'random/**/*.test.ts', 'check/**/*.test.ts', 'bench/**/*.test.ts', 'cli/**/*.test.ts', 'explorer/**/*.test.ts', 'conformance/**/*.test.ts', 'reference-server/**/*.test.ts'],
    testTimeout: 60_000,
    pool: 'forks',
    // the Management API token the tests' reference servers require and their clients send
    env: { N2W_MANAGEMENT_TOKEN: 'n2w-test-management-token' },
  },
});
