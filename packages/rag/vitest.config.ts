import { defineProject } from 'vitest/config';

export default defineProject({
  // LanceDB writes and PDF parsing are slow on a busy 2-core machine; 5 s is too tight.
  test: { name: 'rag', testTimeout: 20_000, hookTimeout: 30_000 },
});
