import { defineConfig } from 'tsup';

export default defineConfig({
  entry: ["src/index.ts", "src/fake-llm/index.ts", "src/fake-channels/index.ts"],
  format: ['esm', 'cjs'],
  dts: true,
  sourcemap: true,
  clean: true,
  target: 'node22',
});
