import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['layers.test.ts', 'machines/**/*.test.ts', 'properties/**/*.test.ts', 'random/**/*.test.ts', 'check/**/*.test.ts', 'bench/**/*.test.ts', 'cli/**/*.test.ts', 'explorer/**/*.test.ts', 'conformance/**/*.test.ts', 'reference-server/**/*.test.ts'],
    testTimeout: 120_000,
    // two files at a time (below) share the 2 cores: a hook that runs a check gets more than vitest's 10 s
    hookTimeout: 180_000,
    pool: 'forks',
    // vitest's default is one file at a time on 2 cores (cores - 1); many files run one thread of their own
    maxWorkers: 2,
    // the Management API token the tests' reference servers require and their clients send
    env: { N2W_MANAGEMENT_TOKEN: 'n2w-test-management-token' },
  },
});
