import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { createKnowledgeBase, type KnowledgeBase } from '@agent-chatbot/rag';

/** What {@link indexFolder} did with each file. */
export interface IndexedFile {
  readonly name: string;
  readonly status: 'ready' | 'unchanged' | 'failed';
  /** `text`, `faq`, `products` or `table`. */
  readonly kind?: string;
  readonly chunks: number;
  readonly error?: string;
}

/**
 * Opens an embedded knowledge base in `dataDir` (LanceDB files on disk, no server, no API key)
 * and indexes every file of `docsDir` into `namespace`. Formats come from the extensions: .md,
 * .txt, .csv (a product list becomes product cards), .pdf, .docx, .xlsx.
 */
export async function indexFolder(options: { docsDir: string; dataDir: string; namespace?: string }): Promise<{ knowledge: KnowledgeBase; files: IndexedFile[] }> {
  const knowledge = createKnowledgeBase({ storage: { uri: options.dataDir } });
  const names = (await readdir(options.docsDir)).sort();
  const documents = await Promise.all(names.map(async (name) => ({ sourceId: name, name, content: await readFile(join(options.docsDir, name)) })));
  const results = await knowledge.ingestDocuments({ namespace: options.namespace ?? 'shop', documents });
  const files = results.map((result) => ({
    name: result.sourceId,
    status: result.status,
    ...(result.kind ? { kind: result.kind } : {}),
    chunks: result.chunkCount,
    ...(result.error ? { error: result.error.message } : {}),
  }));
  return { knowledge, files };
}
