import { execFileSync } from 'node:child_process';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { tempDir } from './helpers/temp-dir';

const dir = tempDir();
afterAll(() => dir.remove());

const here = dirname(fileURLToPath(import.meta.url));
// tsx (root devDependency) loads the TypeScript sources in a fresh process: vitest's own worker
// may already have LanceDB's native library mapped from another test file.
const tsxLoader = createRequire(join(here, '../../../package.json')).resolve('tsx');

/** Runs `body` (an async module body) in a fresh Node process and returns what it printed. */
function runFresh(body: string): string {
  const script = `
    import { readFileSync } from 'node:fs';
    const lanceMapped = () => readFileSync('/proc/self/maps', 'utf8').includes('lancedb');
    ${body}
  `;
  return execFileSync(process.execPath, ['--import', tsxLoader, '--input-type=module', '-e', script], { cwd: here, encoding: 'utf8', timeout: 60_000 }).trim();
}

describe.runIf(process.platform === 'linux')('LanceDB is loaded on first use', () => {
  it('importing @agent-chatbot/rag does not load the native library; the first store operation does', () => {
    const out = runFresh(`
      const { KnowledgeBase } = await import(${JSON.stringify(join(here, '../src/index.ts'))});
      const kb = new KnowledgeBase({ storage: { uri: ${JSON.stringify(join(dir.path, 'lazy'))} } });
      const before = lanceMapped();
      const results = await kb.ingestDocuments({ namespace: 'shop', documents: [{ sourceId: 'doc:1', name: 'a.txt', content: 'Áo khoác gió giá 350.000đ', format: 'txt' }] });
      const { hits } = await kb.search({ namespace: 'shop', query: 'áo khoác gió' });
      console.log(JSON.stringify({ before, after: lanceMapped(), error: results[0]?.error?.message ?? null, hits: hits.length }));
      await kb.close();
    `);
    const result = JSON.parse(out.split('\n').at(-1)!) as { before: boolean; after: boolean; error: string | null; hits: number };
    expect(result).toEqual({ before: false, after: true, error: null, hits: expect.any(Number) });
    expect(result.hits).toBeGreaterThan(0);
  });
});
