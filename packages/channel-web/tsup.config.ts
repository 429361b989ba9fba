import { defineConfig } from 'tsup';

export default defineConfig({
  entry: ["src/index.ts","src/client/index.ts"],
  format: ['esm', 'cjs'],
  dts: true,
  sourcemap: true,
  clean: true,
  // import.meta.url (finding dist/widget/) also works in the CJS build.
  shims: true,
  target: 'node22',
});
