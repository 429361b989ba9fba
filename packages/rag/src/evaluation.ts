import { randomUUID } from 'node:crypto';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { EmbeddingModelV1 } from '@agent-chatbot/core';
import { ValidationError } from '@agent-chatbot/core';
import { z } from 'zod';
import { KnowledgeBase } from './knowledge-base';
import type { RetrievalMode } from './retrieval/rag-retriever';

/** Options for {@link evaluateRetrieval}. */
export interface EvaluateRetrievalOptions {
  /** JSONL, one `{"id","text"}` per line; each line is ingested as one document. */
  readonly corpusPath: string;
  /** JSONL, one `{"id","text","relevant":[doc ids]}` per line. */
  readonly queriesPath: string;
  /** Default `'hybrid'` (lexical only when no embedding model is given). */
  readonly mode?: RetrievalMode;
  /** Documents ranked per query (default 100). */
  readonly k?: number;
  /** Adds the vector arm (hybrid mode) when given. */
  readonly embeddingModel?: EmbeddingModelV1;
  /** Use this knowledge base (a temporary namespace is created in it and dropped after). */
  readonly knowledgeBase?: KnowledgeBase;
  /** Write one `{"id","ranked":[…]}` line per query here. */
  readonly outputPath?: string;
}

/** Metrics and rankings of one evaluation run. */
export interface RetrievalEvaluation {
  /** Retrieval mode measured. */
  readonly mode: RetrievalMode;
  /** Questions asked. */
  readonly queries: number;
  /** Documents indexed. */
  readonly documents: number;
  /** Chunks indexed. */
  readonly chunks: number;
  /** Mean reciprocal rank of the first relevant document in the top 10. */
  readonly mrrAt10: number;
  /** Share of questions with a relevant document first. */
  readonly recallAt1: number;
  /** Share with a relevant document in the top 5. */
  readonly recallAt5: number;
  /** Share with a relevant document in the top 10. */
  readonly recallAt10: number;
  /** Per-query retrieval latency in milliseconds. */
  readonly latencyMs: { readonly p50: number; readonly p95: number };
  /** Time spent indexing. */
  readonly ingestSeconds: number;
  /** Ranked document ids per question (for error analysis). */
  readonly ranked: ReadonlyArray<{ readonly id: string; readonly ranked: string[] }>;
}

const corpusLine = z.object({ id: z.union([z.string(), z.number()]).transform(String), text: z.string() });
const queryLine = z.object({
  id: z.union([z.string(), z.number()]).transform(String),
  text: z.string(),
  relevant: z.array(z.union([z.string(), z.number()]).transform(String)),
});

async function readJsonl<T>(path: string, schema: z.ZodType<T>): Promise<T[]> {
  const lines = (await readFile(path, 'utf8')).split('\n').filter((line) => line.trim() !== '');
  return lines.map((line, index) => {
    const parsed = schema.safeParse(JSON.parse(line));
    if (!parsed.success) {
      throw new ValidationError(`${path}:${index + 1} is not a valid line`, `Dòng ${index + 1} của ${path} không hợp lệ`);
    }
    return parsed.data;
  });
}

const percentile = (sorted: readonly number[], p: number): number =>
  sorted.length === 0 ? 0 : sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!;

/**
 * Measures retrieval on a JSONL corpus and query set through the real pipeline: every corpus
 * line is ingested as one document into a temporary namespace, every query goes through the
 * same retriever the bot uses (relevance threshold off, so the ranking is complete), and
 * document ids are ranked best first without duplicates. The namespace is dropped afterwards.
 */
export async function evaluateRetrieval(options: EvaluateRetrievalOptions): Promise<RetrievalEvaluation> {
  const k = options.k ?? 100;
  const corpus = await readJsonl(options.corpusPath, corpusLine);
  const queries = await readJsonl(options.queriesPath, queryLine);
  const tempDir = options.knowledgeBase ? undefined : await mkdtemp(join(tmpdir(), 'rag-eval-'));
  const kb =
    options.knowledgeBase ??
    new KnowledgeBase({ storage: { uri: tempDir! }, ...(options.embeddingModel ? { embeddingModel: options.embeddingModel } : {}) });
  const namespace = `eval-${randomUUID()}`;
  const mode = options.mode ?? 'hybrid';
  try {
    const started = performance.now();
    const results = await kb.ingestDocuments({
      namespace,
      documents: corpus.map((doc) => ({ sourceId: doc.id, name: doc.id, content: doc.text, format: 'txt' as const })),
    });
    const ingestSeconds = (performance.now() - started) / 1000;
    const chunks = results.reduce((sum, result) => sum + result.chunkCount, 0);
    const ranked: Array<{ id: string; ranked: string[] }> = [];
    const latencies: number[] = [];
    let mrr = 0;
    let r1 = 0;
    let r5 = 0;
    let r10 = 0;
    for (const query of queries) {
      const t0 = performance.now();
      const { hits } = await kb.search({ namespace, query: query.text, mode, topK: Math.min(k * 3, 1000), minRelevance: 0 });
      latencies.push(performance.now() - t0);
      const ids = [...new Set(hits.map((hit) => hit.sourceId))].slice(0, k);
      ranked.push({ id: query.id, ranked: ids });
      const relevant = new Set(query.relevant);
      const first = ids.findIndex((id) => relevant.has(id));
      if (first >= 0 && first < 10) mrr += 1 / (first + 1);
      const recall = (n: number): number => (relevant.size === 0 ? 0 : ids.slice(0, n).filter((id) => relevant.has(id)).length / relevant.size);
      r1 += recall(1);
      r5 += recall(5);
      r10 += recall(10);
    }
    if (options.outputPath) await writeFile(options.outputPath, ranked.map((line) => JSON.stringify(line)).join('\n') + '\n');
    latencies.sort((a, b) => a - b);
    const n = Math.max(queries.length, 1);
    const round = (value: number): number => Math.round(value * 10_000) / 10_000;
    return {
      mode: mode === 'hybrid' && !kb.embeddingModel ? 'bm25' : mode,
      queries: queries.length,
      documents: corpus.length,
      chunks,
      mrrAt10: round(mrr / n),
      recallAt1: round(r1 / n),
      recallAt5: round(r5 / n),
      recallAt10: round(r10 / n),
      latencyMs: { p50: round(percentile(latencies, 50)), p95: round(percentile(latencies, 95)) },
      ingestSeconds: round(ingestSeconds),
      ranked,
    };
  } finally {
    await kb.dropNamespace(namespace).catch(() => undefined);
    if (!options.knowledgeBase) {
      await kb.close();
      if (tempDir) await rm(tempDir, { recursive: true, force: true });
    }
  }
}
