import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

/**
 * `octostate`, `octostate/connection`, `octostate/pbx` and `octostate/diagram` (the package importing itself, as the
 * examples do) resolve to the sources, as `paths` in tsconfig.json makes them for tsx and tsc.
 */
const source = (path: string) => fileURLToPath(new URL(path, import.meta.url));
const SELF_REFERENCE = [
  { find: /^octostate$/, replacement: source('./src/index.ts') },
  { find: /^octostate\/connection$/, replacement: source('./src/connection/index.ts') },
  { find: /^octostate\/pbx$/, replacement: source('./src/pbx/index.ts') },
  { find: /^octostate\/diagram$/, replacement: source('./src/diagram/index.ts') },
];

/**
 * Test suites. `npm test` runs `unit` (everything in this process on the embedded PBX, under two
 * minutes with the type check); the longer suites have their own script, and CI (`.ci/run`) runs
 * them after it: `e2e` (files named `*.e2e.test.ts`, beside the code they test: the CLI, the
 * examples and the docs' snippets run as users run them, in processes of their own, and the
 * recorded scenarios replayed in real time against the embedded PBX), and, each in its own
 * folder, `live` (a real Asterisk), `scale` (thousands of calls, soak), `browser` (the inspector
 * page in headless Chromium), `cluster` (runtimes and PBXes in processes of their own, coordinated
 * through a `nats-server` the tests start).
 */
const LONG_SUITES = ['live', 'live-restart', 'scale', 'browser', 'cluster'];
const END_TO_END = 'test/**/*.e2e.test.ts';

export default defineConfig({
  resolve: { alias: SELF_REFERENCE },
  test: {
    // Generous: the end-to-end tests run calls in real time and start processes (tsx), on a 2-core
    // machine that may be busy with more than this run; a hang still fails, only later.
    testTimeout: 60_000,
    hookTimeout: 60_000,
    // Unhandled rejections fail the run: the library promises never to leave one behind.
    dangerouslyIgnoreUnhandledErrors: false,
    // So does an event sent to an actor that has stopped (see the file).
    setupFiles: ['test/support/staleSends.ts'],
    projects: [
      {
        extends: true,
        test: {
          name: 'unit',
          // Vitest's default is one worker less than the cores: one worker here. The files spend
          // most of their time waiting on the embedded PBX's clock (answer, playback), not on the
          // CPU, so four at once take a third of the time for the same CPU.
          maxWorkers: 4,
          include: ['test/**/*.test.ts'],
          exclude: [END_TO_END, ...LONG_SUITES.map((suite) => `test/${suite}/**`)],
        },
      },
      {
        extends: true,
        test: {
          name: 'e2e',
          // Processes that mostly wait on the embedded PBX's clock, as in `unit`.
          maxWorkers: 3,
          include: [END_TO_END],
          exclude: LONG_SUITES.map((suite) => `test/${suite}/**`),
        },
      },
      {
        extends: true,
        test: {
          name: 'live',
          include: ['test/live/**/*.test.ts'],
          // One real Asterisk for the live suite (ASTERISK_AMI_URL or testcontainers), shared by its files.
          globalSetup: ['test/live/globalSetup.ts'],
          // One file at a time: every runtime on that Asterisk sees every call, so two files'
          // handlers for the same extension would claim each other's calls.
          fileParallelism: false,
        },
      },
      {
        extends: true,
        test: {
          // Restarts the Asterisk under every session: run after `live`, alone (`npm run test:live`).
          name: 'live-restart',
          include: ['test/live-restart/**/*.test.ts'],
          globalSetup: ['test/live/globalSetup.ts'],
          fileParallelism: false,
        },
      },
      {
        extends: true,
        test: { name: 'browser', include: ['test/browser/**/*.test.ts'], testTimeout: 120_000 },
      },
      {
        extends: true,
        test: {
          name: 'scale',
          include: ['test/scale/**/*.test.ts'],
          testTimeout: 120_000,
          // One file at a time: each measures the runtime under a load of its own (event-loop
          // delay, memory), which a second file running beside it would distort.
          fileParallelism: false,
        },
      },
      {
        extends: true,
        test: {
          name: 'cluster',
          include: ['test/cluster/**/*.test.ts'],
          testTimeout: 180_000,
          hookTimeout: 60_000,
          // Each file starts several processes: one file at a time on a 2-core machine.
          fileParallelism: false,
        },
      },
    ],
  },
});
