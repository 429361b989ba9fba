import { retrieverContract, vectorStoreContract } from '@agent-chatbot/testkit';
import { afterAll } from 'vitest';
import { KnowledgeBase, LanceKnowledgeStore } from '../src/index';
import { tempDir } from './helpers/temp-dir';

const dir = tempDir();
afterAll(() => dir.remove());

vectorStoreContract({
  name: 'lancedb',
  create: () => new LanceKnowledgeStore({ uri: `${dir.path}/vector-store` }),
  cleanup: (store) => (store as LanceKnowledgeStore).close(),
});

retrieverContract({
  name: 'rag hybrid (bm25, no embedding model)',
  create: () => {
    const kb = new KnowledgeBase({ storage: { uri: `${dir.path}/retriever` } });
    return {
      retriever: kb.retriever,
      async seed(namespace, documents) {
        const results = await kb.ingestDocuments({
          namespace,
          documents: documents.map((doc) => ({ sourceId: doc.sourceId, name: doc.sourceId, content: doc.text, format: 'txt' as const, metadata: doc.metadata })),
        });
        const failed = results.find((result) => result.error);
        if (failed) throw failed.error;
      },
      cleanup: () => kb.close(),
    };
  },
});
