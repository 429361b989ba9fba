/**
 * Vite config: React + Tailwind, output in `dist/`, and in development a proxy that forwards the
 * API paths to the runtime (default http://127.0.0.1:8000, override with `RUNTIME_URL`), so the
 * dashboard and the API share one origin exactly as they do when the runtime serves the build.
 */
import { defineConfig } from 'vite';
import react from '@vitejs/plugin-react';
import tailwindcss from '@tailwindcss/vite';

const runtimeUrl = process.env['RUNTIME_URL'] ?? 'http://127.0.0.1:8000';
const proxied = ['/v1', '/openapi.json', '/docs', '/healthz', '/readyz'];

export default defineConfig({
  plugins: [react(), tailwindcss()],
  build: { outDir: 'dist', emptyOutDir: true, sourcemap: false },
  server: {
    port: 5173,
    proxy: Object.fromEntries(proxied.map((path) => [path, { target: runtimeUrl, changeOrigin: true }])),
  },
});
