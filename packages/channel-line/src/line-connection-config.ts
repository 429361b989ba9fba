import { ValidationError } from '@agent-chatbot/core';
import { z } from 'zod';
import { createLineChannel, type LineChannel, type LineChannelOptions } from './create-line-channel';

/** A LINE connection's stored config, with LINE's key names. */
export const lineConnectionConfigSchema = z.object({
  channel_secret: z.string().min(1),
  channel_access_token: z.string().min(1),
});

/** A parsed {@link lineConnectionConfigSchema}. */
export type LineConnectionConfig = z.infer<typeof lineConnectionConfigSchema>;

/** Builds a channel from a stored config plus deployment settings (`CHATBOT_LINE_API_BASE`, proxy). */
export function createLineChannelFromConfig(config: unknown, settings: Pick<LineChannelOptions, 'apiBase' | 'dataApiBase' | 'proxy' | 'fetch' | 'timeoutMs'> = {}): LineChannel {
  const parsed = lineConnectionConfigSchema.safeParse(config);
  if (!parsed.success) {
    throw new ValidationError('Invalid LINE connection config', 'Cấu hình kết nối LINE không hợp lệ', { details: { issues: parsed.error.issues.map((i) => ({ path: i.path.join('.'), message: i.message })) } });
  }
  return createLineChannel({ ...settings, channelSecret: parsed.data.channel_secret, channelAccessToken: parsed.data.channel_access_token });
}
