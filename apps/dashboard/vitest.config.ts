/**
 * The dashboard's vitest project (`dashboard`): component tests in jsdom. Files that need Node only
 * (the generated-client staleness check) opt out with `// @vitest-environment node`.
 */
import { defineProject } from 'vitest/config';
import react from '@vitejs/plugin-react';

export default defineProject({
  plugins: [react()],
  test: {
    name: 'dashboard',
    environment: 'jsdom',
    include: ['src/**/*.test.{ts,tsx}'],
    setupFiles: ['src/test/setup.ts'],
  },
});
