/** `agent-chatbot kb add|list|search|embedding` and `eval retrieval` (registered in src/cli/command-table.ts). */
import { readFile, stat } from 'node:fs/promises';
import { basename } from 'node:path';
import { AgentChatbotError } from '@agent-chatbot/core';
import type { CommandDef, CommandEnv } from '../cli/command-table';
import { table, usageError } from '../cli/output';
import { getTenant } from '../tenants/tenant-service';
import { absolutizeArgv, progressPrinter, withService } from './cli-support';
import { listDocumentRows } from './document-rows';
import { createDocuments, storeFile } from './documents';
import { embeddingSettingsInputSchema, loadEmbeddingView, saveEmbeddingSettings, type EmbeddingSettingsView } from './embedding-routes';
import { evalRetrievalCommand } from './eval-command';
import { ingestStoredDocument } from './ingest';
import { searchKnowledge } from './search';

type Values = Record<string, string | boolean | undefined>;

const str = (values: Values, name: string, required = true): string | undefined => {
  const v = values[name];
  if (typeof v === 'string' && v.trim() !== '') return v;
  if (required) throw usageError(`Missing --${name}`, `Thiếu tham số --${name}`);
  return undefined;
};

/** Reads the files, stores them, creates their rows and ingests them here, one after another. */
async function kbAdd(env: CommandEnv, values: Values, files: string[]) {
  const tenant = await getTenant(env.db, str(values, 'tenant')!);
  return withService(env, async (service) => {
    const results: Array<{ file: string; documentId: string | null; status: string; chunks: number; error: { code: string; message: string; message_vi: string } | null }> = [];
    const ready: Awaited<ReturnType<typeof storeFile>>[] = [];
    for (const path of files) {
      const name = basename(path);
      const info = await stat(path).catch(() => undefined);
      if (!info?.isFile()) {
        results.push({ file: path, documentId: null, status: 'failed', chunks: 0, error: { code: 'file_not_found', message: `${path} not found`, message_vi: `Không tìm thấy tệp ${path}` } });
      } else if (info.size > service.maxUploadBytes) {
        const mb = Math.round(service.maxUploadBytes / 1024 / 1024);
        results.push({ file: path, documentId: null, status: 'failed', chunks: 0, error: { code: 'payload_too_large', message: `${name} is larger than ${mb} MB`, message_vi: `Tệp ${name} vượt quá ${mb} MB` } });
      } else {
        ready.push(await storeFile(service, tenant.id, { name, bytes: new Uint8Array(await readFile(path)) }));
      }
    }
    const docs = await createDocuments(service, tenant.id, ready);
    const progress = progressPrinter(env, { json: values.json === true });
    for (const doc of docs) {
      const outcome = await ingestStoredDocument(service, tenant.id, doc.id, { onProgress: ({ stage, percent }) => progress.update(doc.name, stage, percent) });
      progress.done();
      const path = files.find((file) => basename(file) === doc.name) ?? doc.name;
      results.push({
        file: path,
        documentId: doc.id,
        status: outcome.status,
        chunks: outcome.chunkCount,
        error: outcome.error ? { code: outcome.error.code, message: outcome.error.message, message_vi: outcome.error.messageVi } : null,
      });
    }
    const lines = results.map((r) =>
      r.status === 'ready' ? `✓ ${r.file}: ${r.chunks} đoạn / chunks (${r.documentId})` : `✗ ${r.file}: ${r.error?.message_vi ?? r.status} — ${r.error?.message ?? ''}`,
    );
    const failed = results.filter((r) => r.status !== 'ready');
    if (failed.length > 0) {
      throw new AgentChatbotError({
        code: 'ingest_failed',
        status: 422,
        message: `${failed.length} of ${results.length} files failed:\n${lines.join('\n')}`,
        messageVi: `${failed.length}/${results.length} tệp lỗi:\n${lines.join('\n')}`,
        details: { tenantId: tenant.id, files: results },
      });
    }
    return { json: { tenantId: tenant.id, files: results }, text: `Đã thêm vào kho tri thức / Added to ${tenant.slug}:\n${lines.join('\n')}` };
  });
}

