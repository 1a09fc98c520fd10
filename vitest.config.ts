import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

// NOTE: every @cgar/* import resolves to the package's TypeScript source,
// so the whole suite runs without a build step.
const packages = fileURLToPath(new URL('./packages/', import.meta.url));

export default defineConfig({
  resolve: {
    alias: [
      { find: /^@cgar\/([a-z-]+)\/([a-z-]+)$/, replacement: `${packages}$1/src/$2.ts` },
      { find: /^@cgar\/([a-z-]+)$/, replacement: `${packages}$1/src/index.ts` },
    ],
  },
  test: {
    include: [
      'packages/*/src/**/*.test.ts',
      'test/**/*.test.ts',
      'examples/*/**/*.test.ts',
      'bench/**/*.test.ts',
    ],
    // NOTE: no test may pass or fail by wall time: a busy or slow machine only makes the suite
    // slower. A hang is caught by the CI job's own limit, not by a per-test stopwatch.
    testTimeout: 0,
    hookTimeout: 0,
    pool: 'forks',
  },
});
