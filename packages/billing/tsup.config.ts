import { defineConfig } from 'tsup';

export default defineConfig({
  entry: { index: "src/index.ts", "pg/index": "src/pg/index.ts", pdf: "src/pdf.ts" },
  format: ['esm', 'cjs'],
  dts: true,
  sourcemap: true,
  clean: true,
  target: 'node22',
});
