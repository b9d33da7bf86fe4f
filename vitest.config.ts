import { availableParallelism } from 'node:os';
import { configDefaults, defineConfig } from 'vitest/config';

/** Every test file of the project. */
const ALL = ['test/**/*.test.ts', 'suites/**/*.test.ts'];

/**
 * Test files that mostly wait: on read-back windows, lagging, throttling and hanging targets, on child processes
 * (the CLI, npm pack and install, Prism, a nested vitest) and on servers on 127.0.0.1. Measured with /usr/bin/time on
 * `npx vitest run FILE`, each used 6 % to 35 % of one core over its run (CPU time / wall time); the long ones are split
 * into several files (test/variants-correct-*.test.ts, test/time-variants*.test.ts, test/interop*.test.ts) so that
 * they wait side by side. A file that is not listed here is in the computing group: add it here when it mostly waits.
 */
const WAITING = [
  'test/variants*.test.ts',
  'test/time-variants*.test.ts',
  'test/interop*.test.ts',
  'test/install*.test.ts',
  'test/aws-*.test.ts',
  'test/ci-example.test.ts',
  'test/vitest-adapter.test.ts',
  'test/cli-run.test.ts',
  'test/sdk-client.test.ts',
  'test/fixture-findings.test.ts',
];

const CORES = availableParallelism();

export default defineConfig({
  test: {
    // Property runs against the reference and a browser test are slower than unit tests.
    testTimeout: 60_000,
    hookTimeout: 60_000,
    pool: 'forks',
    env: { AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true' },
    // Two groups, one after the other (vitest runs projects of a lower groupOrder first; one worker count a group):
    // the files that wait, three workers a core, then the rest, one worker a core (vitest's default would leave
    // one core idle: one worker on a 2-core machine). `npx vitest run --project waiting` (or computing) runs one.
    projects: [
      { extends: true, test: { name: 'waiting', include: WAITING, maxWorkers: 3 * CORES, sequence: { groupOrder: 0 } } },
      {
        extends: true,
        test: {
          name: 'computing',
          include: ALL,
          exclude: [...configDefaults.exclude, ...WAITING],
          maxWorkers: CORES,
          sequence: { groupOrder: 1 },
        },
      },
    ],
  },
});