/** The knowledge CLI commands. */
export const knowledgeCommands: readonly CommandDef[] = [
  {
    name: 'kb add',
    summaryVi: 'Thêm tài liệu vào kho tri thức của cửa hàng (chờ xử lý xong)',
    summaryEn: "Add files to a tenant's knowledge base (waits until processed)",
    usage: 'agent-chatbot kb add --tenant ID|SLUG FILE... [--json]',
    options: { tenant: { type: 'string' } },
    positionals: ['FILE'],
    variadic: true,
    serverTimeoutMs: 30 * 60_000,
    forServer: (argv, cwd) => absolutizeArgv(argv, cwd, [], 2),
    run: kbAdd,
  },
  {
    name: 'kb list',
    summaryVi: 'Liệt kê tài liệu và trạng thái xử lý',
    summaryEn: 'List documents with their ingestion status',
    usage: 'agent-chatbot kb list --tenant ID|SLUG [--json]',
    options: { tenant: { type: 'string' } },
    async run(env, values) {
      const tenant = await getTenant(env.db, str(values, 'tenant')!);
      const { items } = await env.db.tenant(tenant.id, (tx) => listDocumentRows(tx, { limit: 1000, offset: 0 }));
      const json = items.map((d) => ({ id: d.id, name: d.name, status: d.status, stage: d.stage, percent: d.progress, chunkCount: d.chunkCount, error: d.error }));
      return {
        json,
        text: items.length
          ? table(
              items.map((d) => ({ id: d.id, status: d.status, '%': d.progress, chunks: d.chunkCount, name: d.name, error: d.error ? `${d.error.messageVi} / ${d.error.message}` : '' })),
              ['id', 'status', '%', 'chunks', 'name', 'error'],
            )
          : 'Chưa có tài liệu nào / No documents yet',
      };
    },
  },
  {
    name: 'kb search',
    summaryVi: 'Tìm trong kho tri thức (các đoạn xếp hạng, điểm, tên tài liệu)',
    summaryEn: 'Search the knowledge base (ranked chunks, scores, document names)',
    usage: 'agent-chatbot kb search --tenant ID|SLUG "câu hỏi" [--k 5] [--mode hybrid|bm25|dense] [--json]',
    options: { tenant: { type: 'string' }, k: { type: 'string' }, mode: { type: 'string' } },
    positionals: ['QUERY'],
    async run(env, values, [query]) {
      const tenant = await getTenant(env.db, str(values, 'tenant')!);
      const k = Number(str(values, 'k', false) ?? '5');
      if (!Number.isInteger(k) || k < 1 || k > 100) throw usageError('--k must be 1–100', '--k phải từ 1 đến 100');
      const mode = str(values, 'mode', false);
      if (mode !== undefined && mode !== 'hybrid' && mode !== 'bm25' && mode !== 'dense') throw usageError('--mode must be hybrid, bm25 or dense', '--mode phải là hybrid, bm25 hoặc dense');
      const result = await withService(env, (service) => searchKnowledge(service, tenant.id, query!, { topK: k, ...(mode ? { mode } : {}) }));
      const text = result.hits.length
        ? result.hits.map((h) => `${h.rank}. [${h.score.toFixed(4)}] ${h.document_name}\n   ${h.text.replace(/\s+/g, ' ').slice(0, 200)}`).join('\n')
        : 'Không tìm thấy nội dung liên quan / Nothing relevant found';
      return { json: result, text };
    },
  },
  {
    name: 'kb embedding',
    summaryVi: 'Xem hoặc đặt mô hình embedding (tìm kiếm lai) của cửa hàng; đổi mô hình sẽ lập chỉ mục lại',
    summaryEn: "Show or set a tenant's embedding model (hybrid search); a model change re-indexes",
    usage:
      'agent-chatbot kb embedding --tenant ID|SLUG [--enabled true|false] [--provider openai|ollama] [--model M] [--base-url URL] [--dimensions N] [--key-mode own|own_then_platform|platform] [--api-key KEY] [--json]',
    options: {
      tenant: { type: 'string' },
      enabled: { type: 'string' },
      provider: { type: 'string' },
      model: { type: 'string' },
      'base-url': { type: 'string' },
      dimensions: { type: 'string' },
      'key-mode': { type: 'string' },
      'api-key': { type: 'string' },
    },
    async run(env, values) {
      const tenant = await getTenant(env.db, str(values, 'tenant')!);
      const given = (name: string) => str(values, name, false);
      const enabled = given('enabled');
      if (enabled !== undefined && enabled !== 'true' && enabled !== 'false') throw usageError('--enabled must be true or false', '--enabled phải là true hoặc false');
      const input = {
        ...(enabled !== undefined ? { enabled: enabled === 'true' } : {}),
        ...(given('provider') ? { provider: given('provider') } : {}),
        ...(given('model') ? { model: given('model') } : {}),
        ...(given('base-url') ? { base_url: given('base-url') } : {}),
        ...(given('dimensions') ? { dimensions: Number(given('dimensions')) } : {}),
        ...(given('key-mode') ? { key_mode: given('key-mode') } : {}),
        ...(given('api-key') ? { api_key: given('api-key') } : {}),
      };
      const parsed = embeddingSettingsInputSchema.safeParse(input);
      if (!parsed.success) {
        const issue = parsed.error.issues[0];
        const field = String(issue?.path[0] ?? '').replace(/_/g, '-');
        throw usageError(`Invalid --${field}: ${issue?.message ?? ''}`, `Tham số --${field} không hợp lệ: ${issue?.message ?? ''}`);
      }
      const view: EmbeddingSettingsView = await withService(env, (service) =>
        Object.keys(input).length === 0
          ? loadEmbeddingView(service, tenant.id)
          : saveEmbeddingSettings(service, tenant.id, parsed.data, {
              ...(env.jobs ? { jobs: env.jobs } : {}),
              audit: async (tx, details) => {
                await tx.query(
                  `INSERT INTO audit_log (tenant_id, actor_kind, action, target_type, target_id, details) VALUES ($1::uuid, 'cli', 'knowledge.embedding.update', 'tenant', $1::text, $2::jsonb)`,
                  [tenant.id, JSON.stringify(details)],
                );
              },
            }),
      );
      const effective = view.effective
        ? `${view.effective.provider} ${view.effective.model}${view.effective.dimensions ? ` (${view.effective.dimensions})` : ''} · ${view.effective.key_source}`
        : 'không có — chỉ tìm theo từ khoá / none — keyword search only';
      const reindex =
        view.reindex === 'queued'
          ? 'Đã xếp hàng lập chỉ mục lại / Re-index queued'
          : view.reindex === 'required' || view.reindex_required
            ? `Cần lập chỉ mục lại / Re-index needed: agent-chatbot tenant reindex ${tenant.slug}`
            : '';
      return {
        json: { tenantId: tenant.id, ...view },
        text: [
          `Embedding của / of ${tenant.slug}: ${view.enabled ? 'bật / on' : 'tắt / off'} · key mode ${view.key_mode} · key ${view.api_key_hint ?? '—'}`,
          `  đang dùng / in use: ${effective}`,
          `  đã lập chỉ mục với / indexed with: ${view.indexed_with ?? '—'}`,
          ...(reindex ? [`  ${reindex}`] : []),
        ].join('\n'),
      };
    },
  },
  evalRetrievalCommand,
];
