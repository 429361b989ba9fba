import { ValidationError } from '@agent-chatbot/core';
import { randomBytes } from 'node:crypto';
import { z } from 'zod';
import { createMessengerChannel, type MessengerChannel } from './create-messenger-channel';
import type { MessengerChannelOptions } from './messenger-channel-options';

/** A Messenger connection's stored config, with Meta's key names. */
export const messengerConnectionConfigSchema = z.object({
  page_id: z.string().regex(/^\d+$/),
  page_access_token: z.string().min(1),
  app_secret: z.string().min(1),
  verify_token: z.string().min(1),
});

/** A parsed {@link messengerConnectionConfigSchema}. */
export type MessengerConnectionConfig = z.infer<typeof messengerConnectionConfigSchema>;

/** A random verify token for the GET handshake (when `channel add` is given none). */
export function generateMessengerVerifyToken(): string {
  return randomBytes(24).toString('base64url');
}

/** Builds a channel from a stored config plus deployment settings (`CHATBOT_GRAPH_API_BASE`, proxy). */
export function createMessengerChannelFromConfig(config: unknown, settings: Pick<MessengerChannelOptions, 'graphApiBase' | 'graphApiVersion' | 'proxy' | 'fetch' | 'timeoutMs'> = {}): MessengerChannel {
  const parsed = messengerConnectionConfigSchema.safeParse(config);
  if (!parsed.success) {
    throw new ValidationError('Invalid Messenger connection config', 'Cấu hình kết nối Messenger không hợp lệ', { details: { issues: parsed.error.issues.map((i) => ({ path: i.path.join('.'), message: i.message })) } });
  }
  const c = parsed.data;
  return createMessengerChannel({ ...settings, pageId: c.page_id, pageAccessToken: c.page_access_token, appSecret: c.app_secret, verifyToken: c.verify_token });
}
