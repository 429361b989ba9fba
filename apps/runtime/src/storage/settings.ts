import { ValidationError } from '@agent-chatbot/core';
import { z } from 'zod';
import type { StorageSettings } from './types';

const S3_VARIABLES = ['CHATBOT_S3_ENDPOINT', 'CHATBOT_S3_BUCKET', 'CHATBOT_S3_ACCESS_KEY_ID', 'CHATBOT_S3_SECRET_ACCESS_KEY', 'CHATBOT_S3_REGION'] as const;

const s3Schema = z.object({
  CHATBOT_S3_ENDPOINT: z.url({ protocol: /^https?$/ }),
  CHATBOT_S3_BUCKET: z.string().regex(/^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/, 'must be a valid bucket name'),
  CHATBOT_S3_ACCESS_KEY_ID: z.string().min(1),
  CHATBOT_S3_SECRET_ACCESS_KEY: z.string().min(1),
  CHATBOT_S3_REGION: z.string().min(1),
  CHATBOT_S3_FORCE_PATH_STYLE: z.enum(['true', 'false', '1', '0']).optional(),
});

/**
 * Reads the file storage settings: S3-compatible when any `CHATBOT_S3_*` variable is set (then
 * endpoint, bucket, access key id, secret and region are all required), otherwise local.
 */
export function readStorageSettings(env: NodeJS.ProcessEnv): StorageSettings {
  const present = Object.fromEntries(
    [...S3_VARIABLES, 'CHATBOT_S3_FORCE_PATH_STYLE'].filter((name) => env[name] !== undefined && env[name] !== '').map((name) => [name, env[name]]),
  );
  if (!S3_VARIABLES.some((name) => name in present)) return {};
  const parsed = s3Schema.safeParse(present);
  if (!parsed.success) {
    const lines = parsed.error.issues.map((issue) => `${String(issue.path[0] ?? '?')}: ${issue.message}`);
    throw new ValidationError(
      `Invalid S3 storage configuration — ${lines.join('; ')}`,
      `Cấu hình lưu trữ S3 không hợp lệ — ${lines.join('; ')}`,
      { details: { issues: lines } },
    );
  }
  const e = parsed.data;
  return {
    s3: {
      endpoint: e.CHATBOT_S3_ENDPOINT,
      bucket: e.CHATBOT_S3_BUCKET,
      accessKeyId: e.CHATBOT_S3_ACCESS_KEY_ID,
      secretAccessKey: e.CHATBOT_S3_SECRET_ACCESS_KEY,
      region: e.CHATBOT_S3_REGION,
      forcePathStyle: e.CHATBOT_S3_FORCE_PATH_STYLE === undefined || e.CHATBOT_S3_FORCE_PATH_STYLE === 'true' || e.CHATBOT_S3_FORCE_PATH_STYLE === '1',
    },
  };
}
