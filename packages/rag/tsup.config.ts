import { defineConfig } from 'tsup';

export default defineConfig([
  {
    entry: ['src/index.ts'],
    format: ['esm', 'cjs'],
    dts: true,
    sourcemap: true,
    clean: true,
    target: 'node22',
    // import.meta.url (used to find the extraction worker) in the CommonJS build too.
    shims: true,
  },
  {
    // The extraction worker thread: one self-contained ESM file (core bundled in, since the
    // workspace's core resolves to TypeScript sources a plain worker cannot load).
    entry: { 'extraction-worker': 'src/extraction/worker-entry.ts' },
    format: ['esm'],
    sourcemap: true,
    clean: false,
    target: 'node22',
    noExternal: ['@agent-chatbot/core'],
  },
]);
