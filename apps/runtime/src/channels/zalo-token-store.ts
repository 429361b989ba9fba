/**
 * A {@link ZaloTokenStore} over the connection's encrypted credentials: the rotated pair is
 * committed before `save` resolves (a lost single-use refresh token means the OA admin must
 * grant consent again), and `token_expires_at` on the row feeds the health view.
 */
import type { ZaloTokens, ZaloTokenStore } from '@agent-chatbot/channel-zalo';
import type { Db } from '../db/types';
import { setChannelTokenExpiry } from '../ops/metrics';
import type { SecretBox } from '../secrets/secret-box';
import { loadConnection, updateConnection, type ConnectionConfig } from './connection-store';

const optionalDate = (value: unknown): Date | undefined => {
  if (typeof value !== 'string' && typeof value !== 'number') return undefined;
  const d = new Date(value);
  return Number.isNaN(d.getTime()) ? undefined : d;
};

/** Reads the token pair out of a Zalo connection config (seeded from `access_token`/`refresh_token`). */
export function zaloTokensFromConfig(config: ConnectionConfig): ZaloTokens {
  const accessTokenExpiresAt = optionalDate(config.access_token_expires_at);
  const refreshTokenExpiresAt = optionalDate(config.refresh_token_expires_at);
  return {
    accessToken: typeof config.access_token === 'string' ? config.access_token : '',
    ...(typeof config.refresh_token === 'string' && config.refresh_token ? { refreshToken: config.refresh_token } : {}),
    ...(accessTokenExpiresAt ? { accessTokenExpiresAt } : {}),
    ...(refreshTokenExpiresAt ? { refreshTokenExpiresAt } : {}),
  };
}

/**
 * Sets `channel_token_expiry_seconds{channel="zalo"}`: the single-use refresh token's expiry when
 * known (losing it means the OA admin must consent again), else the access token's.
 */
export function recordZaloTokenExpiry(connectionId: string, tokens: ZaloTokens): void {
  const expiresAt = tokens.refreshTokenExpiresAt ?? tokens.accessTokenExpiresAt;
  if (expiresAt) setChannelTokenExpiry('zalo', connectionId, expiresAt);
}

/** Creates the token store of one Zalo connection. Each call is its own short transaction. */
export function createConnectionZaloTokenStore(db: Db, secretBox: SecretBox, tenantId: string, connectionId: string): ZaloTokenStore {
  return {
    async get() {
      const connection = await db.tenant(tenantId, (tx) => loadConnection(tx, secretBox, connectionId));
      return zaloTokensFromConfig(connection.config);
    },
    async save(tokens) {
      await db.tenant(tenantId, async (tx) => {
        // Row lock: two processes saving at once must not interleave read-modify-write.
        const connection = await loadConnection(tx, secretBox, connectionId, { forUpdate: true });
        const config: ConnectionConfig = { ...connection.config, access_token: tokens.accessToken };
        if (tokens.refreshToken) config.refresh_token = tokens.refreshToken;
        if (tokens.accessTokenExpiresAt) config.access_token_expires_at = tokens.accessTokenExpiresAt.toISOString();
        else delete config.access_token_expires_at;
        if (tokens.refreshTokenExpiresAt) config.refresh_token_expires_at = tokens.refreshTokenExpiresAt.toISOString();
        await updateConnection(tx, secretBox, tenantId, connectionId, {
          config,
          tokenExpiresAt: tokens.accessTokenExpiresAt ?? null,
          clearError: true,
          // The channel reads tokens through this store, so cached channels stay valid.
          keepUpdatedAt: true,
        });
        // A connection flagged for a dead token works again once a refresh succeeded.
        await tx.query(`UPDATE channel_connections SET status = 'active' WHERE id = $1 AND status = 'error'`, [connectionId]);
      });
      recordZaloTokenExpiry(connectionId, tokens);
    },
  };
}
