import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['machines/**/*.test.ts', 'properties/**/*.test.ts', 'engine/**/*.test.ts', 'cli/**/*.test.ts', 'explorer/**/*.test.ts', 'conformance/**/*.test.ts', 'reference-server/**/*.test.ts'],
    testTimeout: 60_000,
    pool: 'forks',
  },
});
