import { defineConfig } from 'tsup';

// The runtime bundles the workspace's @agent-chatbot/* packages from source (their workspace
// `exports` point at src/), and keeps every third-party dependency external.
export default defineConfig({
  entry: {
    cli: 'src/cli.ts',
    'pglite-template-build': 'src/db/pglite-template-build.ts',
    'pglite-template-worker': 'src/db/pglite-template-worker.ts',
  },
  format: ['esm'],
  target: 'node22',
  sourcemap: true,
  clean: true,
  noExternal: [/^@agent-chatbot\//],
  dts: false,
});
