import { ValidationError } from '@agent-chatbot/core';
import { z } from 'zod';
import { createZaloChannel, type ZaloChannel } from './create-zalo-channel';
import type { ZaloChannelOptions } from './zalo-channel-options';
import type { ZaloTokenStore } from './zalo-tokens';

/**
 * A Zalo connection's stored config, with Zalo's own key names (what `channel add --config`
 * accepts). `access_token`/`refresh_token` seed the token store; afterwards the store owns them.
 */
export const zaloConnectionConfigSchema = z.object({
  app_id: z.string().regex(/^\d+$/),
  app_secret: z.string().min(1),
  oa_id: z.string().regex(/^\d+$/),
  oa_secret_key: z.string().min(1),
  access_token: z.string().min(1),
  refresh_token: z.string().min(1).optional(),
  /** ISO time; unknown for tokens pasted by hand. */
  access_token_expires_at: z.iso.datetime().optional(),
});

/** A parsed {@link zaloConnectionConfigSchema}. */
export type ZaloConnectionConfig = z.infer<typeof zaloConnectionConfigSchema>;

/**
 * Builds a channel from a stored connection config plus deployment settings (API bases from
 * `CHATBOT_ZALO_API_BASE` / `CHATBOT_ZALO_OAUTH_BASE`, proxy, the encrypted token store).
 * Throws a 400 {@link ValidationError} naming the bad keys.
 */
export function createZaloChannelFromConfig(
  config: unknown,
  settings: Pick<ZaloChannelOptions, 'apiBase' | 'oauthBase' | 'proxy' | 'fetch' | 'timeoutMs'> & { tokenStore?: ZaloTokenStore },
): ZaloChannel {
  const parsed = zaloConnectionConfigSchema.safeParse(config);
  if (!parsed.success) {
    throw new ValidationError('Invalid Zalo connection config', 'Cấu hình kết nối Zalo không hợp lệ', { details: { issues: parsed.error.issues.map((i) => ({ path: i.path.join('.'), message: i.message })) } });
  }
  const c = parsed.data;
  return createZaloChannel({
    ...settings,
    appId: c.app_id,
    appSecret: c.app_secret,
    oaId: c.oa_id,
    oaSecretKey: c.oa_secret_key,
    ...(settings.tokenStore ? { tokenStore: settings.tokenStore } : { accessToken: c.access_token }),
  });
}
