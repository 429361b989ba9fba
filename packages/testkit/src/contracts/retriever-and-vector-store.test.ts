import type { MetadataFilterV1, RetrievedChunkV1, RetrieverV1, VectorRecordV1, VectorStoreV1 } from '@agent-chatbot/core';
import { describe, expect, it } from 'vitest';
import { contractCatches } from './mutants.test-support';
import { retrieverContract, retrieverContractCases, retrieverContractFixture, type RetrieverContractSubject } from './retriever';
import { vectorStoreContract, vectorStoreContractCases, vectorStoreContractFixture } from './vector-store';

function matchesFilter(metadata: Record<string, unknown>, filter: MetadataFilterV1 | undefined): boolean {
  if (!filter) return true;
  return Object.entries(filter).every(([field, expected]) =>
    Array.isArray(expected) ? expected.includes(metadata[field] as string | number) : metadata[field] === expected,
  );
}

interface RetrieverBugs {
  ignoresNamespace?: boolean;
  ignoresTopK?: boolean;
  keepsZeroScores?: boolean;
  worstFirst?: boolean;
  ignoresFilter?: boolean;
}

const tokenize = (text: string): string[] => text.normalize('NFC').toLowerCase().match(/[\p{L}\p{N}]+/gu) ?? [];

/** A small idf-weighted term-overlap retriever: the reference that must pass the suite, plus bugs. */
function referenceRetriever(bugs: RetrieverBugs = {}): RetrieverContractSubject {
  const namespaces = new Map<string, Array<Omit<RetrievedChunkV1, 'score'>>>();
  const retriever: RetrieverV1 = {
    specificationVersion: 'v1',
    provider: 'reference',
    async doRetrieve({ namespace, query, topK, filter }) {
      const documents = bugs.ignoresNamespace ? [...namespaces.values()].flat() : (namespaces.get(namespace) ?? []);
      const candidates = documents.filter((document) => bugs.ignoresFilter || matchesFilter(document.metadata, filter));
      const terms = new Set(tokenize(query));
      const scored = candidates.map((document) => {
        const words = new Set(tokenize(document.text));
        let score = 0;
        for (const term of terms) {
          if (!words.has(term)) continue;
          const frequency = documents.filter((other) => tokenize(other.text).includes(term)).length;
          score += Math.log(1 + documents.length / frequency);
        }
        return { ...document, score };
      });
      const relevant = scored.filter((chunk) => bugs.keepsZeroScores || chunk.score > 0);
      relevant.sort((a, b) => (bugs.worstFirst ? a.score - b.score : b.score - a.score));
      return { chunks: bugs.ignoresTopK ? relevant : relevant.slice(0, topK), warnings: [] };
    },
  };
  return {
    retriever,
    async seed(namespace, documents) {
      namespaces.set(namespace, [...(namespaces.get(namespace) ?? []), ...documents.map((document) => ({ ...document }))]);
    },
  };
}

retrieverContract({ name: 'reference (testkit self-test)', create: () => referenceRetriever() });

const retrieverMutants: Array<[bug: string, bugs: RetrieverBugs, caughtBy: string]> = [
  ['searches every namespace', { ignoresNamespace: true }, 'a namespace never returns another namespace’s chunks'],
  ['ignores topK', { ignoresTopK: true }, 'topK is respected'],
  ['returns chunks with no relevance', { keepsZeroScores: true }, 'a nonsense query returns no chunks'],
  ['ranks worst first', { worstFirst: true }, 'the relevant document ranks first for a targeted query'],
  ['ignores metadata filters', { ignoresFilter: true }, 'metadata filters restrict the results'],
];

describe('retrieverContract catches broken retrievers', () => {
  it.each(retrieverMutants)('a retriever that %s fails the suite', async (_bug, bugs, caughtBy) => {
    expect(await contractCatches(retrieverContractCases, caughtBy, retrieverContractFixture({ create: () => referenceRetriever(bugs) }))).toBe(true);
  });
});

