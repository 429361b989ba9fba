import { ValidationError } from '@agent-chatbot/core';
import { z } from 'zod';
import { readPlatformEmbeddingConfig, type PlatformEmbeddingConfig } from './embedding-settings';

/** Knowledge settings of the runtime. */
export interface KnowledgeSettings {
  /** LanceDB location (`CHATBOT_LANCEDB_URI`: a folder or an object-store URI); default `<dataDir>/lancedb`. */
  readonly lancedbUri?: string;
  /** Largest uploaded file in bytes (`CHATBOT_UPLOAD_MAX_BYTES`, default 20 MB). */
  readonly maxUploadBytes: number;
  /**
   * The platform embedding model (`CHATBOT_EMBEDDING_PROVIDER` openai|ollama, `CHATBOT_EMBEDDING_MODEL`,
   * `CHATBOT_EMBEDDING_BASE_URL`, `CHATBOT_EMBEDDING_API_KEY`, `CHATBOT_EMBEDDING_DIMENSIONS`);
   * undefined → keyword search only unless a tenant brings its own.
   */
  readonly embedding?: PlatformEmbeddingConfig;
  /** Chunks a tenant needs before its ANN vector index is built (`CHATBOT_VECTOR_INDEX_MIN_ROWS`, default 10,000). */
  readonly vectorIndexMinRows?: number;
}

/** Default per-file upload limit: 20 MB. */
export const DEFAULT_MAX_UPLOAD_BYTES = 20 * 1024 * 1024;

const schema = z.object({
  CHATBOT_LANCEDB_URI: z.string().min(1).optional(),
  CHATBOT_UPLOAD_MAX_BYTES: z.coerce.number().int().min(1024).max(1024 * 1024 * 1024).optional(),
  CHATBOT_VECTOR_INDEX_MIN_ROWS: z.coerce.number().int().min(256).max(100_000_000).optional(),
});

/** Reads `CHATBOT_LANCEDB_URI`, `CHATBOT_UPLOAD_MAX_BYTES`, `CHATBOT_VECTOR_INDEX_MIN_ROWS` and `CHATBOT_EMBEDDING_*` (bilingual error when invalid). */
export function readKnowledgeSettings(env: NodeJS.ProcessEnv): KnowledgeSettings {
  const parsed = schema.safeParse({
    CHATBOT_LANCEDB_URI: env.CHATBOT_LANCEDB_URI || undefined,
    CHATBOT_UPLOAD_MAX_BYTES: env.CHATBOT_UPLOAD_MAX_BYTES || undefined,
    CHATBOT_VECTOR_INDEX_MIN_ROWS: env.CHATBOT_VECTOR_INDEX_MIN_ROWS || undefined,
  });
  if (!parsed.success) {
    const lines = parsed.error.issues.map((issue) => `${String(issue.path[0] ?? '?')}: ${issue.message}`);
    throw new ValidationError(`Invalid configuration — ${lines.join('; ')}`, `Cấu hình không hợp lệ — ${lines.join('; ')}`, { details: { issues: lines } });
  }
  const embedding = readPlatformEmbeddingConfig(env);
  return {
    ...(parsed.data.CHATBOT_LANCEDB_URI ? { lancedbUri: parsed.data.CHATBOT_LANCEDB_URI } : {}),
    maxUploadBytes: parsed.data.CHATBOT_UPLOAD_MAX_BYTES ?? DEFAULT_MAX_UPLOAD_BYTES,
    ...(embedding ? { embedding } : {}),
    ...(parsed.data.CHATBOT_VECTOR_INDEX_MIN_ROWS ? { vectorIndexMinRows: parsed.data.CHATBOT_VECTOR_INDEX_MIN_ROWS } : {}),
  };
}
