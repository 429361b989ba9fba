import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    projects: ['packages/*', 'apps/runtime', 'apps/dashboard', 'examples/custom-channel', 'examples/custom-provider', 'examples/express-embed', 'examples/rag-only'],
    pool: 'forks',
    maxWorkers: 2,
    testTimeout: 30_000,
    hookTimeout: 60_000,
  },
});
