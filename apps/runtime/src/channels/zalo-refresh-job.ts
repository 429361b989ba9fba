/**
 * `channels.zalo-token-refresh`: hourly, refreshes every Zalo OA token pair whose access token
 * expires within 2 hours (access tokens live about 25 h; the refresh token is single-use).
 */
import { ZaloTokenRefreshError } from '@agent-chatbot/channel-zalo';
import type { ChannelContext } from './channel-context';
import { isZaloChannel } from './channel-factory';
import { recordConnectionError } from './connection-store';
import { createConnectionZaloTokenStore, recordZaloTokenExpiry } from './zalo-token-store';

/** The scheduled job's name. */
export const ZALO_TOKEN_REFRESH_JOB = 'channels.zalo-token-refresh';
/** Refresh tokens expiring within this window. */
export const ZALO_REFRESH_AHEAD_MS = 2 * 60 * 60 * 1000;

/** Outcome of one sweep. */
export interface ZaloRefreshSweep {
  checked: number;
  refreshed: number;
  failed: number;
}

/** Refreshes every active Zalo connection's tokens that expire soon. */
export async function refreshZaloTokens(context: ChannelContext, aheadMs: number = ZALO_REFRESH_AHEAD_MS): Promise<ZaloRefreshSweep> {
  const { runtime } = context;
  const connections = await runtime.db.platform(
    async (tx) =>
      (await tx.query<{ id: string; tenant_id: string }>(`SELECT id, tenant_id FROM channel_connections WHERE type = 'zalo' AND status <> 'disabled'`)).rows,
  );
  const sweep: ZaloRefreshSweep = { checked: 0, refreshed: 0, failed: 0 };
  for (const c of connections) {
    sweep.checked += 1;
    try {
      const { channel } = await context.openChannel(c.tenant_id, c.id);
      if (!isZaloChannel(channel)) continue;
      const outcome = await channel.refreshIfExpiringWithin(aheadMs);
      if (outcome.refreshed) sweep.refreshed += 1;
      // Keep the expiry gauge current for every connection, refreshed this hour or not.
      recordZaloTokenExpiry(c.id, await createConnectionZaloTokenStore(runtime.db, runtime.secretBox, c.tenant_id, c.id).get());
    } catch (error) {
      sweep.failed += 1;
      const fatal = error instanceof ZaloTokenRefreshError && !error.isRetryable;
      const message = error instanceof ZaloTokenRefreshError ? `${error.messageVi} / ${error.message}` : error instanceof Error ? error.message : String(error);
      runtime.logger.warn({ connectionId: c.id, tenantId: c.tenant_id, fatal, err: error instanceof Error ? error.message : String(error) }, 'zalo token refresh failed');
      await runtime.db.tenant(c.tenant_id, (tx) => recordConnectionError(tx, c.id, `token_refresh_failed: ${message}`, fatal));
    }
  }
  return sweep;
}
