import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    // One real Asterisk for the live suite (ASTERISK_AMI_URL or testcontainers), shared by its files.
    globalSetup: ['test/live/globalSetup.ts'],
    // Generous: the end-to-end tests run calls in real time on a 2-core machine shared by two workers.
    testTimeout: 30_000,
    hookTimeout: 30_000,
    // Unhandled rejections fail the run: the library promises never to leave one behind.
    dangerouslyIgnoreUnhandledErrors: false,
  },
});
