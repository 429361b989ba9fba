// `pnpm start "phí ship đi tỉnh"`: indexes ./docs into a temporary folder and prints the best chunks.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { indexFolder } from './index-folder';

const query = process.argv.slice(2).join(' ') || 'phí ship đi tỉnh bao nhiêu';
const dataDir = await mkdtemp(join(tmpdir(), 'rag-only-'));
try {
  const { knowledge, files } = await indexFolder({ docsDir: fileURLToPath(new URL('../docs', import.meta.url)), dataDir });
  console.log('Đã lập chỉ mục / indexed:', files.map((file) => `${file.name} (${file.kind ?? file.status}, ${file.chunks})`).join(', '));
  const { hits } = await knowledge.search({ namespace: 'shop', query, topK: 3 });
  console.log(`\nCâu hỏi / query: ${query}`);
  for (const [rank, hit] of hits.entries()) {
    console.log(`\n#${rank + 1} ${hit.sourceId}  score=${hit.score.toFixed(3)}\n${hit.text.slice(0, 240)}`);
  }
  if (hits.length === 0) console.log('Không tìm thấy nội dung liên quan / nothing relevant found');
  await knowledge.close();
} finally {
  await rm(dataDir, { recursive: true, force: true });
}
