import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    testTimeout: 60_000,
    hookTimeout: 60_000,
    // ffmpeg processes are heavy on 2 cores; keep suites from starving each other.
    maxWorkers: 2,
  },
});
