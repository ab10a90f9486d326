import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    // One real Asterisk for the live suite (ASTERISK_AMI_URL or testcontainers), shared by its files.
    globalSetup: ['test/live/globalSetup.ts'],
    testTimeout: 20_000,
    hookTimeout: 20_000,
    // Unhandled rejections fail the run: the library promises never to leave one behind.
    dangerouslyIgnoreUnhandledErrors: false,
  },
});
