import { ValidationError } from '@agent-chatbot/core';
import { z } from 'zod';

/** Knowledge settings of the runtime. */
export interface KnowledgeSettings {
  /** LanceDB location (`CHATBOT_LANCEDB_URI`: a folder or an object-store URI); default `<dataDir>/lancedb`. */
  readonly lancedbUri?: string;
  /** Largest uploaded file in bytes (`CHATBOT_UPLOAD_MAX_BYTES`, default 20 MB). */
  readonly maxUploadBytes: number;
}

/** Default per-file upload limit: 20 MB. */
export const DEFAULT_MAX_UPLOAD_BYTES = 20 * 1024 * 1024;

const schema = z.object({
  CHATBOT_LANCEDB_URI: z.string().min(1).optional(),
  CHATBOT_UPLOAD_MAX_BYTES: z.coerce.number().int().min(1024).max(1024 * 1024 * 1024).optional(),
});

/** Reads `CHATBOT_LANCEDB_URI` and `CHATBOT_UPLOAD_MAX_BYTES` (bilingual error when invalid). */
export function readKnowledgeSettings(env: NodeJS.ProcessEnv): KnowledgeSettings {
  const parsed = schema.safeParse({
    CHATBOT_LANCEDB_URI: env.CHATBOT_LANCEDB_URI || undefined,
    CHATBOT_UPLOAD_MAX_BYTES: env.CHATBOT_UPLOAD_MAX_BYTES || undefined,
  });
  if (!parsed.success) {
    const lines = parsed.error.issues.map((issue) => `${String(issue.path[0] ?? '?')}: ${issue.message}`);
    throw new ValidationError(`Invalid configuration — ${lines.join('; ')}`, `Cấu hình không hợp lệ — ${lines.join('; ')}`, { details: { issues: lines } });
  }
  return {
    ...(parsed.data.CHATBOT_LANCEDB_URI ? { lancedbUri: parsed.data.CHATBOT_LANCEDB_URI } : {}),
    maxUploadBytes: parsed.data.CHATBOT_UPLOAD_MAX_BYTES ?? DEFAULT_MAX_UPLOAD_BYTES,
  };
}