interface VectorStoreBugs {
  appendsDuplicates?: boolean;
  upsertOverwritesNamespace?: boolean;
  deletesAllSources?: boolean;
  ignoresNamespace?: boolean;
  ignoresTopK?: boolean;
  farthestFirst?: boolean;
  dropsEverything?: boolean;
}

const cosine = (a: number[], b: number[]) => {
  let dot = 0;
  let normA = 0;
  let normB = 0;
  a.forEach((value, index) => {
    dot += value * (b[index] ?? 0);
    normA += value * value;
    normB += (b[index] ?? 0) ** 2;
  });
  return normA === 0 || normB === 0 ? 0 : dot / Math.sqrt(normA * normB);
};

/** A cosine-similarity store over arrays: the reference that must pass the suite, plus bugs. */
function referenceVectorStore(bugs: VectorStoreBugs = {}): VectorStoreV1 {
  const namespaces = new Map<string, VectorRecordV1[]>();
  const space = (namespace: string) => (bugs.ignoresNamespace ? 'shared' : namespace);
  const recordsOf = (namespace: string) => namespaces.get(space(namespace)) ?? [];
  return {
    specificationVersion: 'v1',
    provider: 'reference',
    async upsert({ namespace, records }) {
      const incoming = records.map((record) => structuredClone(record));
      const kept = bugs.upsertOverwritesNamespace
        ? []
        : recordsOf(namespace).filter((old) => bugs.appendsDuplicates || !incoming.some((record) => record.id === old.id));
      namespaces.set(space(namespace), [...kept, ...incoming]);
    },
    async deleteBySource({ namespace, sourceId }) {
      const records = recordsOf(namespace);
      const kept = bugs.deletesAllSources ? [] : records.filter((record) => record.sourceId !== sourceId);
      namespaces.set(space(namespace), kept);
      return records.length - kept.length;
    },
    async doQuery({ namespace, embedding, topK, filter }) {
      const hits = recordsOf(namespace)
        .filter((record) => matchesFilter(record.metadata, filter))
        .map(({ id, sourceId, text, metadata, embedding: vector }) => ({ id, sourceId, text, metadata, score: cosine(vector ?? [], embedding) }))
        .sort((a, b) => (bugs.farthestFirst ? a.score - b.score : b.score - a.score));
      return bugs.ignoresTopK ? hits : hits.slice(0, topK);
    },
    async dropNamespace({ namespace }) {
      if (bugs.dropsEverything) namespaces.clear();
      else namespaces.delete(space(namespace));
    },
  };
}

vectorStoreContract({ name: 'reference (testkit self-test)', create: () => referenceVectorStore() });

const vectorStoreMutants: Array<[bug: string, bugs: VectorStoreBugs, caughtBy: string]> = [
  ['appends a second copy on re-upsert', { appendsDuplicates: true }, 'upsert is idempotent by id (the later version replaces the earlier)'],
  ['overwrites the namespace on upsert', { upsertOverwritesNamespace: true }, 'two upserts of different ids keep both batches'],
  ['deletes every source', { deletesAllSources: true }, 'deleteBySource removes exactly that source and returns the count'],
  ['shares one space between namespaces', { ignoresNamespace: true }, 'namespaces are isolated (queries, upserts and deletes)'],
  ['ignores topK', { ignoresTopK: true }, 'topK is respected'],
  ['returns the farthest first', { farthestFirst: true }, 'query returns the nearest records first, with their stored fields'],
  ['drops every namespace', { dropsEverything: true }, 'dropNamespace (when implemented) removes only that namespace'],
];

describe('vectorStoreContract catches broken stores', () => {
  it.each(vectorStoreMutants)('a store that %s fails the suite', async (_bug, bugs, caughtBy) => {
    expect(await contractCatches(vectorStoreContractCases, caughtBy, vectorStoreContractFixture({ create: () => referenceVectorStore(bugs) }))).toBe(true);
  });
});
