import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    setupFiles: ['test/setup/opencv.ts'],
    testTimeout: 120_000,
    hookTimeout: 120_000,
    // Two cores: model and OpenCV tests are CPU-bound, so more forks only add contention.
    maxWorkers: 2,
  },
});
