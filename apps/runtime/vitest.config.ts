import { defineProject } from 'vitest/config';
import { ASYNC_CONTEXT_FRAME_FLAG } from './src/cli/process-settings';

export default defineProject({
  // Many suites open PGlite in beforeAll (initdb in WebAssembly: 2–9 s on a busy 2-core machine),
  // so hooks get the root config's 60 s rather than vitest's 10 s default.
  // The tests run with AsyncLocalStorage over AsyncContextFrame, as `serve` and `worker` do
  // (src/cli/process-settings.ts, ADR 0021).
  test: {
    name: 'runtime',
    include: ['src/**/*.test.ts', 'test/**/*.test.ts'],
    testTimeout: 30_000,
    hookTimeout: 60_000,
    execArgv: [ASYNC_CONTEXT_FRAME_FLAG],
  },
});
