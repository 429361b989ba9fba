/**
 * `agent-chatbot eval retrieval`: measures retrieval through the runtime's own pipeline and
 * retriever on a temporary tenant of the configured database (deleted afterwards).
 */
import { randomBytes } from 'node:crypto';
import { readFile, writeFile } from 'node:fs/promises';
import { ValidationError } from '@agent-chatbot/core';
import type { RetrievalMode } from '@agent-chatbot/rag';
import { z } from 'zod';
import type { CommandDef, CommandEnv } from '../cli/command-table';
import { usageError } from '../cli/output';
import { absolutizeArgv, withService } from './cli-support';

const corpusLine = z.object({ id: z.union([z.string(), z.number()]).transform(String), text: z.string() });
const queryLine = z.object({ id: z.union([z.string(), z.number()]).transform(String), text: z.string(), relevant: z.array(z.union([z.string(), z.number()]).transform(String)) });

async function readJsonl<T>(path: string, schema: z.ZodType<T>): Promise<T[]> {
  const content = await readFile(path, 'utf8').catch((error: NodeJS.ErrnoException) => {
    throw new ValidationError(`Cannot read ${path} (${error.code ?? error.message})`, `Không đọc được tệp ${path} (${error.code ?? error.message})`);
  });
  return content
    .split('\n')
    .map((line, index) => ({ line, index }))
    .filter(({ line }) => line.trim() !== '')
    .map(({ line, index }) => {
      let value: unknown;
      try {
        value = JSON.parse(line);
      } catch {
        value = undefined;
      }
      const parsed = schema.safeParse(value);
      if (!parsed.success) throw new ValidationError(`${path}:${index + 1} is not a valid line`, `Dòng ${index + 1} của ${path} không hợp lệ`);
      return parsed.data;
    });
}

const percentile = (sorted: readonly number[], p: number): number =>
  sorted.length === 0 ? 0 : sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))]!;
const round = (value: number): number => Math.round(value * 10_000) / 10_000;

/** Metrics printed by `eval retrieval`. */
export interface RetrievalEvalReport {
  mode: RetrievalMode;
  queries: number;
  documents: number;
  chunks: number;
  'MRR@10': number;
  'R@1': number;
  'R@5': number;
  'R@10': number;
  latencyMs: { p50: number; p95: number };
  ingestSeconds: number;
}

/** Runs the evaluation (exported for tests). */
export async function runRetrievalEval(
  env: CommandEnv,
  options: { corpus: string; queries: string; output: string; mode: RetrievalMode; k: number },
): Promise<RetrievalEvalReport> {
  const corpus = await readJsonl(options.corpus, corpusLine);
  const queries = await readJsonl(options.queries, queryLine);
  const slug = `eval-${randomBytes(6).toString('hex')}`;
  const tenantId = await env.db.platform(async (tx) => {
    const { rows } = await tx.query<{ id: string }>(`INSERT INTO tenants (name, slug) VALUES ($1, $2) RETURNING id`, [`Đánh giá truy hồi ${slug}`, slug]);
    return rows[0]!.id;
  });
  return withService(env, async (service) => {
    try {
      const started = performance.now();
      const results = await service.kb.ingestDocuments({
        namespace: tenantId,
        documents: corpus.map((doc) => ({ sourceId: doc.id, name: doc.id, content: doc.text, format: 'txt' as const })),
      });
      const ingestSeconds = (performance.now() - started) / 1000;
      const mode: RetrievalMode = options.mode === 'hybrid' && !(await service.kb.embeddingModelOf(tenantId)) ? 'bm25' : options.mode;
      const lines: string[] = [];
      const latencies: number[] = [];
      let mrr = 0;
      let r1 = 0;
      let r5 = 0;
      let r10 = 0;
      for (const query of queries) {
        const t0 = performance.now();
        // The bots' retriever, with the relevance threshold off so the ranking is complete.
        const { hits } = await service.kb.retriever.search({ namespace: tenantId, query: query.text, mode, topK: Math.min(options.k * 3, 1000), minRelevance: 0 });
        latencies.push(performance.now() - t0);
        const ranked = [...new Set(hits.map((hit) => hit.sourceId))].slice(0, options.k);
        lines.push(JSON.stringify({ id: query.id, ranked }));
        const relevant = new Set(query.relevant);
        const first = ranked.findIndex((id) => relevant.has(id));
        if (first >= 0 && first < 10) mrr += 1 / (first + 1);
        const recall = (n: number): number => (relevant.size === 0 ? 0 : ranked.slice(0, n).filter((id) => relevant.has(id)).length / relevant.size);
        r1 += recall(1);
        r5 += recall(5);
        r10 += recall(10);
      }
      await writeFile(options.output, lines.length ? `${lines.join('\n')}\n` : '');
      latencies.sort((a, b) => a - b);
      const n = Math.max(queries.length, 1);
      return {
        mode,
        queries: queries.length,
        documents: corpus.length,
        chunks: results.reduce((sum, result) => sum + result.chunkCount, 0),
        'MRR@10': round(mrr / n),
        'R@1': round(r1 / n),
        'R@5': round(r5 / n),
        'R@10': round(r10 / n),
        latencyMs: { p50: round(percentile(latencies, 50)), p95: round(percentile(latencies, 95)) },
        ingestSeconds: round(ingestSeconds),
      };
    } finally {
      await service.kb.dropNamespace(tenantId).catch(() => undefined);
      await env.db.platform((tx) => tx.query('DELETE FROM tenants WHERE id = $1', [tenantId]));
    }
  });
}

/** `eval retrieval`. */
export const evalRetrievalCommand: CommandDef = {
  name: 'eval retrieval',
  summaryVi: 'Đo chất lượng truy hồi (MRR@10, R@k, độ trễ) trên một bộ dữ liệu JSONL',
  summaryEn: 'Measure retrieval (MRR@10, R@k, latency) on a JSONL corpus and queries',
  usage: 'agent-chatbot eval retrieval --corpus C.jsonl --queries Q.jsonl --output RUN.jsonl [--mode hybrid|bm25|dense] [--k 100]',
  options: { corpus: { type: 'string' }, queries: { type: 'string' }, output: { type: 'string' }, mode: { type: 'string' }, k: { type: 'string' } },
  serverTimeoutMs: 60 * 60_000,
  forServer: (argv, cwd) => absolutizeArgv(argv, cwd, ['corpus', 'queries', 'output']),
  async run(env, values) {
    const need = (name: string): string => {
      const v = values[name];
      if (typeof v !== 'string' || v === '') throw usageError(`Missing --${name}`, `Thiếu tham số --${name}`);
      return v;
    };
    const mode = (values.mode ?? 'hybrid') as string;
    if (mode !== 'hybrid' && mode !== 'bm25' && mode !== 'dense') throw usageError('--mode must be hybrid, bm25 or dense', '--mode phải là hybrid, bm25 hoặc dense');
    const k = Number(values.k ?? '100');
    if (!Number.isInteger(k) || k < 1 || k > 1000) throw usageError('--k must be 1–1000', '--k phải từ 1 đến 1000');
    const report = await runRetrievalEval(env, { corpus: need('corpus'), queries: need('queries'), output: need('output'), mode, k });
    return { json: report, text: JSON.stringify(report, null, 2) };
  },
};
